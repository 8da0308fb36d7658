/* page.js — the public page (公示页): reads the signed documents embedded in it, runs every
 * check of draw.js (and results.js, replay.js), and shows the draw, in Chinese first with an
 * English toggle.
 *
 * What the page reads, all inside this one file (it makes no network request):
 *   <script type="application/json" id="draw-document">     the draw document (§13)
 *   <script type="application/json" id="results-document">  a results document (§18), if any
 *   <script type="application/base64" data-register="entities|inspectors|conflicts">
 *        register files, if the publisher embedded them (base64 of the file's bytes);
 *        otherwise the reader drops or picks them.
 *   <script type="application/json" data-proof>  entity proofs (`yaohao prove --html`), if
 *        any; the reader can also drop or pick proof files.  The search box opens at the
 *        entity of the first proof embedded (the page an inspected enterprise is given: its
 *        search then comes first, under the verdict) and at the entity of a proof dropped; its result shows the verdict of every proof of
 *        the entity found (data-search-proof on the result's lines, data-entity on
 *        #search-result).
 * The verdict: the element #verdict gets data-verdict "pending", then "ok" (every check made
 * passed), "fail" (a check failed; data-failed lists them) or "incomplete" (nothing failed,
 * but a check the verdict needs, such as the signature, could not be made in this browser).
 * Each entity proof gets its own verdict, on an element with data-proof-verdict (and
 * data-entity, data-failed): "ok", "fail" or "incomplete" (the draw itself incomplete).
 * The address fragment #lang=en opens the page in English (the page clicks its own toggle).
 */
"use strict";

const page = {
  lang: "zh",
  draw: null,
  results: null,
  drawChecks: [],
  resultChecks: [],
  replayChecks: [],
  resultState: null,
  entityInfo: null, // from the register replay: id → {name, reason, stratum}
  proofs: [], // entity proofs checked, newest first: {entity, name, outcome, checks, file}
  query: "", // what the search box holds (kept across renders)
  searching: null, // the search under way (a promise), so that the page's end can wait for it
  entityPage: false, // proofs are embedded: the page is an entity's, its search comes first
  busy: false,
  error: null,
};

const T = (zh, en) => (page.lang === "zh" ? zh : en);

const CHECK_NAMES = {
  document: ["文件格式", "document"], signature: ["部门签名", "signature"], "task digest": ["任务摘要", "task digest"],
  commitment: ["承诺值", "commitment"], seed: ["随机种子", "seed"], tickets: ["签号", "tickets"],
  "selection rules": ["抽取规则", "selection rules"], ledger: ["台账", "ledger"],
  "entity register": ["检查对象名录", "entity register"], "officer register": ["执法检查人员名录", "officer register"],
  "conflict register": ["回避关系表", "conflict register"], eligibility: ["抽查范围", "eligibility"], strata: ["分层", "strata"],
  officers: ["检查人员范围", "officers"], "load cap": ["负荷上限", "load cap"], selection: ["抽取重算", "selection"], teams: ["检查组重算", "teams"],
  "results document": ["结果文件格式", "results document"], "results signature": ["结果文件签名", "results signature"],
  "draw link": ["与抽取文件的关联", "draw link"], entries: ["台账记录", "entries"], "result rules": ["结果规则", "result rules"],
  listing: ["公示名单", "listing"], picks: ["调换与递补人选", "picks"], replay: ["重算", "replay"],
  proof: ["证明文件", "proof"], "proof inclusion": ["名录中的行与路径", "inclusion"], "proof absence": ["不在名录中的证明", "absence"],
  "proof eligibility": ["抽查范围", "eligibility"], "proof ticket": ["签号与分界", "ticket"], "proof selection": ["是否抽中", "selection"],
};
// the checks whose "not done" leaves the verdict incomplete (the rest need inputs the reader may not have)
const NEEDED = ["signature", "results signature", "entries", "replay"];

/* ---- small DOM helpers ------------------------------------------------------------------- */

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

function svgEl(tag, attrs, ...children) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

const short = (hex) => (hex ? hex.slice(0, 16) + "…" : "—");

/* A table body of many rows, shown ROWS_SHOWN at a time with a button for the rest (a
 * draw of a million entities has some 9,000 teams; the search box finds any one of them). */
const ROWS_SHOWN = 300;
function longTable(head, items, row) {
  const body = el("tbody", {});
  const more = el("button", { type: "button", class: "more" });
  let shown = 0;
  const grow = () => {
    const next = Math.min(items.length, shown + (shown ? 5000 : ROWS_SHOWN));
    body.append(...items.slice(shown, next).map(row));
    shown = next;
    more.hidden = shown >= items.length;
    more.textContent = T("显示更多（还有 " + (items.length - shown) + " 行）", "Show more (" + (items.length - shown) + " more rows)");
  };
  more.addEventListener("click", grow);
  grow();
  return [el("table", {}, el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, T(...h))))), body), more];
}

/* ---- the verdict ------------------------------------------------------------------------- */

function allChecks() {
  return page.drawChecks.concat(page.resultChecks, page.replayChecks);
}

function verdict() {
  if (page.error) return "fail";
  if (page.busy && !page.drawChecks.length) return "pending";
  const checks = allChecks();
  if (checks.some((c) => c.status === "failed")) return "fail";
  if (checks.some((c) => c.status === "not done" && NEEDED.includes(c.id))) return "incomplete";
  return "ok";
}

function renderVerdict() {
  const v = verdict(), box = document.getElementById("verdict");
  const failed = allChecks().filter((c) => c.status === "failed").map((c) => c.id);
  box.setAttribute("data-verdict", page.busy ? "pending" : v);
  box.setAttribute("data-failed", failed.join(","));
  box.className = "verdict " + (page.busy ? "pending" : v);
  const words = {
    pending: T("正在核验…", "Checking…"),
    ok: T("核验通过：本次抽取与其公布的规则和数据一致", "Verified: the draw follows its published rules and data"),
    fail: T("核验未通过：", "NOT verified: ") + failed.map((id) => (CHECK_NAMES[id] ? T(...CHECK_NAMES[id]) : id)).join(T("、", ", ")),
    incomplete: T("未完成核验：部分检查无法在本浏览器中进行（见下表）", "Incomplete: some checks could not be made in this browser (see below)"),
  };
  box.textContent = page.error ? T("无法读取抽取文件：", "The draw document cannot be read: ") + page.error : words[page.busy ? "pending" : v];
}

/* ---- sections ---------------------------------------------------------------------------- */

function checksSection() {
  const word = { ok: T("通过", "ok"), failed: T("未通过", "failed"), "not done": T("未进行", "not done") };
  const rows = allChecks().map((c) =>
    el("tr", { class: "check " + c.status.replace(" ", "-"), "data-check": c.id, "data-status": c.status },
      el("td", {}, CHECK_NAMES[c.id] ? T(...CHECK_NAMES[c.id]) : c.id),
      el("td", { class: "status" }, word[c.status]),
      el("td", {}, T(c.detail.zh, c.detail.en))));
  return el("section", { id: "checks" }, el("h2", {}, T("核验项目", "Checks")),
    el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, T("项目", "check")), el("th", {}, T("结果", "status")), el("th", {}, T("说明", "detail")))),
      el("tbody", {}, rows)));
}

function taskSection(d) {
  const t = d.task, p = t.population;
  const li = (k, v) => el("tr", {}, el("th", {}, k), el("td", {}, v));
  const list = (a) => (a.length ? a.join("、") : T("不限", "any"));
  return el("section", { id: "task" }, el("h2", {}, T("抽查任务", "The task")),
    el("table", { class: "facts" },
      li(T("任务", "task"), t.id + "  " + t.title),
      li(T("部门", "department"), d.department + (t.departments.length > 1 ? T("（联合：", " (joint: ") + t.departments.join("、") + T("）", ")") : "")),
      li(T("抽取日期", "draw date"), t.draw_date),
      li(T("检查事项", "check items"), list(t.items)),
      li(T("抽查范围", "population"), T("状态 ", "status ") + list(p.status) + T("；地区 ", "; regions ") + list(p.regions) +
        T("；行业 ", "; industries ") + list(p.industries) + T("；类型 ", "; types ") + list(p.types) + T("；风险 ", "; risk ") + list(p.risk)),
      li(T("分层与比例", "strata and rates"), (t.strata.by.length ? t.strata.by.join(" / ") : T("不分层", "none")) + "；" +
        Object.entries(t.strata.rates).map(([k, v]) => k + " " + v).concat(Object.entries(t.strata.counts).map(([k, v]) => k + " = " + v)).join("，") +
        T("；取整 ", "; rounding ") + t.strata.rounding + T("；备选比例 ", "; reserve rate ") + t.reserve_rate),
      li(T("检查组", "teams"), t.team.size + T(" 人", " officers") + (t.team.specialties.length ? T("，须含专长：", ", with: ") + t.team.specialties.join("、") : "") +
        T("；每人最多 ", "; at most ") + d.load_cap + T(" 组", " teams each")),
      li(T("符合条件的对象", "eligible entities"), d.entities.eligible + " / " + d.entities.count + T(" 户（名录根哈希 ", " (register root ") + short(d.entities.root) + ")"),
      li(T("符合条件的检查人员", "eligible officers"), d.inspectors.eligible + " / " + d.inspectors.count)));
}

function seedSection(d, facts) {
  const li = (k, v) => el("tr", {}, el("th", {}, k), el("td", { class: "mono" }, v));
  return el("section", { id: "seed" }, el("h2", {}, T("随机数从哪里来", "Where the randomness comes from")),
    el("p", {}, T("部门先公布承诺值（秘密值的哈希），抽取时再公布秘密值和事先指定的公开随机值；种子由这三者算出，部门无法在承诺之后改变结果。",
      "The department first published a commitment (the hash of a secret), then at the draw revealed the secret and the public value named in advance; the seed follows from the three, so the department could not steer the outcome after committing.")),
    el("table", { class: "facts" },
      li(T("承诺值", "commitment"), d.commitment),
      li(T("公告摘要", "announcement digest"), facts.announcementDigest || "—"),
      li(T("公开随机值来源", "entropy source"), d.entropy_source),
      li(T("公开随机值", "entropy value"), d.entropy_value),
      li(T("秘密值", "secret"), d.secret),
      li(T("种子", "seed"), d.seed)),
    el("p", { class: "mono small" }, "seed = SHA-256(\"yaohao:seed:v2\\0\" ‖ " + T("公告摘要", "announcement digest") + " ‖ " + T("秘密值", "secret") + " ‖ u32(len) ‖ " + T("公开随机值", "value") + ")"),
    facts.externalEntropy ? null : el("p", { class: "warning" }, T("注意：未指定外部公开随机值来源（“" + d.entropy_source + "”），无法排除部门重复抽取后挑选结果。",
      "Note: no external entropy source was named (\"" + d.entropy_source + "\"): nothing shows the department did not retry the draw.")));
}

function strataChart(strata) {
  const width = 640, row = 26, left = 110, max = Math.max(1, ...strata.map((s) => s.population));
  const scale = (n) => Math.max(n ? 2 : 0, Math.round(((width - left - 80) * n) / max));
  const svg = svgEl("svg", { viewBox: "0 0 " + width + " " + (row * strata.length + 30), class: "chart", role: "img",
    "aria-label": T("各层户数与抽中数", "population and selected per stratum") });
  strata.forEach((s, i) => {
    const y = 10 + i * row;
    svg.append(svgEl("text", { x: left - 8, y: y + 15, "text-anchor": "end" }, s.key),
      svgEl("rect", { x: left, y: y + 2, width: scale(s.population), height: 18, class: "population" }),
      svgEl("rect", { x: left, y: y + 2, width: scale(s.selected), height: 18, class: "selected" }),
      svgEl("text", { x: left + scale(s.population) + 6, y: y + 15 }, s.selected + " / " + s.population));
  });
  const y = 10 + strata.length * row + 12;
  svg.append(svgEl("rect", { x: left, y: y - 9, width: 10, height: 10, class: "selected" }), svgEl("text", { x: left + 14, y }, T("抽中", "selected")),
    svgEl("rect", { x: left + 80, y: y - 9, width: 10, height: 10, class: "population" }), svgEl("text", { x: left + 94, y }, T("符合条件的户数", "eligible")));
  return svg;
}

function strataSection(d) {
  return el("section", { id: "strata" }, el("h2", {}, T("分层", "Strata")),
    el("table", {}, el("thead", {}, el("tr", {}, ...[["层", "stratum"], ["户数", "population"], ["抽中", "selected"], ["备选", "reserves"], ["比例", "rate"], ["分界签号", "cutoff"]].map((h) => el("th", {}, T(...h))))),
      el("tbody", {}, d.strata.map((s) => el("tr", {}, el("td", {}, s.key), el("td", { class: "num" }, s.population), el("td", { class: "num" }, s.selected),
        el("td", { class: "num" }, s.reserves), el("td", {}, s.rate || T("按数量", "count")), el("td", { class: "mono" }, s.cutoff ? short(s.cutoff) : T("全部抽中", "all selected")))))),
    strataChart(d.strata),
    el("p", { class: "small" }, T("每个对象的签号 = SHA-256(种子 ‖ \"yaohao:ticket:v2\" ‖ 统一社会信用代码)；每层签号最小的若干户被抽中，签号小于分界签号即抽中。",
      "Each entity's ticket = SHA-256(seed ‖ \"yaohao:ticket:v2\" ‖ credit code); in each stratum the lowest tickets are selected: a ticket below the cutoff is selected.")));
}

function teamText(team) {
  return team.map((o, i) => (i === 0 ? T("组长 ", "leader ") : "") + o.name + "（" + o.id + "）").join("，");
}

function selectedSection(d) {
  const selected = (e) => el("tr", { "data-id": e.id }, el("td", { class: "num" }, e.rank), el("td", { class: "mono" }, e.id), el("td", {}, e.name),
    el("td", {}, e.stratum), el("td", { class: "mono" }, short(e.ticket)), el("td", {}, teamText(e.team)));
  const reserve = (r) => el("tr", {}, el("td", {}, r.stratum), el("td", { class: "num" }, r.order), el("td", { class: "mono" }, r.id),
    el("td", {}, r.name), el("td", { class: "mono" }, short(r.ticket)));
  return el("section", { id: "selected" },
    el("h2", {}, T("抽中的检查对象和检查组（" + d.selected.length + " 户）", "Selected entities and their teams (" + d.selected.length + ")")),
    longTable([["序号", "rank"], ["统一社会信用代码", "credit code"], ["名称", "name"], ["层", "stratum"], ["签号", "ticket"], ["检查组", "team"]], d.selected, selected),
    el("h2", {}, T("备选名单（" + d.reserves.length + " 户，依次递补）", "Reserves (" + d.reserves.length + ", in order)")),
    longTable([["层", "stratum"], ["顺序", "order"], ["统一社会信用代码", "credit code"], ["名称", "name"], ["签号", "ticket"]], d.reserves, reserve));
}

function resultsSection(res) {
  const s = res.summary;
  const insp = (i) => el("tr", { class: i.substituted_by ? "out" : "" },
    el("td", { class: "mono" }, i.id), el("td", {}, i.name), el("td", {}, teamText(i.team)),
    el("td", {}, i.result ? i.result.name + (i.result.corrections ? T("（已更正）", " (corrected)") : "") : i.substituted_by ? T("已由 " + i.substituted_by + " 递补", "substituted by " + i.substituted_by) : T("待检查", "pending")),
    el("td", {}, i.result ? i.result.date : ""), el("td", {}, i.result ? i.result.follow_up + (i.result.note ? "：" + i.result.note : "") : i.substitutes_for ? T("递补 " + i.substitutes_for + "（备选第 " + i.reserve_order + " 位）", "in place of " + i.substitutes_for + " (reserve " + i.reserve_order + ")") : ""));
  const events = res.entries.filter((e) => e.kind === "reassign" || e.kind === "substitute" || (e.kind === "result" && e.payload.replaces)).map((e) => {
    const p = e.payload;
    const what = e.kind === "reassign" ? T("调换检查人员：" + p.officer + " → " + p.replacement.name + "（" + p.replacement.id + "），" + (p.cause === "recusal" ? "回避" : "无法参加"), "officer reassigned: " + p.officer + " → " + p.replacement.name + " (" + p.replacement.id + "), " + p.cause)
      : e.kind === "substitute" ? T("递补对象：" + p.substitute.name + "（" + p.substitute.id + "，备选第 " + p.reserve_order + " 位），原对象登记状态 " + p.register.status, "substitution: " + p.substitute.name + " (" + p.substitute.id + ", reserve " + p.reserve_order + "), register status " + p.register.status)
      : T("更正结果（更正第 " + p.replaces + " 条）", "result corrected (replaces entry " + p.replaces + ")");
    return el("tr", {}, el("td", { class: "num" }, e.seq), el("td", { class: "mono" }, p.entity_id), el("td", {}, what), el("td", {}, p.reason || ""));
  });
  return el("section", { id: "results" }, el("h2", {}, T("检查结果（第 " + res.edition + " 版，公示日期 " + res.disclosed + "）", "Results (edition " + res.edition + ", disclosed " + res.disclosed + ")")),
    el("p", {}, T("检查 " + s.inspections + " 项，已出结果 " + s.results + "，待检查 " + s.pending + "；更正 " + s.corrections + "，调换 " + s.reassignments + "，递补 " + s.substitutions +
      (s.first_result_date ? "；结果日期 " + s.first_result_date + " 至 " + s.last_result_date + "。结果应自作出之日起 20 个工作日内公示（企业信息公示暂行条例第六条）。" : "。"),
      s.inspections + " inspections, " + s.results + " with results, " + s.pending + " pending; " + s.corrections + " corrections, " + s.reassignments + " reassignments, " + s.substitutions + " substitutions" +
      (s.first_result_date ? "; results dated " + s.first_result_date + " to " + s.last_result_date + ". Results are disclosed within 20 working days of being produced (Interim Regulations on Enterprise Information Disclosure, art. 6)." : "."))),
    longTable([["统一社会信用代码", "credit code"], ["名称", "name"], ["检查组", "team"], ["结果", "result"], ["检查日期", "date"], ["后续处置", "follow-up"]], res.inspections, insp),
    events.length ? el("h3", {}, T("调换、递补和更正", "Reassignments, substitutions and corrections")) : null,
    events.length ? el("table", {}, el("thead", {}, el("tr", {}, ...[["台账", "entry"], ["对象", "entity"], ["事项", "what"], ["理由", "reason"]].map((h) => el("th", {}, T(...h))))), el("tbody", {}, events)) : null);
}

/* A proof's verdict: it fails when one of its checks failed or the draw document itself
 * failed (verify-proof verifies the document first); it is incomplete while the draw is. */
function proofVerdict(p) {
  const draw = verdict();
  if (draw === "fail" || p.checks.some((c) => c.status === "failed")) return "fail";
  return draw === "incomplete" ? "incomplete" : "ok";
}

/* A proof's verdict in words: {v, failed, text}, e.g. "Proof NOT verified: inclusion (p.json)". */
function proofSummary(p) {
  const v = proofVerdict(p), failed = p.checks.filter((c) => c.status === "failed").map((c) => c.id);
  const word = { ok: T("证明核验通过：", "Proof verified: "), fail: T("证明核验未通过：", "Proof NOT verified: "), incomplete: T("证明未完成核验：", "Proof incomplete: ") };
  const what = v === "ok" ? T(p.outcome.zh, p.outcome.en)
    : v === "fail" ? (failed.length ? failed.map((id) => T(...CHECK_NAMES[id])).join(T("、", ", ")) : T("抽取文件核验未通过", "the draw document fails"))
      : T("抽取文件的部分检查无法在本浏览器中进行", "some checks of the draw could not be made in this browser");
  const from = p.file ? T("（", " (") + p.file + T("）", ")") : p.embedded ? T("（本页所附）", " (embedded in this page)") : "";
  return { v, failed, text: word[v] + what + from };
}

function proofView(p) {
  const { v, failed, text } = proofSummary(p);
  const status = { ok: T("通过", "ok"), failed: T("未通过", "failed"), "not done": T("未进行", "not done") };
  return el("div", { class: "proof " + v, "data-proof-verdict": v, "data-entity": p.entity || "", "data-failed": failed.join(",") },
    el("p", { class: "verdict " + v }, text),
    el("table", {}, el("tbody", {}, p.checks.map((c) =>
      el("tr", { class: "check " + c.status.replace(" ", "-"), "data-proof-check": c.id, "data-status": c.status },
        el("td", {}, T(...CHECK_NAMES[c.id])), el("td", { class: "status" }, status[c.status]), el("td", {}, T(c.detail.zh, c.detail.en)))))));
}

function searchSection() {
  const out = el("div", { id: "search-result", "aria-live": "polite" });
  const input = el("input", { id: "search", type: "search", value: page.query, placeholder: T("输入统一社会信用代码或名称", "a credit code or a name"),
    oninput: () => { page.query = input.value; page.searching = search(input.value, out); } });
  const pick = el("input", { type: "file", id: "proof-files", multiple: "", accept: ".json,application/json", onchange: () => readPicked([...pick.files]) });
  const zone = el("div", { id: "proofs", class: "dropzone" },
    el("h3", {}, T("核验对象证明", "Check an entity proof")),
    el("p", {}, T("部门可以为任何一个对象出具证明（yaohao prove）：它在冻结的名录中的那一行及到根哈希的路径、签号和分界签号。把证明文件拖到这里或选择文件，本页按本次抽取核验它。",
      "The department can give a proof for any entity (yaohao prove): its row of the frozen register with the path to the committed root, its ticket and its stratum's cutoff. Drop the proof file here or pick it: the page checks it against this draw.")),
    pick, page.proofs.map(proofView));
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => { e.preventDefault(); zone.classList.remove("over"); readPicked([...e.dataTransfer.files]); });
  // the search is shown again on every render (the language, a replay, a proof checked)
  if (page.query.trim()) page.searching = search(page.query, out);
  return el("section", { id: "lookup" }, el("h2", {}, T("查一个对象", "Look up an entity")), input, out, zone);
}

/* The verdicts of the proofs loaded for entity id, newest first, as lines of the search result. */
function proofLines(id) {
  return page.proofs.filter((p) => p.entity === id).map((p) => {
    const { v, failed, text } = proofSummary(p);
    return el("p", { class: "proof-verdict " + v, "data-search-proof": v, "data-entity": id, "data-failed": failed.join(",") }, T("对象证明：", "Entity proof: ") + text);
  });
}

let searchCount = 0;

/* Shows what the page knows of the entity searched for (an id or part of a name) in out, with
 * the verdict of every proof loaded for it; a later search replaces an earlier one unfinished. */
async function search(text, out) {
  const n = ++searchCount;
  const { id, lines } = await lookUp(text.trim());
  if (n !== searchCount) return;
  out.replaceChildren(...lines, ...(id ? proofLines(id) : []));
  out.setAttribute("data-entity", id || "");
}

/* {id, lines}: the entity found for q (null when none) and what the lists, the registers
 * replayed and the proofs loaded say of it. */
async function lookUp(q) {
  const d = page.draw;
  if (!q) return { id: null, lines: [] };
  const id = q.toUpperCase();
  const sel = d.selected.find((e) => e.id === id) || (q.length >= 2 && d.selected.find((e) => e.name.includes(q)));
  const res = d.reserves.find((r) => r.id === id) || (q.length >= 2 && d.reserves.find((r) => r.name.includes(q)));
  const stratum = (k) => d.strata.find((s) => s.key === k);
  const vsCutoff = (ticket, k) => {
    const s = stratum(k);
    if (!s || s.cutoff === null) return T("该层全部抽中", "every entity of the stratum is selected");
    return T("签号 ", "ticket ") + short(ticket) + (ticket < s.cutoff ? T(" 小于 ", " is below ") : T(" 不小于 ", " is not below ")) + T("分界签号 ", "the cutoff ") + short(s.cutoff);
  };
  if (sel)
    return { id: sel.id, lines: [el("p", { class: "found selected" }, T("已抽中：", "Selected: ") + sel.name + "（" + sel.id + "），" + T("序号 ", "rank ") + sel.rank + T("，层 ", ", stratum ") + sel.stratum + "。" + vsCutoff(sel.ticket, sel.stratum) + "。" + T("检查组：", "Team: ") + teamText(sel.team))] };
  if (res)
    return { id: res.id, lines: [el("p", { class: "found reserve" }, T("未抽中，是备选：", "Not selected; a reserve: ") + res.name + "（" + res.id + "），" + T("层 ", "stratum ") + res.stratum + T("，备选第 ", ", reserve ") + res.order + T(" 位。", ". ") + vsCutoff(res.ticket, res.stratum) + "。")] };
  const info = page.entityInfo && (page.entityInfo.get(id) || [...page.entityInfo.entries()].map(([k, v]) => Object.assign({ id: k }, v)).find((v) => q.length >= 2 && v.name.includes(q)));
  if (info) {
    const eid = info.id || id;
    if (info.reason)
      return { id: eid, lines: [el("p", { class: "found" }, T("未抽中：", "Not selected: ") + info.name + "（" + eid + "）" + T("不在本次抽查范围内（原因：" + info.reason + "）。", " was not eligible (reason: " + info.reason + ")."))] };
    const ticket = await sha256Hex(ticketMessage(d.seed, eid));
    return { id: eid, lines: [el("p", { class: "found" }, T("未抽中：", "Not selected: ") + info.name + "（" + eid + "），" + T("层 ", "stratum ") + info.stratum + "。" + vsCutoff(ticket, info.stratum) + "。")] };
  }
  // an entity the page knows only from a proof loaded: by its id as given, or its row's name
  const proof = page.proofs.find((p) => p.entity === q || p.entity === id) || (q.length >= 2 && page.proofs.find((p) => p.name && p.name.includes(q)));
  const pid = proof ? proof.entity : id;
  if (proof || /^[0-9A-Z]{18}$/.test(id)) {
    const ticket = await sha256Hex(ticketMessage(d.seed, pid));
    return { id: pid, lines: [el("p", {}, (proof && proof.name ? proof.name + "（" + pid + "）" + T("不在抽中和备选名单中。它的签号是 ", " is not on the selected or reserve list. Its ticket is ")
      : T("不在抽中和备选名单中。它的签号是 ", "Not on the selected or reserve list. Its ticket is ")) + short(ticket) +
      T("；放入名录文件后，本页可以说明它是否在抽查范围内、属于哪一层。", "; with the register files dropped onto this page it tells whether it was eligible and in which stratum."))] };
  }
  return { id: null, lines: [el("p", {}, T("没有找到。", "Not found."))] };
}

function registersSection() {
  const status = el("div", { id: "replay-status" });
  const input = el("input", { type: "file", id: "register-files", multiple: "", accept: ".csv,text/csv", onchange: () => readPicked([...input.files]) });
  const zone = el("section", { id: "registers", class: "dropzone" }, el("h2", {}, T("用名录文件重算", "Replay with the register files")),
    el("p", {}, T("部门随抽取结果公布三个名录文件（检查对象、执法检查人员、回避关系，冻结时的版本）。把它们拖到这里或选择文件，本页将重算根哈希、抽查范围、抽取结果和检查组。文件不会离开本机。",
      "The department publishes three register files with the draw (entities, inspectors, conflicts, as of the freeze). Drop them here or pick them: the page recomputes the roots, the eligible sets, the selection and the teams. The files never leave this computer.")),
    input, el("progress", { id: "progress", max: "1", value: "0", hidden: "" }), status);
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => { e.preventDefault(); zone.classList.remove("over"); readPicked([...e.dataTransfer.files]); });
  return zone;
}

/* Tells a register file by its header line, and a proof by its format. */
async function readPicked(list) {
  const files = {}, proofs = [];
  for (const f of list) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    const head = new TextDecoder().decode(bytes.subarray(0, 200)).replace(/^\ufeff/, "");
    for (const [name, reg] of Object.entries(REGISTERS)) if (head.startsWith(reg.columns.join(","))) files[name] = bytes;
    if (head.trimStart().startsWith("{")) proofs.push({ text: new TextDecoder().decode(bytes), file: f.name });
  }
  if (proofs.length) await checkProofs(proofs);
  if (Object.keys(files).length) await replay(files);
}

/* Checks proofs ({text, file, embedded}) against the draw and shows them, newest first; the
 * search box opens at the first one's entity. */
async function checkProofs(list) {
  let first = null;
  for (const { text, file, embedded } of list) {
    let p;
    try {
      const json = JSON.parse(text);
      p = await checkProof(json, page.draw);
      p.name = json && json.row && typeof json.row.name === "string" ? json.row.name : null;
    } catch (e) {
      p = { entity: null, outcome: null, checks: [check("proof", "failed", say("无法读取证明文件：" + e.message, "the proof cannot be read: " + e.message))] };
    }
    p.file = file;
    p.embedded = !!embedded;
    page.proofs.unshift(p);
    if (first === null && typeof p.entity === "string" && p.entity) first = p.entity;
  }
  if (first !== null) page.query = first;
  render();
}

async function replay(files) {
  const bar = document.getElementById("progress"), status = document.getElementById("replay-status");
  page.busy = true;
  renderVerdict();
  bar.hidden = false;
  const t0 = performance.now();
  page.entityInfo = new Map();
  try {
    const registers = {};
    page.replayChecks = await replayDraw(page.draw, files, async (what, f) => {
      bar.value = f;
      status.textContent = T("正在重算：", "Replaying: ") + (CHECK_NAMES[what] ? T(...CHECK_NAMES[what]) : what) + " " + Math.round(100 * f) + "%";
      await yieldToBrowser();
    }, page.entityInfo, registers);
    // with the officer register and the conflicts the document commits to, the results'
    // reassignments and substitutions are recomputed (§18.2, §18.3)
    const at = page.resultChecks.findIndex((c) => c.id === "picks");
    if (page.results && at >= 0 && registers.officers) page.resultChecks[at] = await checkPicks(page.results, page.draw, registers);
  } catch (e) {
    // a failure of the page itself (out of memory, say) is a check not done, never a pass
    page.replayChecks = [check("replay", "not done", say("重算中断：" + e.message, "the replay stopped: " + e.message))];
  }
  bar.hidden = true;
  page.busy = false;
  status.textContent = "";
  document.getElementById("verdict").setAttribute("data-replay-ms", String(Math.round(performance.now() - t0)));
  render();
}

/* ---- the whole page ---------------------------------------------------------------------- */

function render() {
  const main = document.getElementById("main");
  const d = page.draw;
  document.documentElement.lang = page.lang === "zh" ? "zh-CN" : "en";
  document.getElementById("lang").textContent = page.lang === "zh" ? "English" : "中文";
  renderVerdict();
  if (!d) return;
  document.getElementById("title").textContent = d.task.title;
  document.title = d.task.title + T(" · 抽取结果公示与核验", " · draw verification");
  // a page made for an entity (its proof embedded) opens at the entity: the search comes first
  const lookup = searchSection(), sections = page.entityPage ? [lookup, checksSection()] : [checksSection()];
  sections.push(taskSection(d), seedSection(d, page.facts || {}), strataSection(d));
  if (!page.entityPage) sections.push(lookup);
  sections.push(selectedSection(d));
  if (page.results) sections.push(resultsSection(page.results));
  sections.push(registersSection());
  main.replaceChildren(...sections);
}

function embedded(id) {
  const e = document.getElementById(id);
  return e ? JSON.parse(e.textContent) : null;
}

async function start() {
  // the language toggle; the address remembers the choice (#lang=en), so that a link can open
  // the page in English: the page then clicks the toggle itself once the checks are shown
  document.getElementById("lang").addEventListener("click", () => {
    page.lang = page.lang === "zh" ? "en" : "zh";
    history.replaceState(null, "", page.lang === "en" ? "#lang=en" : location.pathname + location.search);
    render();
  });
  page.busy = true;
  const t0 = performance.now();
  try {
    page.draw = embedded("draw-document");
    page.results = embedded("results-document");
  } catch (e) {
    page.error = e.message;
  }
  if (!page.draw && !page.error) page.error = "no draw document";
  if (page.error) { page.busy = false; render(); return; }
  try {
    const d = await checkDraw(page.draw);
    page.drawChecks = d.checks;
    page.facts = d.facts;
    if (page.results && d.facts.transcriptSha256) {
      const r = await checkResults(page.results, page.draw, d.facts);
      page.resultChecks = r.checks;
      page.resultState = r.state;
    }
  } catch (e) {
    page.error = e.message;
  }
  page.busy = false;
  document.getElementById("verdict").setAttribute("data-ms", String(Math.round(performance.now() - t0)));
  render();
  // register files the publisher embedded are replayed at once
  const files = {};
  for (const s of document.querySelectorAll('script[type="application/base64"][data-register]'))
    files[s.dataset.register] = Uint8Array.from(atob(s.textContent.trim()), (c) => c.charCodeAt(0));
  const drawReadable = !page.error && page.drawChecks.every((c) => c.id !== "document" || c.status === "ok");
  // entity proofs the page was given are checked at once
  const proofs = [...document.querySelectorAll('script[type="application/json"][data-proof]')].map((s) => ({ text: s.textContent, file: s.dataset.proof || "", embedded: true }));
  page.entityPage = drawReadable && proofs.length > 0;
  if (page.entityPage) await checkProofs(proofs);
  if (drawReadable && Object.keys(files).length) await replay(files);
  if (location.hash === "#lang=en" && page.lang === "zh") document.getElementById("lang").click();
  await page.searching;
  document.getElementById("verdict").setAttribute("data-done", "1");
}

document.addEventListener("DOMContentLoaded", start);

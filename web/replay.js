/* replay.js — the draw replayed from the three published register files (docs/spec.md §1,
 * §2, §4, §5, §8, §9), as `yaohao verify DOCUMENT --entities … --inspectors … --conflicts …`
 * does: every row count and root, the eligible sets, the strata populations, the load cap,
 * the selection, and the teams, compared with the document exactly.
 *
 * The work is cut into chunks that hand the page back to the browser, with progress, so a
 * register of a million rows never freezes the page.
 */
"use strict";

const REGISTERS = {
  entities: { columns: ["id", "name", "type", "region", "industry", "risk", "status", "abnormal"], key: [0] },
  inspectors: { columns: ["id", "name", "department", "cert_valid_until", "specialties", "status"], key: [0] },
  conflicts: { columns: ["inspector_id", "entity_id", "reason"], key: [0, 1] },
};

/* ---- canonical CSV (§1), read as RFC 4180 ----------------------------------------------- */

/* The rows of a register file (bytes), checked against its header and sorted by key; throws
 * an Error naming the line for a file that is not the register. */
async function readRegister(name, bytes, progress) {
  const reg = REGISTERS[name];
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    throw new Error("not UTF-8");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark is accepted
  const nul = text.indexOf("\0"); // §1: no value holds a NUL byte
  if (nul >= 0) throw new Error("line " + text.slice(0, nul).split("\n").length + ": a NUL byte inside a field");
  const rows = [];
  let at = 0, line = 1, header = null;
  while (at < text.length) {
    // one record: fields up to an unquoted LF (or CRLF)
    const fields = [];
    let field = "", quoted = false, startLine = line;
    for (;;) {
      if (at >= text.length) { fields.push(field); break; }
      const c = text[at];
      if (quoted) {
        if (c === '"') {
          if (text[at + 1] === '"') { field += '"'; at += 2; }
          else {
            quoted = false;
            at++;
            if (at < text.length && text[at] !== "," && text[at] !== "\n" && text[at] !== "\r")
              throw new Error("line " + startLine + ": text after a closing quote");
          }
        } else { if (c === "\n") line++; field += c; at++; }
      } else if (c === '"' && field === "") { quoted = true; at++; }
      else if (c === ",") { fields.push(field); field = ""; at++; }
      else if (c === "\n" || (c === "\r" && text[at + 1] === "\n")) {
        fields.push(field);
        at += c === "\n" ? 1 : 2;
        line++;
        break;
      } else if (c === '"' || c === "\r") throw new Error("line " + startLine + ": a stray " + (c === '"' ? "quote" : "CR"));
      else { field += c; at++; }
      if (quoted && at >= text.length) throw new Error("line " + startLine + ": a quoted field is not closed");
    }
    if (header === null) {
      header = fields;
      if (fields.join(",") !== reg.columns.join(","))
        throw new Error("line 1: the header is not " + reg.columns.join(","));
      continue;
    }
    if (fields.length !== reg.columns.length)
      throw new Error("line " + startLine + ": " + fields.length + " fields, not " + reg.columns.length);
    rows.push(fields);
    if (rows.length % 50000 === 0 && progress) await progress(at / text.length);
  }
  if (header === null) throw new Error("the file is empty (no header)");
  const byKey = (a, b) => {
    for (const k of reg.key) {
      const c = compareUtf8(a[k], b[k]);
      if (c) return c;
    }
    return 0;
  };
  rows.sort(byKey);
  for (let i = 1; i < rows.length; i++)
    if (byKey(rows[i - 1], rows[i]) === 0)
      throw new Error("two rows have the key " + reg.key.map((k) => rows[i][k]).join(", "));
  return rows;
}

/* ---- eligibility (§4) and strata (§5) --------------------------------------------------- */

/* The reason an entity row is left out, or null when it is eligible. */
function entityExclusion(row, task, excluded) {
  const [id, , type, region, industry, risk, status, abnormal] = row;
  const p = task.population;
  if (!p.status.includes(status)) return "status";
  if ((p.regions.length && !p.regions.some((r) => region.startsWith(r))) ||
      (p.industries.length && !p.industries.some((i) => industry.startsWith(i))) ||
      (p.types.length && !p.types.includes(type)) ||
      (p.risk.length && !p.risk.includes(risk)) ||
      (p.abnormal === true && abnormal !== "1") || (p.abnormal === false && abnormal !== "0"))
    return "filter";
  if (excluded.has(id)) return "exclusion window";
  return null;
}

/* The stratum key of an eligible entity row. */
function stratumKey(row, by) {
  if (by.length === 0) return "all";
  const [, , type, region, industry, risk] = row;
  const chars = (s, n) => Array.from(s).slice(0, n).join("");
  return by.map((b) => {
    const v = { risk, province: chars(region, 2), city: chars(region, 4), industry_section: chars(industry, 1), type }[b];
    if (v === "") return "-";
    if (v === "-") return "%2D";
    return v.replace(/%/g, "%25").replace(/\//g, "%2F");
  }).join("/");
}

/* The reason an officer row is left out, or null. */
function officerExclusion(row, task) {
  const [, , department, certValidUntil, , status] = row;
  if (status !== "active") return "status";
  if (certValidUntil < task.draw_date) return "certificate expired";
  if (!task.departments.includes(department)) return "department";
  return null;
}

/* The default load cap (§5). */
function defaultLoadCap(task, K, officers) {
  const N = officers.length;
  if (N === 0) return 0;
  const ceilDiv = (a, b) => Math.floor((a + b - 1) / b);
  let cap = ceilDiv(K * task.team.size, N);
  for (const [d, seats] of Object.entries(task.team.per_department)) {
    const Nd = officers.filter((o) => o.department === d).length;
    if (Nd) cap = Math.max(cap, ceilDiv(K * seats, Nd));
  }
  for (const s of task.team.specialties) {
    const Hs = officers.filter((o) => o.specialties.includes(s)).length;
    if (Hs) cap = Math.max(cap, ceilDiv(K, Hs));
  }
  return cap;
}

/* ---- teams (§9) ------------------------------------------------------------------------ */

/* §9 steps 1–4 for one entity: the members chosen from `officers`, each carrying its `load`,
 * `tickets[load]` (officer_ticket(load, o), computed beforehand) and `specialist` (it holds one
 * of the task's specialties); `recused` is the set of officer ids with a recusal for the entity
 * (or undefined).  Returns the members in the order they were seated, or a string naming the
 * rule that could not be met. */
function chooseMembers(task, cap, officers, recused) {
  const size = task.team.size, specialties = task.team.specialties, perDept = task.team.per_department;
  const bySeats = Object.keys(perDept).length > 0;
  const byTicket = (a, b) => compareTicket(a.tickets[a.load], a.id, b.tickets[b.load], b.id);
  const candidateOrder = (a, b) => a.load - b.load || byTicket(a, b);
  const fillingOrder = (a, b) => a.load - b.load || (a.specialist - b.specialist) || byTicket(a, b);
  // step 1: candidates
  const candidates = officers.filter((o) => o.load < cap && !(recused && recused.has(o.id)));
  // step 2: seats, per department or open to any candidate
  const open = bySeats ? Object.assign({}, perDept) : null;
  let anyOpen = size;
  const canSeat = (o) => (bySeats ? (open[o.department] || 0) > 0 : anyOpen > 0);
  const members = [];
  const seat = (o) => { members.push(o); if (bySeats) open[o.department]--; else anyOpen--; };
  const best = (ok, order) => {
    let b = null;
    for (const o of candidates) if (ok(o) && !members.includes(o) && canSeat(o) && (b === null || order(o, b) < 0)) b = o;
    return b;
  };
  // step 3: specialties, in the listed order
  for (const s of specialties) {
    if (members.some((m) => m.specialties.includes(s))) continue;
    const o = best((c) => c.specialties.includes(s), candidateOrder);
    if (!o) return "no candidate holds the specialty " + s + " and can take a seat";
    seat(o);
  }
  // step 4: fill
  while (members.length < size) {
    const o = best(() => true, fillingOrder);
    if (!o) return "the candidates ran out";
    seat(o);
  }
  return members;
}

/* §9 step 5: the members in pair-ticket order (ties by id), each as {o, pair}. */
async function pairOrdered(seedHex, e, members) {
  const pairs = await sha256Many(members.map((o) => pairTicketMessage(seedHex, e, o.id)));
  const team = members.map((o, i) => ({ o, pair: pairs[i] }));
  team.sort((a, b) => compareTicket(a.pair, a.o.id, b.pair, b.o.id));
  return team;
}

/* Computes officer_ticket(load, o) for the officers of `list` that lack it at their load. */
async function officerTicketsAt(seedHex, cap, list) {
  const need = list.filter((o) => o.load < cap && o.tickets[o.load] === undefined);
  const got = await sha256Many(need.map((o) => officerTicketMessage(seedHex, o.load, o.id)));
  need.forEach((o, i) => { o.tickets[o.load] = got[i]; });
}

/* The eligible officers as §9 works on them: each with load 0, no tickets yet, and whether
 * it holds one of the task's specialties. */
function teamOfficers(task, officers) {
  return officers.map((o) => ({ id: o.id, name: o.name, department: o.department, specialties: o.specialties,
    load: 0, tickets: [], specialist: o.specialties.some((s) => task.team.specialties.includes(s)) }));
}

/* Forms every team in rank order; resolves to the teams (lists of officers in pair-ticket
 * order with their pair tickets), or throws when a team cannot be formed. */
async function formTeams(doc, selectedIds, officerRows, recusals, progress) {
  const task = doc.task, cap = doc.load_cap;
  const officers = teamOfficers(task, officerRows);
  // officer_ticket(L, o) is computed once per level an officer reaches
  await officerTicketsAt(doc.seed, cap, officers);
  const teams = [];
  for (const [rank0, e] of selectedIds.entries()) {
    const members = chooseMembers(task, cap, officers, recusals.get(e));
    if (typeof members === "string") throw new Error("rank " + (rank0 + 1) + " (" + e + "): " + members);
    teams.push(await pairOrdered(doc.seed, e, members));
    for (const m of members) m.load++;
    await officerTicketsAt(doc.seed, cap, members);
    if (progress && rank0 % 200 === 199) await progress((rank0 + 1) / selectedIds.length);
  }
  return teams;
}

/* The recusals of a draw (§9 step 1): entity id → set of officer ids, from the conflict rows
 * as of the freeze and the announcement's recent pairs. */
function recusalsOf(doc, conflictRows) {
  const recusals = new Map();
  const recuse = (e, o) => { if (!recusals.has(e)) recusals.set(e, new Set()); recusals.get(e).add(o); };
  for (const [o, e] of conflictRows) recuse(e, o);
  for (const p of doc.recent_pairs) recuse(p.entity_id, p.inspector_id);
  return recusals;
}

/* ---- the replay ------------------------------------------------------------------------ */

/* files: {entities, inspectors, conflicts}, each the bytes of a register file or null.
 * progress(what, fraction) is awaited now and then.  Resolves to the list of checks; when
 * entityInfo (a Map) is given, it gets each entity row's {name, reason, stratum}; when `out`
 * is given and the officer register and the conflicts are the ones the document commits to,
 * out.officers gets the eligible officers and out.recusals the draw's recusals (what the
 * results' reassignments and substitutions are recomputed from, results.js). */
async function replayDraw(doc, files, progress, entityInfo, out) {
  const checks = [];
  const step = (what) => (f) => (progress ? progress(what, f) : null);
  const label = { entities: ["检查对象名录", "entity register"], inspectors: ["执法检查人员名录", "officer register"], conflicts: ["回避关系表", "conflict register"] };
  const rows = {}, committed = {};
  for (const name of ["entities", "inspectors", "conflicts"]) {
    const id = label[name][1];
    if (!files[name]) {
      checks.push(check(id, "not done", say("未提供" + label[name][0] + "文件", "the " + id + " file was not given")));
      continue;
    }
    try {
      rows[name] = await readRegister(name, files[name], step(id));
    } catch (e) {
      checks.push(check(id, "failed", say(label[name][0] + "文件不是规范的名录：" + e.message, "the file is not the register: " + e.message)));
      continue;
    }
    const root = await merkleRoot(rows[name].length, (i) => rowLeafMessage(rows[name][i]), step(id));
    const want = doc[name];
    if (rows[name].length !== want.count || root !== want.root)
      checks.push(check(id, "failed", say(label[name][0] + "有 " + rows[name].length + " 行，根哈希 " + root.slice(0, 16) + "…；抽取文件写明 " + want.count + " 行，根哈希 " + want.root.slice(0, 16) + "…：这不是冻结时的名录，或被改动过",
        rows[name].length + " rows with root " + root.slice(0, 16) + "…; the document states " + want.count + " rows with root " + want.root.slice(0, 16) + "…: not the register as of the freeze, or changed")));
    else {
      committed[name] = true;
      checks.push(check(id, "ok", say(rows[name].length + " 行，根哈希与抽取文件一致", rows[name].length + " rows, the root the document states")));
    }
  }
  const task = doc.task;

  // §4, §5: the eligible entities and the strata
  let strata = null;
  if (rows.entities) {
    const excluded = new Set(doc.entities.excluded), left = { status: 0, filter: 0, "exclusion window": 0 };
    strata = new Map();
    for (const r of rows.entities) {
      const why = entityExclusion(r, task, excluded);
      const k = why ? null : stratumKey(r, task.strata.by);
      if (entityInfo) entityInfo.set(r[0], { name: r[1], reason: why, stratum: k });
      if (why) { left[why]++; continue; }
      if (!strata.has(k)) strata.set(k, []);
      strata.get(k).push(r);
    }
    const eligible = rows.entities.length - left.status - left.filter - left["exclusion window"];
    const reasons = "status " + left.status + ", filter " + left.filter + ", exclusion window " + left["exclusion window"];
    if (eligible !== doc.entities.eligible)
      checks.push(check("eligibility", "failed", say("符合条件的对象 " + eligible + " 户（排除：" + reasons + "），抽取文件写明 " + doc.entities.eligible,
        eligible + " eligible entities (left out: " + reasons + "); the document states " + doc.entities.eligible)));
    else checks.push(check("eligibility", "ok", say("符合条件的对象 " + eligible + " 户（排除：" + reasons + "）", eligible + " eligible entities (left out: " + reasons + ")")));
    const keys = [...strata.keys()].sort(compareUtf8);
    const stated = doc.strata.map((s) => s.key + ":" + s.population).join(" ");
    const found = keys.map((k) => k + ":" + strata.get(k).length).join(" ");
    if (stated !== found)
      checks.push(check("strata", "failed", say("各层户数应为 " + found + "，抽取文件写明 " + stated, "the strata populations are " + found + "; the document states " + stated)));
    else checks.push(check("strata", "ok", say(keys.length + " 层，各层户数与抽取文件一致", keys.length + " strata with the populations the document states")));
  } else checks.push(check("selection", "not done", say("需要检查对象名录", "needs the entity register")));

  // officers (§4) and the load cap (§5)
  let officers = null;
  if (rows.inspectors) {
    officers = rows.inspectors.filter((r) => officerExclusion(r, task) === null)
      .map(([id, name, department, , specialties]) => ({ id, name, department, specialties: specialties === "" ? [] : specialties.split(";") }));
    if (officers.length !== doc.inspectors.eligible)
      checks.push(check("officers", "failed", say("符合条件的检查人员 " + officers.length + " 名，抽取文件写明 " + doc.inspectors.eligible,
        officers.length + " eligible officers; the document states " + doc.inspectors.eligible)));
    else checks.push(check("officers", "ok", say("符合条件的检查人员 " + officers.length + " 名", officers.length + " eligible officers")));
    if (task.team.load_cap === null) {
      const cap = defaultLoadCap(task, doc.strata.reduce((n, s) => n + s.selected, 0), officers);
      if (cap !== doc.load_cap)
        checks.push(check("load cap", "failed", say("默认负荷上限应为 " + cap + "，抽取文件写明 " + doc.load_cap, "the default load cap is " + cap + "; the document states " + doc.load_cap)));
      else checks.push(check("load cap", "ok", say("默认负荷上限 " + cap, "the default load cap " + cap)));
    }
  }

  // §8: tickets, selection, reserves, cutoffs
  let selectedIds = null;
  if (strata) {
    const eligibleRows = [];
    for (const list of strata.values()) for (const r of list) eligibleRows.push(r);
    const tickets = await sha256Each(eligibleRows.length, (i) => ticketMessage(doc.seed, eligibleRows[i][0]),
      (n) => step("selection")(n / eligibleRows.length));
    const ticketOf = new Map(eligibleRows.map((r, i) => [r, tickets[i]]));
    const selected = [], reserves = [], cutoffs = new Map();
    for (const key of [...strata.keys()].sort(compareUtf8)) {
      const list = strata.get(key).map((r) => ({ r, t: ticketOf.get(r) }));
      list.sort((a, b) => compareTicket(a.t, a.r[0], b.t, b.r[0]));
      const stated = doc.strata.find((s) => s.key === key);
      const size = stated ? stratumSize(task, key, list.length) : null;
      const k = size && typeof size === "object" ? size.selected : 0, res = size && typeof size === "object" ? size.reserves : 0;
      list.slice(0, k).forEach(({ r, t }) => selected.push({ id: r[0], name: r[1], stratum: key, ticket: t }));
      list.slice(k, k + res).forEach(({ r, t }, i) => reserves.push({ stratum: key, order: i + 1, id: r[0], name: r[1], ticket: t }));
      cutoffs.set(key, k < list.length ? list[k].t : null);
    }
    selected.sort((a, b) => compareTicket(a.ticket, a.id, b.ticket, b.id));
    selectedIds = selected.map((s) => s.id);
    const fault = firstDifference(
      selected.map((s, i) => [i + 1, s.id, s.name, s.stratum, s.ticket]),
      doc.selected.map((s) => [s.rank, s.id, s.name, s.stratum, s.ticket]), "selected") ||
      firstDifference(reserves.map((r) => [r.stratum, r.order, r.id, r.name, r.ticket]),
        doc.reserves.map((r) => [r.stratum, r.order, r.id, r.name, r.ticket]), "reserves") ||
      firstDifference(doc.strata.map((s) => [s.key, cutoffs.has(s.key) ? cutoffs.get(s.key) : "(none)"]),
        doc.strata.map((s) => [s.key, s.cutoff]), "cutoff");
    if (fault) checks.push(check("selection", "failed", say("重算的抽取结果与抽取文件不同：" + fault, "the selection recomputed differs from the document: " + fault)));
    else checks.push(check("selection", "ok", say("重算 " + eligibleRows.length + " 个签号：抽中 " + selected.length + " 户、备选 " + reserves.length + " 户和各层分界签号与抽取文件完全一致",
      eligibleRows.length + " tickets recomputed: the " + selected.length + " selected, " + reserves.length + " reserves and every cutoff are the document's")));
  }

  // §9: the teams, with all three registers
  const recusals = rows.conflicts ? recusalsOf(doc, rows.conflicts) : null;
  if (out && officers && committed.inspectors && committed.conflicts) {
    out.officers = officers;
    out.recusals = recusals;
  }
  if (selectedIds && officers && rows.conflicts) {
    let teams = null, why = null;
    try {
      teams = await formTeams(doc, selectedIds, officers, recusals, step("teams"));
    } catch (e) {
      why = e.message;
    }
    if (!why)
      why = firstDifference(teams.map((t, i) => [selectedIds[i], t.map(({ o, pair }, j) => [o.id, o.name, o.department, j ? "member" : "leader", pair].join(" ")).join("; ")]),
        doc.selected.map((s) => [s.id, s.team.map((o) => [o.id, o.name, o.department, o.role, o.pair_ticket].join(" ")).join("; ")]), "team");
    if (why) checks.push(check("teams", "failed", say("重算的检查组与抽取文件不同：" + why, "the teams recomputed differ from the document: " + why)));
    else checks.push(check("teams", "ok", say("按回避关系和近期组合重算全部 " + teams.length + " 个检查组，与抽取文件完全一致",
      "all " + teams.length + " teams recomputed with the recusals and recent pairs: the document's")));
  } else checks.push(check("teams", "not done", say("需要全部三个名录文件", "needs all three register files")));
  return checks;
}

/* The first place two lists of rows differ, in words, or null. */
function firstDifference(mine, theirs, what) {
  const n = Math.max(mine.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const a = mine[i] ? JSON.stringify(mine[i]) : "(none)", b = theirs[i] ? JSON.stringify(theirs[i]) : "(none)";
    if (a !== b) return what + " #" + (i + 1) + ": recomputed " + a + ", document " + b;
  }
  return null;
}

/* ---- entity proofs (§14) ----------------------------------------------------------------- */

/* The checks of an entity proof (yaohao-proof/2, `yaohao prove`) against the draw document,
 * as `yaohao verify-proof PROOF DOCUMENT` makes them once the document is verified (the page
 * has verified it): the proof names this draw; an included entity's row leads by its path to
 * the committed entity root, is the entity's, and is eligible or not as the row and the task
 * say; an eligible one's stratum, ticket and cutoff, selected exactly when the ticket is below
 * the cutoff, and the document's list (rank, reserve order, team) agreeing; for an absent id,
 * two adjacent leaves that sort around it.  Resolves to {entity, outcome, checks}; outcome
 * says in words what the proof shows when every check passed. */
async function checkProof(proof, doc) {
  const checks = [];
  const fail = (id, zh, en) => { checks.push(check(id, "failed", say(zh, en))); return { entity: proof && proof.entity_id, outcome: null, checks }; };
  const isObj = (v) => v && typeof v === "object" && !Array.isArray(v);
  if (!isObj(proof) || proof.format !== "yaohao-proof/2" || typeof proof.entity_id !== "string" || typeof proof.included !== "boolean")
    return fail("proof", "不是 yaohao-proof/2 证明文件", "not a yaohao-proof/2 proof");
  const eid = proof.entity_id;
  if (proof.task_id !== doc.task_id || proof.entities_root !== doc.entities.root || proof.tree_size !== doc.entities.count || proof.seed !== doc.seed)
    return fail("proof", "证明的任务、名录根哈希、名录行数或种子与本次抽取不同：它不是这次抽取的证明",
      "the proof's task, root, tree size or seed differ from this draw's: it is not a proof for this draw");
  checks.push(check("proof", "ok", say("yaohao-proof/2：任务 " + doc.task_id + " 的对象 " + eid, "yaohao-proof/2 for entity " + eid + " of task " + doc.task_id)));

  const columns = REGISTERS.entities.columns;
  // a leaf {leaf_index, row, path}: its row as the register's fields, or null when malformed
  const fieldsOf = (leaf) => {
    if (!isObj(leaf) || !isObj(leaf.row) || !Array.isArray(leaf.path) || !leaf.path.every((h) => fromHex(h, 32))) return null;
    const names = Object.keys(leaf.row);
    if (names.length !== columns.length || !columns.every((c) => typeof leaf.row[c] === "string")) return null;
    return columns.map((c) => leaf.row[c]);
  };
  const leads = async (leaf, fields) =>
    merkleInclusionHolds(await sha256(rowLeafMessage(fields)), leaf.leaf_index, doc.entities.count, leaf.path.map((h) => fromHex(h, 32)), doc.entities.root);
  const inSelected = doc.selected.find((s) => s.id === eid), inReserves = doc.reserves.find((r) => r.id === eid);

  if (!proof.included) {
    const b = proof.before, a = proof.after, size = doc.entities.count;
    const bf = b === null ? null : fieldsOf(b), af = a === null ? null : fieldsOf(a);
    if ((b !== null && !bf) || (a !== null && !af) || (b !== null && !(await leads(b, bf))) || (a !== null && !(await leads(a, af))))
      return fail("proof absence", "相邻叶子的路径不能通到承诺的名录根哈希", "a neighbour's path does not lead to the committed root");
    const bi = b && b.leaf_index, ai = a && a.leaf_index;
    if ((b === null && a === null && size !== 0) || (b === null && ai !== 0) || (a === null && bi !== size - 1) ||
        (b !== null && a !== null && ai !== bi + 1) || (b !== null && compareUtf8(bf[0], eid) >= 0) || (a !== null && compareUtf8(eid, af[0]) >= 0))
      return fail("proof absence", "两个相邻叶子没有把 " + eid + " 夹在中间", "the neighbours are not adjacent leaves around " + eid);
    if (inSelected || inReserves) return fail("proof absence", "抽取文件却列出了 " + eid, "the document lists " + eid + " as drawn");
    checks.push(check("proof absence", "ok", say(eid + " 排在名录相邻的第 " + (b ? bi : "—") + " 和第 " + (a ? ai : "—") + " 个叶子之间：冻结时的名录中没有它",
      eid + " sorts between adjacent leaves " + (b ? bi : "—") + " and " + (a ? ai : "—") + ": it was not in the register as of the freeze")));
    return { entity: eid, outcome: say("冻结时的检查对象名录中没有 " + eid + "（说明文字未经签名，不作为核验内容）",
      eid + " was not in the entity register as of the freeze (the proof's note is not signed and not shown as verified)"), checks };
  }

  const fields = fieldsOf(proof);
  if (!fields || !(await leads(proof, fields)))
    return fail("proof inclusion", "该行及其路径不能通到承诺的名录根哈希", "the row and its path do not lead to the committed entity root");
  if (fields[0] !== eid) return fail("proof inclusion", "这一行是 " + fields[0] + " 的，不是 " + eid + " 的", "the row is that of " + fields[0] + ", not " + eid);
  checks.push(check("proof inclusion", "ok", say(eid + " 是承诺的检查对象名录（" + doc.entities.count + " 个叶子）的第 " + proof.leaf_index + " 个叶子",
    eid + " is leaf " + proof.leaf_index + " of the committed entity register (" + doc.entities.count + " leaves)")));

  const why = entityExclusion(fields, doc.task, new Set(doc.entities.excluded));
  if (proof.eligible !== (why === null) || (why !== null && proof.reason !== why))
    return fail("proof eligibility", "证明说它" + (proof.eligible ? "符合" : "不符合") + "抽查条件；按该行和任务" + (why ? "不符合（" + why + "）" : "符合"),
      "the proof says it was " + (proof.eligible ? "" : "not ") + "eligible; by the row and the task it was " + (why ? "not (" + why + ")" : "eligible"));
  if (why !== null) {
    if (inSelected || inReserves) return fail("proof eligibility", "它不符合抽查条件（" + why + "），抽取文件却抽中了它", "not eligible (" + why + "), yet the document draws it");
    checks.push(check("proof eligibility", "ok", say("在名录中，但不在抽查范围内：" + why, "in the register but not eligible: " + why)));
    return { entity: eid, outcome: say(eid + " 在冻结时的名录中，但不在本次抽查范围内（" + why + "），没有参加抽取",
      eid + " was in the register as of the freeze but not eligible (" + why + "): not drawn"), checks };
  }
  checks.push(check("proof eligibility", "ok", say("符合抽查条件（§4）", "eligible (§4)")));

  const key = stratumKey(fields, doc.task.strata.by), st = doc.strata.find((s) => s.key === key);
  const ticket = await sha256Hex(ticketMessage(doc.seed, eid));
  if (!st) return fail("proof ticket", "该行所在的层 " + key + " 不在抽取文件中", "the row's stratum " + key + " is not in the document");
  if (proof.stratum !== key) return fail("proof ticket", "证明写明层 " + proof.stratum + "，该行属于层 " + key, "the proof names stratum " + proof.stratum + "; the row is in " + key);
  if (proof.cutoff !== st.cutoff) return fail("proof ticket", "证明的分界签号不是抽取文件中层 " + key + " 的分界签号", "the proof's cutoff is not the document's cutoff of stratum " + key);
  if (proof.ticket !== ticket) return fail("proof ticket", "证明的签号不是由种子和统一社会信用代码算出的", "the proof's ticket is not SHA-256 of the seed, the tag and the id");
  const below = st.cutoff === null || ticket < st.cutoff;
  checks.push(check("proof ticket", "ok", say("层 " + key + "，签号 " + ticket.slice(0, 16) + "…" + (below ? "小于" : "不小于") + "分界签号 " + (st.cutoff ? st.cutoff.slice(0, 16) + "…" : "（无：全部抽中）"),
    "stratum " + key + ", ticket " + ticket.slice(0, 16) + "… " + (below ? "below" : "not below") + " the cutoff " + (st.cutoff ? st.cutoff.slice(0, 16) + "…" : "(none: all selected)"))));

  const same = (x, y) => canonicalJson(x === undefined ? null : x) === canonicalJson(y === undefined ? null : y);
  if (proof.selected !== below || !!inSelected !== below)
    return fail("proof selection", "按签号" + (below ? "应抽中" : "不应抽中") + "，证明或抽取文件的名单却不是这样", "the ticket says " + (below ? "selected" : "not selected") + "; the proof or the document's list says otherwise");
  if (proof.rank !== (inSelected ? inSelected.rank : null) || proof.reserve_order !== (inReserves ? inReserves.order : null) ||
      (inSelected ? !same(proof.team, inSelected.team) : "team" in proof))
    return fail("proof selection", "证明的序号、备选顺序或检查组与抽取文件不同", "the proof's rank, reserve order or team is not the document's");
  checks.push(check("proof selection", "ok", say(below ? "已抽中，序号 " + inSelected.rank : inReserves ? "未抽中，是第 " + inReserves.order + " 位备选" : "未抽中",
    below ? "selected, rank " + inSelected.rank : inReserves ? "not selected; reserve " + inReserves.order : "not selected")));
  const team = inSelected ? inSelected.team.map((o, i) => (i ? "" : "组长 ") + o.name + "（" + o.id + "）").join("，") : "";
  return { entity: eid, outcome: below
    ? say(eid + " 在冻结时的名录中，符合抽查条件，凭自己的签号被抽中（序号 " + inSelected.rank + "）；检查组：" + team,
      eid + " was in the register as of the freeze, eligible, and selected by its own ticket (rank " + inSelected.rank + "); team: " + team)
    : say(eid + " 在冻结时的名录中，符合抽查条件，凭自己的签号没有被抽中" + (inReserves ? "（第 " + inReserves.order + " 位备选）" : ""),
      eid + " was in the register as of the freeze, eligible, and not selected by its own ticket" + (inReserves ? " (reserve " + inReserves.order + ")" : "")), checks };
}

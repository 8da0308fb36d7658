/* results.js — the checks of a results document (format yaohao-results/1, docs/spec.md §18)
 * against its draw document, as `yaohao verify RESULTS --draw DRAW` does: the signatures, the
 * link to the draw, every carried ledger entry's hash (§11) and signature, the task's chain of
 * entries, the rules of results, reassignments and substitutions replayed from the draw, and
 * the listing (inspections, summary, edition).
 *
 * The picks — which officer a reassignment must take (§18.2) and which officers a substitute's
 * team must have (§18.3) — follow from the officer register and the conflicts as of the
 * freeze.  Until the reader gives them (dropped, picked, or embedded by the publisher) the
 * page says the picks were not checked; with them checkPicks recomputes every one.
 */
"use strict";

const RESULT_CODES = {
  "1": "未发现问题", A: "发现问题待后续处理", B: "未按规定公示应当公示的信息", C: "公示信息隐瞒真实情况弄虚作假",
  E: "发现问题经责令已改正", F: "未发现开展本次抽查涉及的经营活动", "6": "通过登记的住所(经营场所)无法联系",
  "7": "已关闭停业或正在组织清算", "8": "不配合检查情节严重", "9": "注销", "10": "被吊销", "11": "被撤销", "12": "迁出",
};
const METHODS = ["实地检查", "书面检查", "网络监测", "检验检测", "专业机构协助", "其他部门结果"];
const FOLLOW_UPS = ["无需后续处置", "停止检查", "责令改正", "发现案件线索", "抄告相关部门", "其他"];
const GONE = ["deregistered", "revoked", "cancelled", "moved_out", "absent"];

/* The ledger entry hash (§11). */
function entryHash(seq, prevHashHex, kind, payload) {
  const k = utf8(kind), p = utf8(canonicalJson(payload));
  return sha256Hex(tagBytes("yaohao:ledger-entry:v1"), u64(seq), fromHex(prevHashHex, 32), u32(k.length), k, u32(p.length), p);
}

/* The date in China Standard Time of a UTC stamp YYYY-MM-DDTHH:MM:SSZ (§0: plus eight hours). */
function cstDate(stamp) {
  if (typeof stamp !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(stamp)) return null;
  return new Date(Date.parse(stamp) + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/* Clean text of at most `max` bytes: no control, bidirectional-control or invisible format
 * characters (docs/formats.md, "Text"). */
function cleanText(s, min, max) {
  if (typeof s !== "string") return false;
  const n = utf8(s).length;
  return n >= min && n <= max && !/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/.test(s);
}

/* Every check of a results document; resolves to {checks, state} (state: the replay, which
 * the page shows). */
async function checkResults(res, draw, drawFacts) {
  const checks = [];
  if (!res || res.format !== "yaohao-results/1" || !Array.isArray(res.entries) || !Array.isArray(res.inspections) ||
      !res.draw || !res.signer || typeof res.signature !== "string" || !res.summary) {
    checks.push(check("results document", "failed", say("不是 yaohao-results/1 结果文件", "not a yaohao-results/1 document")));
    return { checks, state: null };
  }
  checks.push(check("results document", "ok", say("yaohao-results/1，第 " + res.edition + " 版，公示日期 " + res.disclosed,
    "yaohao-results/1, edition " + res.edition + ", disclosed " + res.disclosed)));

  // signatures: the document's, by the key that signed the draw
  const sig = await checkSignature(res, "results signature");
  if (sig.status === "ok" && res.signer.public_key !== draw.signer.public_key)
    checks.push(check("results signature", "failed", say("结果文件不是由签署抽取文件的密钥签名的", "the results document is not signed by the key that signed the draw")));
  else checks.push(sig);

  // the link to the draw
  const d = res.draw;
  if (res.task_id !== draw.task_id || res.department !== draw.department)
    checks.push(check("draw link", "failed", say("结果文件的任务或部门与抽取文件不同", "the task or department is not the draw document's")));
  else if (d.draw_seq !== draw.ledger.draw_seq || d.draw_entry_hash !== draw.ledger.draw_entry_hash ||
           d.transcript_sha256 !== drawFacts.transcriptSha256)
    checks.push(check("draw link", "failed", say("结果文件指向的不是这份抽取文件（draw 成员不符）", "the document's draw member names another draw")));
  else checks.push(check("draw link", "ok", say("指向这份抽取文件（台账第 " + d.draw_seq + " 条，抽取记录摘要 " + d.transcript_sha256.slice(0, 16) + "…）",
    "names this draw (ledger entry " + d.draw_seq + ", transcript " + d.transcript_sha256.slice(0, 16) + "…)")));

  // every entry: its hash and signature (§11), rising seqs, prev_hash where consecutive
  let entryFault = null, unsupported = false;
  for (const [i, e] of res.entries.entries()) {
    const where = "entry " + (e && e.seq);
    if (!e || !Number.isSafeInteger(e.seq) || typeof e.kind !== "string" || !e.payload || typeof e.payload !== "object" ||
        !fromHex(e.prev_hash, 32) || !fromHex(e.hash, 32)) { entryFault = where + " is malformed"; break; }
    if (e.seq <= (i ? res.entries[i - 1].seq : d.draw_seq)) { entryFault = where + ": the seqs do not rise above the draw's"; break; }
    if (i > 0 && e.seq === res.entries[i - 1].seq + 1 && e.prev_hash !== res.entries[i - 1].hash) { entryFault = where + ": prev_hash is not the hash of entry " + (e.seq - 1); break; }
    if ((await entryHash(e.seq, e.prev_hash, e.kind, e.payload)) !== e.hash) { entryFault = where + ": the hash does not match the entry"; break; }
    const ok = await ed25519Verify(res.signer.public_key, e.signature, concatBytes(tagBytes("yaohao:ledger-signature:v1"), fromHex(e.hash)));
    if (ok === "unsupported") unsupported = true;
    else if (!ok) { entryFault = where + ": the signature does not verify"; break; }
  }
  if (entryFault) checks.push(check("entries", "failed", say("台账记录有误：" + entryFault, "a ledger entry fails: " + entryFault)));
  else if (unsupported) checks.push(check("entries", "not done", say("各条记录的哈希正确，但本浏览器不支持 Ed25519，签名未验证", "every entry's hash holds, but this browser has no Ed25519: the signatures were NOT checked")));
  else checks.push(check("entries", "ok", say("全部 " + res.entries.length + " 条台账记录的哈希和签名正确", "all " + res.entries.length + " ledger entries: hash and signature")));

  // the replay from the draw (§18.1–18.3) and the listing (§18.4)
  let state = null, why = null;
  try {
    state = await replayResults(res, draw);
  } catch (e) {
    why = e.message;
  }
  if (why) checks.push(check("result rules", "failed", say("结果、调换或递补不符合规则：" + why, "a result, reassignment or substitution breaks a rule: " + why)));
  else checks.push(check("result rules", "ok", say("从抽取结果起逐条重放：记录链、检查结果、人员调换和对象递补都符合规则",
    "replayed from the draw: the chain of entries and every result, reassignment and substitution keep the rules")));
  if (state) {
    const fault = listingFault(res, state);
    if (fault) checks.push(check("listing", "failed", say("公示的名单与重放结果不同：" + fault, "the listing differs from the replay: " + fault)));
    else checks.push(check("listing", "ok", say("公示的 " + res.inspections.length + " 项检查、汇总和版次与重放结果一致",
      "the " + res.inspections.length + " inspections, the summary and the edition are the replay's")));
  } else checks.push(check("listing", "not done", say("重放未完成", "the replay did not finish")));
  if (countPicks(res))
    checks.push(check("picks", "not done", say("调换人员和递补对象检查组的人选由执法检查人员名录和回避关系表决定：放入这两个文件（冻结时的版本）后本页重算",
      "who replaces an officer and who forms a substitute's team are picked from the officer register and the conflicts: with those two files (as of the freeze) dropped onto the page, it recomputes them")));
  return { checks, state };
}

/* How many reassignments and substitutions the document carries. */
function countPicks(res) {
  return res.entries.filter((e) => e && (e.kind === "reassign" || e.kind === "substitute")).length;
}

/* The picks check with the officer register and the conflicts as of the freeze: registers is
 * {officers, recusals} (replay.js: the eligible officers, and entity id → recused officer
 * ids).  The replay runs again, now recomputing every replacement and every substitute's team
 * and comparing them with the entries exactly. */
async function checkPicks(res, draw, registers) {
  const n = countPicks(res);
  let state;
  try {
    state = await replayResults(res, draw, registers);
  } catch (e) {
    return check("picks", "not done", say("结果规则未通过，人选未重算", "the result rules fail: the picks were not recomputed"));
  }
  if (state.pickFault)
    return check("picks", "failed", say("人选与规则不符：" + state.pickFault, "a pick is not the one the rules give: " + state.pickFault));
  return check("picks", "ok", say("按执法检查人员名录和回避关系重算全部 " + n + " 次调换和递补的人选，与台账记录完全一致",
    "all " + n + " reassignments and substitutions recomputed from the officer register and the conflicts: the entries' picks"));
}

/* §18.2: the officer who must replace `leaving` on the inspection `insp`, or a string saying
 * why nobody can.  `load` maps officer id → load as the state gives it (the leaving officer
 * still counted on the team); `tickets` caches officer_ticket(load, o) by "load id". */
async function replacementOf(draw, registers, insp, leaving, load, unavailable, tickets) {
  const task = draw.task, cap = draw.load_cap, specialties = task.team.specialties;
  const bySeats = Object.keys(task.team.per_department).length > 0;
  const byId = new Map(registers.officers.map((o) => [o.id, o]));
  const teamIds = insp.team.map((o) => o.id);
  const out = byId.get(leaving);
  if (!out) return "officer " + leaving + " is not an eligible officer of the register";
  const kept = [];
  for (const id of teamIds) {
    if (id === leaving) continue;
    if (!byId.has(id)) return "team member " + id + " is not an eligible officer of the register";
    kept.push(byId.get(id));
  }
  const recused = registers.recusals.get(insp.id);
  const loadOf = (o) => load.get(o.id) || 0;
  // the candidates, and officer_ticket(load, o) at each one's load
  const candidates = registers.officers.filter((o) => loadOf(o) < cap && !(recused && recused.has(o.id)) &&
    !unavailable.has(o.id) && !teamIds.includes(o.id) && o.id !== leaving && !insp.away.has(o.id));
  const need = candidates.filter((o) => !tickets.has(loadOf(o) + " " + o.id));
  const got = await sha256Many(need.map((o) => officerTicketMessage(draw.seed, loadOf(o), o.id)));
  need.forEach((o, i) => tickets.set(loadOf(o) + " " + o.id, got[i]));
  const ticket = (o) => tickets.get(loadOf(o) + " " + o.id);
  const byTicket = (a, b) => compareTicket(ticket(a), a.id, ticket(b), b.id);
  const holds = (o, s) => o.specialties.includes(s);
  const specialist = (o) => (specialties.some((s) => holds(o, s)) ? 1 : 0);
  const candidateOrder = (a, b) => loadOf(a) - loadOf(b) || byTicket(a, b);
  const fillingOrder = (a, b) => loadOf(a) - loadOf(b) || specialist(a) - specialist(b) || byTicket(a, b);
  // the one open seat: the leaving officer's (of his department, with seats per department)
  const canSeat = (o) => !bySeats || o.department === out.department;
  const first = (ok, order) => candidates.filter((o) => ok(o) && canSeat(o)).sort(order)[0] || null;
  // §9 step 3 with one seat: each specialty no member holds, in the listed order
  let pick = null;
  for (const s of specialties) {
    if (kept.some((o) => holds(o, s)) || (pick && holds(pick, s))) continue;
    if (pick) return "the one open seat is taken and no member holds the specialty " + s;
    pick = first((o) => holds(o, s), candidateOrder);
    if (!pick) return "no candidate holds the specialty " + s + " and can take the seat";
  }
  // §9 step 4: fill the seat
  if (!pick) pick = first(() => true, fillingOrder);
  return pick || "no candidate can take the seat";
}

/* §18.3: the team of the substitute `e` (officers {id, name, department} in pair-ticket
 * order), or a string naming the rule that fails.  `load`: the state's loads without the
 * substituted entity's team. */
async function substituteTeamOf(draw, registers, e, load, unavailable) {
  const officers = teamOfficers(draw.task, registers.officers.filter((o) => !unavailable.has(o.id)));
  for (const o of officers) o.load = load.get(o.id) || 0;
  await officerTicketsAt(draw.seed, draw.load_cap, officers);
  const members = chooseMembers(draw.task, draw.load_cap, officers, registers.recusals.get(e));
  if (typeof members === "string") return members;
  return (await pairOrdered(draw.seed, e, members)).map(({ o }) => ({ id: o.id, name: o.name, department: o.department }));
}

/* The task's state replayed from the draw through its entries; throws an Error naming the
 * first entry that breaks a rule.  With registers ({officers, recusals}, see checkPicks) every
 * replacement and substitute's team is recomputed too; the first that differs from its entry
 * is state.pickFault (the replay goes on with the entries' own picks). */
async function replayResults(res, draw, registers) {
  const task = draw.task, cap = draw.load_cap;
  const perDept = task.team.per_department, bySeats = Object.keys(perDept).length > 0;
  const inspections = [], byId = new Map(), unavailable = new Set();
  const state = { inspections, byId, unavailable, pickFault: null,
    counts: { result: 0, correction: 0, reassign: 0, substitute: 0, disclose: 0 } };
  const tickets = new Map(); // officer_ticket(load, o), by "load id"
  const loads = (without) => {
    const load = new Map();
    for (const i of inspections) if (i.inForce && i !== without) for (const o of i.team) load.set(o.id, (load.get(o.id) || 0) + 1);
    return load;
  };
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  for (const s of draw.selected) {
    const i = { id: s.id, name: s.name, stratum: s.stratum, rank: s.rank, inForce: true, result: null, results: 0,
      team: s.team.map((o) => ({ id: o.id, name: o.name, department: o.department })), away: new Set() };
    inspections.push(i);
    byId.set(i.id, i);
  }
  const loadOf = (id) => inspections.filter((i) => i.inForce && i.team.some((o) => o.id === id)).length;
  const pairOrder = async (e, ids) => {
    const t = await sha256Many(ids.map((o) => pairTicketMessage(draw.seed, e, o)));
    return ids.map((o, k) => [t[k], o]).sort((a, b) => compareTicket(a[0], a[1], b[0], b[1])).map((x) => x[1]);
  };
  let prev = draw.ledger.draw_entry_hash;
  for (const e of res.entries) {
    const p = e.payload, at = "entry " + e.seq + " (" + e.kind + ")";
    const fail = (what) => { throw new Error(at + ": " + what); };
    if (p.task_id !== draw.task_id) fail("task_id is not the draw's");
    if (p.prev !== prev) fail("prev is not the hash of the task's previous entry");
    prev = e.hash;
    const day = cstDate(p.time);
    if (!day) fail("time is not a UTC stamp");
    if (e.kind === "disclose") { state.counts.disclose++; continue; }
    const insp = byId.get(p.entity_id);
    if (!insp || !insp.inForce) fail("the entity " + p.entity_id + " is not an inspection in force");
    const teamIds = insp.team.map((o) => o.id);
    if (e.kind === "result") {
      if (!(p.result in RESULT_CODES)) fail("the result code " + p.result + " is not one of §18.1");
      if (typeof p.date !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(p.date) || p.date < task.draw_date || p.date > day)
        fail("the date " + p.date + " is before the draw date or after the entry");
      if (!Array.isArray(p.officers) || new Set(p.officers).size < 2 || new Set(p.officers).size !== p.officers.length)
        fail("officers must be at least two distinct officers");
      for (const o of p.officers) if (!teamIds.includes(o)) fail("officer " + o + " is not on the entity's team");
      if (!Array.isArray(p.items) || !p.items.length || !p.items.every((x) => task.items.includes(x))) fail("items must be items of the task");
      if (!METHODS.includes(p.method)) fail("the method " + p.method + " is not one of §18.1");
      if (!FOLLOW_UPS.includes(p.follow_up)) fail("the follow-up " + p.follow_up + " is not one of §18.1");
      if ("note" in p && !cleanText(p.note, 1, 4096)) fail("the note is not clean text of at most 4,096 bytes");
      if (insp.result) {
        if (p.replaces !== insp.result.seq || !cleanText(p.reason, 1, 1024)) fail("a second result must correct the result in force (replaces, reason)");
        state.counts.correction++;
      } else if ("replaces" in p || "reason" in p) fail("a first result replaces nothing");
      insp.result = { seq: e.seq, payload: p, corrections: insp.results };
      insp.results++;
      state.counts.result++;
    } else if (e.kind === "reassign") {
      if (insp.result) fail("the entity has a result");
      if (!teamIds.includes(p.officer)) fail("officer " + p.officer + " is not on the team");
      if (!["recusal", "unavailable"].includes(p.cause)) fail("the cause is not recusal or unavailable");
      if (!cleanText(p.reason, 1, 1024)) fail("the reason is not clean text of 1–1,024 bytes");
      const r = p.replacement;
      if (!r || typeof r.id !== "string" || typeof r.name !== "string" || typeof r.department !== "string") fail("the replacement is malformed");
      if (teamIds.includes(r.id) || unavailable.has(r.id) || insp.away.has(r.id)) fail("the replacement is on the team, unavailable or reassigned away before");
      if (!task.departments.includes(r.department)) fail("the replacement is not of a department of the task");
      const leaving = insp.team.find((o) => o.id === p.officer);
      if (bySeats && r.department !== leaving.department) fail("the replacement does not take the seat of the officer's department");
      if (loadOf(r.id) >= cap) fail("the replacement is at the load cap");
      if (registers && !state.pickFault) {
        const pick = await replacementOf(draw, registers, insp, p.officer, loads(null), unavailable, tickets);
        if (typeof pick === "string") state.pickFault = at + ": " + pick + ", yet the entry names " + r.id;
        else if (!same({ id: pick.id, name: pick.name, department: pick.department }, { id: r.id, name: r.name, department: r.department }))
          state.pickFault = at + ": the replacement of " + p.officer + " on " + insp.id + " is " + pick.id + " (" + pick.name + ") by the rule, not " + r.id;
      }
      const want = await pairOrder(insp.id, teamIds.filter((o) => o !== p.officer).concat([r.id]));
      if (JSON.stringify(want) !== JSON.stringify(p.team)) fail("team is not the new team in pair-ticket order");
      const members = new Map(insp.team.filter((o) => o.id !== p.officer).map((o) => [o.id, o]));
      members.set(r.id, { id: r.id, name: r.name, department: r.department });
      insp.team = want.map((id) => members.get(id));
      insp.away.add(p.officer);
      if (p.cause === "unavailable") unavailable.add(p.officer);
      state.counts.reassign++;
    } else if (e.kind === "substitute") {
      if (insp.result) fail("the entity has a result");
      if (!cleanText(p.reason, 1, 1024)) fail("the reason is not clean text of 1–1,024 bytes");
      if (!p.register || !GONE.includes(p.register.status)) fail("the register status is not one that allows a substitution");
      const reserve = draw.reserves.find((r) => r.stratum === insp.stratum && !byId.has(r.id));
      if (!reserve) fail("no reserve of stratum " + insp.stratum + " is left");
      if (!p.substitute || p.substitute.id !== reserve.id || p.substitute.name !== reserve.name || p.stratum !== insp.stratum ||
          p.reserve_order !== reserve.order)
        fail("the substitute is not the first reserve of the stratum with no team yet (" + reserve.id + ", order " + reserve.order + ")");
      const team = p.team;
      if (!Array.isArray(team) || team.length !== task.team.size || new Set(team.map((o) => o && o.id)).size !== team.length ||
          !team.every((o) => o && typeof o.id === "string" && typeof o.name === "string" && task.departments.includes(o.department)))
        fail("the team is not " + task.team.size + " distinct officers of the task's departments");
      if (team.some((o) => unavailable.has(o.id))) fail("the team has an unavailable officer");
      if (JSON.stringify(await pairOrder(reserve.id, team.map((o) => o.id))) !== JSON.stringify(team.map((o) => o.id)))
        fail("the team is not in pair-ticket order");
      if (registers && !state.pickFault) {
        const want = await substituteTeamOf(draw, registers, reserve.id, loads(insp), unavailable);
        if (typeof want === "string") state.pickFault = at + ": no team can be formed for " + reserve.id + ": " + want;
        else if (!same(want, team.map((o) => ({ id: o.id, name: o.name, department: o.department }))))
          state.pickFault = at + ": the team of " + reserve.id + " is " + want.map((o) => o.id).join(", ") + " by the rule, not " + team.map((o) => o.id).join(", ");
      }
      insp.inForce = false;
      insp.substitutedBy = reserve.id;
      for (const o of team) if (loadOf(o.id) >= cap) fail("officer " + o.id + " is at the load cap");
      const sub = { id: reserve.id, name: reserve.name, stratum: insp.stratum, rank: null, inForce: true, result: null, results: 0,
        team: team.map((o) => ({ id: o.id, name: o.name, department: o.department })), away: new Set(),
        substitutesFor: insp.id, reserveOrder: reserve.order };
      inspections.push(sub);
      byId.set(sub.id, sub);
      state.counts.substitute++;
    } else fail("an unknown kind");
  }
  return state;
}

/* The listing the replay gives (§18.4), as JSON values. */
function listingOf(state) {
  const inspections = state.inspections.map((i) => {
    const out = { id: i.id, name: i.name, stratum: i.stratum, rank: i.rank,
      team: i.team.map((o, k) => ({ id: o.id, name: o.name, department: o.department, role: k ? "member" : "leader" })), result: null };
    if (i.result) {
      const p = i.result.payload;
      out.result = { code: p.result, name: RESULT_CODES[p.result], date: p.date, officers: p.officers, items: p.items, method: p.method,
        follow_up: p.follow_up, entry: i.result.seq, corrections: i.result.corrections };
      if ("note" in p) out.result.note = p.note;
    }
    if (i.substitutesFor) { out.substitutes_for = i.substitutesFor; out.reserve_order = i.reserveOrder; }
    if (i.substitutedBy) out.substituted_by = i.substitutedBy;
    return out;
  });
  const live = state.inspections.filter((i) => i.inForce), done = live.filter((i) => i.result);
  const summary = { inspections: live.length, results: done.length, pending: live.length - done.length,
    corrections: state.counts.correction, reassignments: state.counts.reassign, substitutions: state.counts.substitute,
    disclosures: state.counts.disclose };
  if (done.length) {
    const dates = done.map((i) => i.result.payload.date).sort();
    summary.first_result_date = dates[0];
    summary.last_result_date = dates[dates.length - 1];
  }
  return { inspections, summary, edition: state.counts.disclose + 1 };
}

function listingFault(res, state) {
  const mine = listingOf(state);
  if (res.edition !== mine.edition) return "edition " + res.edition + ", the replay gives " + mine.edition;
  if (canonicalJson(res.summary) !== canonicalJson(mine.summary))
    return "summary " + canonicalJson(res.summary) + ", the replay gives " + canonicalJson(mine.summary);
  const n = Math.max(mine.inspections.length, res.inspections.length);
  for (let i = 0; i < n; i++) {
    const a = mine.inspections[i] ? canonicalJson(mine.inspections[i]) : "(none)";
    const b = res.inspections[i] ? canonicalJson(res.inspections[i]) : "(none)";
    if (a !== b) return "inspection #" + (i + 1) + ": the document has " + b + ", the replay gives " + a;
  }
  return null;
}

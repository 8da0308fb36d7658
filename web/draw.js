/* draw.js — the checks of a public draw document (format yaohao-draw/2, docs/spec.md §13)
 * that need nothing but the document: what `yaohao verify DOCUMENT` checks without the
 * register files.
 *
 * Each check is {id, status, detail}: status "ok", "failed" or "not done" (a check that
 * could not be made is never reported as passed); detail is {zh, en}.
 */
"use strict";

function say(zh, en) {
  return { zh, en };
}

function check(id, status, detail) {
  return { id, status, detail };
}

/* ---- Ed25519 (RFC 8032) through WebCrypto ----------------------------------------------- */

/* true or false; or "unsupported" when this browser's WebCrypto has no Ed25519. */
async function ed25519Verify(publicKeyHex, signatureHex, message) {
  const pub = fromHex(publicKeyHex, 32), sig = fromHex(signatureHex, 64);
  if (!pub || !sig) return false;
  let key;
  try {
    key = await crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
  } catch (e) {
    if (e && (e.name === "NotSupportedError" || e.name === "SyntaxError" || e.name === "TypeError"))
      return "unsupported";
    return false; // a key WebCrypto refuses (not a point on the curve) verifies nothing
  }
  try {
    return await crypto.subtle.verify({ name: "Ed25519" }, key, sig, message);
  } catch (e) {
    return false;
  }
}

/* The key id (§15): the first 16 hex digits of SHA-256 of the 32 raw bytes of the key. */
async function keyId(publicKeyHex) {
  return (await sha256Hex(fromHex(publicKeyHex, 32))).slice(0, 16);
}

/* The signature check of a signed document (§13): Ed25519 over the canonical text of the
 * document without its "signature" member, and signer.key_id the id of signer.public_key. */
async function checkSignature(doc, id) {
  const rest = Object.assign({}, doc);
  delete rest.signature;
  const signer = doc.signer || {};
  if (!fromHex(signer.public_key, 32) || !fromHex(doc.signature, 64))
    return check(id, "failed", say("公钥或签名不是小写十六进制", "the public key or the signature is not lower-case hex"));
  const ok = await ed25519Verify(signer.public_key, doc.signature, utf8(canonicalJson(rest)));
  if (ok === "unsupported")
    return check(id, "not done", say("本浏览器的 WebCrypto 不支持 Ed25519，签名未验证。请用较新的浏览器（Chromium 137+、Firefox 129+、Safari 17+）或 yaohao verify 验证签名",
      "this browser's WebCrypto has no Ed25519: the signature was NOT checked. Use a newer browser (Chromium 137+, Firefox 129+, Safari 17+) or yaohao verify"));
  if (!ok)
    return check(id, "failed", say("Ed25519 签名与文件内容不符：签名后文件被改动过，或签名不是该密钥所签",
      "the Ed25519 signature does not match the document: it was changed after signing, or signed by another key"));
  if ((await keyId(signer.public_key)) !== signer.key_id)
    return check(id, "failed", say("signer.key_id 不是 signer.public_key 的密钥编号", "signer.key_id is not the id of signer.public_key"));
  return check(id, "ok", say("规范化（JCS）文本上的 Ed25519 签名有效，密钥 " + signer.key_id,
    "Ed25519 over the canonical (JCS) document, key " + signer.key_id));
}

/* ---- shape ------------------------------------------------------------------------------ */

const isHex32 = (s) => fromHex(s, 32) !== null;
const isText = (s) => typeof s === "string";
const isCount = (n) => Number.isSafeInteger(n) && n >= 0;

/* The first malformed member of a draw document, as a path, or null. */
function drawShapeError(d) {
  if (!d || typeof d !== "object" || Array.isArray(d)) return "(the document is not a JSON object)";
  if (d.format !== "yaohao-draw/2")
    return d.format === "yaohao-draw/1" ? "format (yaohao-draw/1 is retired)" : "format";
  for (const k of ["department", "task_id", "entropy_source", "entropy_value", "signature"])
    if (!isText(d[k])) return k;
  for (const k of ["commitment", "secret", "seed", "task_digest"]) if (!isHex32(d[k])) return k;
  if (!d.task || typeof d.task !== "object") return "task";
  if (!isCount(d.freeze_seq)) return "freeze_seq";
  if (!isCount(d.load_cap)) return "load_cap";
  if (!d.signer || !isHex32(d.signer.public_key) || !isText(d.signer.key_id)) return "signer";
  if (!d.ledger || !isCount(d.ledger.commit_seq) || !isCount(d.ledger.draw_seq) || !isHex32(d.ledger.draw_entry_hash))
    return "ledger";
  if (!d.chain || !isCount(d.chain.seq) || !(d.chain.prev === null || isHex32(d.chain.prev))) return "chain";
  const e = d.entities, i = d.inspectors, c = d.conflicts;
  if (!e || !isCount(e.count) || !isCount(e.eligible) || !isHex32(e.root) || !Array.isArray(e.excluded)) return "entities";
  if (!i || !isCount(i.count) || !isCount(i.eligible) || !isHex32(i.root)) return "inspectors";
  if (!c || !isCount(c.count) || !isHex32(c.root)) return "conflicts";
  if (!Array.isArray(d.earlier)) return "earlier";
  if (!Array.isArray(d.recent_pairs)) return "recent_pairs";
  for (const [n, p] of d.recent_pairs.entries())
    if (!p || !isText(p.entity_id) || !isText(p.inspector_id) || !isText(p.task_id)) return "recent_pairs." + n;
  if (!Array.isArray(d.strata)) return "strata";
  for (const [n, s] of d.strata.entries())
    if (!s || !isText(s.key) || !isCount(s.population) || !isCount(s.selected) || !isCount(s.reserves) ||
        !isText(s.rate) || !(s.cutoff === null || isHex32(s.cutoff)))
      return "strata." + n;
  if (!Array.isArray(d.selected)) return "selected";
  for (const [n, s] of d.selected.entries()) {
    if (!s || !isText(s.id) || !isText(s.name) || !isText(s.stratum) || !isHex32(s.ticket) ||
        !isCount(s.rank) || !Array.isArray(s.team))
      return "selected." + n;
    for (const [m, o] of s.team.entries())
      if (!o || !isText(o.id) || !isText(o.name) || !isText(o.department) || !isText(o.role) || !isHex32(o.pair_ticket))
        return "selected." + n + ".team." + m;
  }
  if (!Array.isArray(d.reserves)) return "reserves";
  for (const [n, r] of d.reserves.entries())
    if (!r || !isText(r.id) || !isText(r.name) || !isText(r.stratum) || !isHex32(r.ticket) || !isCount(r.order))
      return "reserves." + n;
  return null;
}

/* The first member of a task (§3) that is missing or malformed, or null.  A normalised task
 * has every member, and only those (note only when given). */
function taskShapeError(t) {
  const obj = (v) => v && typeof v === "object" && !Array.isArray(v);
  const list = (v, each) => Array.isArray(v) && v.every(each);
  const exactly = (v, names, optional = []) =>
    obj(v) && names.every((n) => n in v) && Object.keys(v).every((n) => names.includes(n) || optional.includes(n));
  if (!exactly(t, ["id", "title", "departments", "items", "draw_date", "population", "strata", "reserve_rate",
    "exclude_drawn_within_days", "avoid_repeat_pair_within_days", "team"], ["note"])) return "task";
  if (!isText(t.id) || !isText(t.title) || ("note" in t && !isText(t.note))) return "task.id / title / note";
  if (!list(t.departments, isText) || t.departments.length === 0) return "task.departments";
  if (!list(t.items, isText)) return "task.items";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(t.draw_date)) return "task.draw_date";
  const p = t.population;
  if (!exactly(p, ["status", "regions", "industries", "types", "risk", "abnormal"]) ||
      !["status", "regions", "industries", "types", "risk"].every((k) => list(p[k], isText)) ||
      ![true, false, null].includes(p.abnormal)) return "task.population";
  const s = t.strata;
  if (!exactly(s, ["by", "rates", "counts", "min", "max", "rounding"]) ||
      !list(s.by, (b) => ["risk", "province", "city", "industry_section", "type"].includes(b)) ||
      !obj(s.rates) || !Object.values(s.rates).every((r) => parseRate(r) !== null) ||
      !["counts", "min", "max"].every((k) => obj(s[k]) && Object.values(s[k]).every(isCount)) ||
      !["ceil", "floor", "half_up"].includes(s.rounding)) return "task.strata";
  if (parseRate(t.reserve_rate) === null) return "task.reserve_rate";
  if (!isCount(t.exclude_drawn_within_days)) return "task.exclude_drawn_within_days";
  if (!isCount(t.avoid_repeat_pair_within_days)) return "task.avoid_repeat_pair_within_days";
  const m = t.team;
  if (!exactly(m, ["size", "per_department", "specialties", "load_cap"]) || !Number.isSafeInteger(m.size) ||
      m.size < 2 || !obj(m.per_department) || !Object.values(m.per_department).every(isCount) ||
      !list(m.specialties, isText) || !(m.load_cap === null || isCount(m.load_cap))) return "task.team";
  return null;
}

/* ---- rates, rounding, stratum sizes (§5) ------------------------------------------------ */

/* A rate text as the exact fraction {num, den} (BigInt, not reduced), or null. */
function parseRate(text) {
  const m = typeof text === "string" && /^([0-9]+)(?:\.([0-9]+))?(%?)$/.exec(text);
  if (!m) return null;
  const decimals = m[2] || "";
  const num = BigInt(m[1] + decimals);
  let den = 10n ** BigInt(decimals.length);
  if (m[3]) den *= 100n;
  if (den > 100000000n || num > den) return null;
  return { num, den };
}

/* round(n × num / den) with the task's rounding, n a BigInt. */
function roundRate(n, rate, rounding) {
  const q = (n * rate.num) / rate.den, r = (n * rate.num) % rate.den;
  if (rounding === "ceil") return q + (r > 0n ? 1n : 0n);
  if (rounding === "half_up") return q + (2n * r >= rate.den ? 1n : 0n);
  return q;
}

/* {selected, reserves, rate} for a stratum of key K and population n under the task's rules,
 * or a text saying why there is none. */
function stratumSize(task, key, population) {
  const s = task.strata, n = BigInt(population);
  let base, rateText = "";
  if (key in s.counts) base = BigInt(s.counts[key]);
  else if (key in s.rates) { rateText = s.rates[key]; base = roundRate(n, parseRate(rateText), s.rounding); }
  else if ("*" in s.counts) base = BigInt(s.counts["*"]);
  else if ("*" in s.rates) { rateText = s.rates["*"]; base = roundRate(n, parseRate(rateText), s.rounding); }
  else return "no rate or count applies to stratum " + key;
  const rule = (o) => (key in o ? BigInt(o[key]) : "*" in o ? BigInt(o["*"]) : null);
  const lo = rule(s.min), hi = rule(s.max);
  if (lo !== null && base < lo) base = lo;
  if (hi !== null && base > hi) base = hi;
  if (base > n) base = n;
  let reserves = roundRate(base, parseRate(task.reserve_rate), s.rounding);
  if (reserves > n - base) reserves = n - base;
  return { selected: Number(base), reserves: Number(reserves), rate: rateText };
}

/* ---- the hashes of a draw (§3, §6, §7, §8, §9, §10) ---------------------------------------- */

function taskDigest(task) {
  return sha256Hex(tagBytes("yaohao:task:v1"), canonicalJson(task));
}

function commitmentOf(secret) {
  return sha256Hex(tagBytes("yaohao:commit:v1"), secret);
}

/* The announcement rebuilt from a transcript or a draw document (§10). */
function announcementOf(doc) {
  const a = Object.assign({}, doc);
  for (const k of ["entropy_value", "secret", "seed", "selected", "reserves", "ledger", "signer", "signature"]) delete a[k];
  a.strata = doc.strata.map((s) => {
    const t = Object.assign({}, s);
    delete t.cutoff;
    return t;
  });
  a.format = "yaohao-announcement/2";
  return a;
}

/* The transcript rebuilt from a draw document (§10), and its SHA-256 (§11). */
function transcriptOf(doc) {
  const t = Object.assign({}, doc);
  for (const k of ["ledger", "signer", "signature"]) delete t[k];
  t.format = "yaohao-transcript/2";
  return t;
}

function transcriptSha256(doc) {
  return sha256Hex(canonicalJson(transcriptOf(doc)));
}

function announcementDigest(doc) {
  return sha256Hex(tagBytes("yaohao:announcement:v2"), canonicalJson(announcementOf(doc)));
}

function seedOf(announcementDigestHex, secret, value) {
  const v = utf8(value);
  return sha256Hex(tagBytes("yaohao:seed:v2"), fromHex(announcementDigestHex), secret, u32(v.length), v);
}

/* The first 64-byte block of every ticket of a seed: seed ‖ PAD32(tag). */
function ticketBlock(seedHex, tag) {
  return concatBytes(fromHex(seedHex, 32), pad32(tag));
}

function ticketMessage(seedHex, entityId) {
  return concatBytes(ticketBlock(seedHex, "yaohao:ticket:v2"), entityId);
}

function officerTicketMessage(seedHex, load, officerId) {
  return concatBytes(ticketBlock(seedHex, "yaohao:officer:v2"), u32(load), officerId);
}

function pairTicketMessage(seedHex, entityId, officerId) {
  return concatBytes(ticketBlock(seedHex, "yaohao:pair:v2"), entityId, officerId);
}

/* Ticket order (§8): the ticket as a 256-bit number (its lower-case hex compares the same),
 * then the id. */
function compareTicket(ta, ia, tb, ib) {
  if (ta !== tb) return ta < tb ? -1 : 1;
  return compareUtf8(ia, ib);
}

/* ---- the checks ------------------------------------------------------------------------- */

function isPlaceholderSource(source) {
  return source === "" || ["none", "demo", "test", "无"].some((w) => source.startsWith(w));
}

/* Every check the document alone allows; resolves to {checks, facts}.  facts holds what the
 * page shows beside them (the announcement digest, the transcript's SHA-256). */
async function checkDraw(doc) {
  const checks = [], facts = {};
  const shape = drawShapeError(doc);
  if (shape) {
    checks.push(check("document", "failed", say("文件格式不对：" + shape, "not a yaohao-draw/2 document: " + shape)));
    return { checks, facts };
  }
  checks.push(check("document", "ok", say("yaohao-draw/2，任务 " + doc.task_id + "，部门 " + doc.department,
    "yaohao-draw/2 for task " + doc.task_id + " of " + doc.department)));

  checks.push(await checkSignature(doc, "signature"));

  // §3: the task and its digest
  const taskError = taskShapeError(doc.task);
  const digest = await taskDigest(doc.task);
  if (taskError) checks.push(check("task digest", "failed", say("任务不是规范化的任务：" + taskError, "the task is not a normalised task: " + taskError)));
  else if (digest !== doc.task_digest) checks.push(check("task digest", "failed", say("task_digest 不是任务的摘要", "task_digest is not the digest of the task")));
  else if (doc.task.id !== doc.task_id) checks.push(check("task digest", "failed", say("task_id 不是任务的编号", "task_id is not the task's id")));
  else checks.push(check("task digest", "ok", say("任务 " + doc.task_id + " 的摘要就是 task_digest", "the task " + doc.task_id + " hashes to task_digest")));

  // §6: the commitment opens
  const secret = fromHex(doc.secret, 32);
  if ((await commitmentOf(secret)) !== doc.commitment)
    checks.push(check("commitment", "failed", say("公布的秘密值打不开承诺值", "the revealed secret does not open the commitment")));
  else checks.push(check("commitment", "ok", say("公布的秘密值打开了承诺值 " + doc.commitment.slice(0, 16) + "…",
    "the revealed secret opens the commitment " + doc.commitment.slice(0, 16) + "…")));

  // §7: the seed from the rebuilt announcement
  facts.announcementDigest = await announcementDigest(doc);
  facts.transcriptSha256 = await transcriptSha256(doc);
  const valueBytes = utf8(doc.entropy_value).length;
  const seed = await seedOf(facts.announcementDigest, secret, doc.entropy_value);
  if (valueBytes < 1 || valueBytes > 1024)
    checks.push(check("seed", "failed", say("公开随机值应为 1–1024 字节", "the public value must be 1–1024 bytes")));
  else if (seed !== doc.seed)
    checks.push(check("seed", "failed", say("种子不等于 SHA-256(公告摘要、秘密值、公开随机值)", "the seed is not SHA-256 of the announcement's digest, the secret and the public value")));
  else checks.push(check("seed", "ok", say("种子由公告（摘要 " + facts.announcementDigest.slice(0, 16) + "…）、秘密值和公开随机值导出",
    "derived from the announcement (digest " + facts.announcementDigest.slice(0, 16) + "…), the secret and the public value")));

  // §8, §9: every ticket and pair ticket
  checks.push(await checkTickets(doc));

  // the rules the document states about itself
  checks.push(taskError ? check("selection rules", "not done", say("任务格式不对，无法核对规则", "the task is malformed: the rules cannot be checked"))
    : checkSelectionRules(doc));

  // what only the store can show
  checks.push(check("ledger", "not done", say("台账序号和抽取记录的哈希只能由持有数据库的审计（yaohao audit）核对",
    "the ledger sequence numbers and the draw entry's hash are checked only by the audit of the store")));
  facts.externalEntropy = !isPlaceholderSource(doc.entropy_source);
  return { checks, facts };
}

async function checkTickets(doc) {
  const messages = [], what = [];
  for (const e of doc.selected) {
    messages.push(ticketMessage(doc.seed, e.id)); what.push([e.ticket, "selected " + e.id]);
    for (const o of e.team) {
      messages.push(pairTicketMessage(doc.seed, e.id, o.id)); what.push([o.pair_ticket, "pair " + e.id + " / " + o.id]);
    }
  }
  for (const r of doc.reserves) { messages.push(ticketMessage(doc.seed, r.id)); what.push([r.ticket, "reserve " + r.id]); }
  const got = await sha256Many(messages);
  const bad = what.filter(([want], i) => got[i] !== want);
  if (bad.length)
    return check("tickets", "failed", say(bad.length + " 个签号不是由种子算出的，第一个：" + bad[0][1],
      bad.length + " ticket(s) do not follow from the seed; the first: " + bad[0][1]));
  const pairs = doc.selected.reduce((n, e) => n + e.team.length, 0);
  return check("tickets", "ok", say("全部 " + (doc.selected.length + doc.reserves.length) + " 个检查对象签号和 " + pairs + " 个人员配对签号都由种子算出",
    "all " + (doc.selected.length + doc.reserves.length) + " entity tickets and " + pairs + " pair tickets follow from the seed"));
}

/* The first rule (§5, §8, §9) the document breaks, as {zh, en}, or null. */
function selectionRuleFault(doc) {
  const task = doc.task, strata = new Map();
  for (const [i, s] of doc.strata.entries()) {
    if (i > 0 && compareUtf8(doc.strata[i - 1].key, s.key) >= 0)
      return say("分层没有按键排序或有重复：" + s.key, "the strata are not sorted by key without repeats: " + s.key);
    strata.set(s.key, { s, selected: [], reserves: [] });
    const size = stratumSize(task, s.key, s.population);
    if (typeof size === "string") return say(size, size);
    if (size.selected !== s.selected || size.reserves !== s.reserves)
      return say("分层 " + s.key + "（" + s.population + " 户）写明抽取 " + s.selected + "、备选 " + s.reserves + "；按任务规则应为 " + size.selected + " 和 " + size.reserves,
        "stratum " + s.key + " of " + s.population + " states " + s.selected + " selected and " + s.reserves + " reserves; the task's rules give " + size.selected + " and " + size.reserves);
    if (size.rate !== s.rate)
      return say("分层 " + s.key + " 写明比例 \"" + s.rate + "\"，任务规则为 \"" + size.rate + "\"", "stratum " + s.key + " names the rate \"" + s.rate + "\"; the task's rule is \"" + size.rate + "\"");
    if ((s.cutoff === null) !== (s.selected === s.population))
      return say("分层 " + s.key + " 的分界签号应当仅在全部抽取时为空", "stratum " + s.key + ": the cutoff is null exactly when every entity is selected");
  }
  const total = doc.strata.reduce((n, s) => n + s.population, 0);
  if (total !== doc.entities.eligible)
    return say("entities.eligible 为 " + doc.entities.eligible + "，各层总数之和为 " + total, "entities.eligible is " + doc.entities.eligible + "; the strata add up to " + total);
  if (task.team.load_cap !== null && task.team.load_cap !== doc.load_cap)
    return say("负荷上限为 " + doc.load_cap + "，任务定为 " + task.team.load_cap, "the load cap is " + doc.load_cap + "; the task fixes it at " + task.team.load_cap);

  const perDept = task.team.per_department, seatsListed = Object.keys(perDept).length > 0;
  const officers = new Map(), load = new Map(), seen = new Set();
  for (const [i, e] of doc.selected.entries()) {
    const st = strata.get(e.stratum);
    if (!st) return say("第 " + (i + 1) + " 个抽中对象的分层不在分层表中", "selected #" + (i + 1) + " names a stratum the document does not list");
    if (e.rank !== i + 1) return say("抽中名单的序号不是 1, 2, …", "the ranks are not 1, 2, …");
    if (seen.has(e.id)) return say("对象 " + e.id + " 出现两次", "entity " + e.id + " appears twice");
    seen.add(e.id);
    if (i > 0 && compareTicket(doc.selected[i - 1].ticket, doc.selected[i - 1].id, e.ticket, e.id) >= 0)
      return say("抽中名单没有按签号排序", "the selected entities are not in ticket order");
    if (st.s.cutoff !== null && e.ticket >= st.s.cutoff)
      return say(e.id + " 的签号不小于其分层的分界签号", "the ticket of " + e.id + " is not below its stratum's cutoff");
    st.selected.push(e);
    if (e.team.length !== task.team.size)
      return say(e.id + " 的检查组不是 " + task.team.size + " 人", "the team of " + e.id + " does not have " + task.team.size + " members");
    const seats = {};
    for (const [j, o] of e.team.entries()) {
      if (o.role !== (j === 0 ? "leader" : "member"))
        return say(e.id + " 的检查组：第一人是组长，其余是组员", "the team of " + e.id + ": the first is the leader, the others members");
      if (j > 0 && e.team[j - 1].pair_ticket >= o.pair_ticket)
        return say(e.id + " 的检查组没有按配对签号排序", "the team of " + e.id + " is not in pair-ticket order");
      if (e.team.slice(0, j).some((p) => p.id === o.id))
        return say(o.id + " 在 " + e.id + " 的检查组中出现两次", "officer " + o.id + " appears twice in the team of " + e.id);
      if (!task.departments.includes(o.department))
        return say(o.id + " 的部门不是任务的部门", "officer " + o.id + " is not of a department of the task");
      const known = officers.get(o.id);
      if (known && (known.name !== o.name || known.department !== o.department))
        return say(o.id + " 在不同检查组中的姓名或部门不一致", "officer " + o.id + " has different names or departments in different teams");
      officers.set(o.id, o);
      seats[o.department] = (seats[o.department] || 0) + 1;
      const l = (load.get(o.id) || 0) + 1;
      load.set(o.id, l);
      if (l > doc.load_cap)
        return say(o.id + " 参加的检查组超过负荷上限 " + doc.load_cap, "officer " + o.id + " is on more teams than the load cap " + doc.load_cap);
    }
    if (seatsListed && Object.keys(perDept).some((d) => (seats[d] || 0) !== perDept[d]))
      return say(e.id + " 的检查组各部门人数与任务规定的席位不符", "the team of " + e.id + " does not fill the task's seats per department");
  }
  for (const [i, r] of doc.reserves.entries()) {
    const st = strata.get(r.stratum);
    if (!st) return say("第 " + (i + 1) + " 个备选对象的分层不在分层表中", "reserve #" + (i + 1) + " names a stratum the document does not list");
    if (seen.has(r.id)) return say("对象 " + r.id + " 出现两次", "entity " + r.id + " appears twice");
    seen.add(r.id);
    if (i > 0 && compareUtf8(doc.reserves[i - 1].stratum, r.stratum) > 0)
      return say("备选名单没有按分层排序", "the reserves are not in stratum order");
    const prev = st.reserves[st.reserves.length - 1];
    if (r.order !== st.reserves.length + 1)
      return say("分层 " + r.stratum + " 的备选没有编为 1, 2, …", "the reserves of stratum " + r.stratum + " are not numbered 1, 2, …");
    if (st.s.cutoff === null || r.ticket < st.s.cutoff)
      return say("备选 " + r.id + " 的签号小于其分层的分界签号", "the ticket of reserve " + r.id + " is below its stratum's cutoff");
    if (r.order === 1 && r.ticket !== st.s.cutoff)
      return say("分层 " + r.stratum + " 的分界签号应是第 1 个备选的签号", "the cutoff of stratum " + r.stratum + " is not the ticket of its first reserve");
    if (prev && compareTicket(prev.ticket, prev.id, r.ticket, r.id) >= 0)
      return say("分层 " + r.stratum + " 的备选没有按签号排序", "the reserves of stratum " + r.stratum + " are not in ticket order");
    st.reserves.push(r);
  }
  for (const { s, selected, reserves } of strata.values()) {
    if (selected.length !== s.selected)
      return say("分层 " + s.key + " 写明抽取 " + s.selected + "，名单中有 " + selected.length, "stratum " + s.key + " states " + s.selected + " selected; the list has " + selected.length);
    if (reserves.length !== s.reserves)
      return say("分层 " + s.key + " 写明备选 " + s.reserves + "，名单中有 " + reserves.length, "stratum " + s.key + " states " + s.reserves + " reserves; the list has " + reserves.length);
  }
  return null;
}

function checkSelectionRules(doc) {
  const fault = selectionRuleFault(doc);
  if (fault) return check("selection rules", "failed", fault);
  return check("selection rules", "ok", say(
    "每层抽取数符合任务规则，抽中的签号都小于分界签号，备选依次在其后；检查组 " + doc.task.team.size + " 人，配对签号最小者为组长；每人最多 " + doc.load_cap + " 组",
    "per stratum: the task's sizes, k selected below the cutoff, r reserves at or above it in order; teams of " + doc.task.team.size + " led by the lowest pair ticket; load at most " + doc.load_cap));
}

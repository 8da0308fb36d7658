#!/usr/bin/env python3
"""Independent recomputation of the yaohao draw vectors from docs/spec.md alone.

Usage: python3 check_spec.py [VECTORS_DIR]     (default: <repo>/fixtures/vectors)

Written from the specification (docs/spec.md, with docs/tasks.md for the task defaults it
points to), without reading the C implementation. Every case directory holds task.json,
secret.hex, entropy.txt, the canonical register files (entities.csv, inspectors.csv,
conflicts.csv), announcement.json and transcript.json. Section numbers (§n) refer to spec.md.

Inputs taken from announcement.json as given (no rule derives them from the case's files):
the store's `department`, `freeze_seq`, `entropy_source`, and the frozen lists
`entities.excluded` and `recusals.recent_pairs` (§4: they come from the store's earlier
draws). Those lists are checked for form, and then against the other cases' transcripts,
which the vectors produce as successive draws of one store (check_history).
"""

import argparse
import csv
import datetime
import hashlib
import io
import json
import os
import sys

# ---------------------------------------------------------------------------------------------
# Notation (spec preamble)


def sha256(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def TAG(text):
    """ASCII bytes of text followed by one zero byte."""
    return text.encode("ascii") + b"\x00"


def u32(n):
    return n.to_bytes(4, "big")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def read_json(path):
    return json.loads(read_bytes(path).decode("utf-8"))


def canonical(obj):
    """§3: members sorted by key, no whitespace, only '"' and '\\' escaped, UTF-8."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class DrawFailed(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# §1 Canonical register files

COLUMNS = {
    "entities": ["id", "name", "type", "region", "industry", "risk", "status", "abnormal"],
    "inspectors": ["id", "name", "department", "cert_valid_until", "specialties", "status"],
    "conflicts": ["inspector_id", "entity_id", "reason"],
}
KEYS = {"entities": ("id",), "inspectors": ("id",), "conflicts": ("inspector_id", "entity_id")}


def csv_field(value):
    """§1: a field containing ',' or '"' is quoted with inner '"' doubled; others as they are."""
    if "," in value or '"' in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def read_register(path, register):
    """Parses a canonical CSV file; returns (rows as dicts, list of problems with its form)."""
    data = read_bytes(path)
    problems = []
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append("starts with a byte-order mark")
    if b"\r" in data:
        problems.append("contains CR")
    if not data.endswith(b"\n"):
        problems.append("last line does not end with LF")
    text = data.decode("utf-8")
    records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    cols = COLUMNS[register]
    if not records or records[0] != cols:
        problems.append("header is %r, expected %r" % (records[0] if records else None, cols))
    rows = []
    for n, rec in enumerate(records[1:], start=2):
        if len(rec) != len(cols):
            problems.append("line %d has %d fields, expected %d" % (n, len(rec), len(cols)))
            continue
        rows.append(dict(zip(cols, rec)))
    # Re-serialise: the canonical form is unique, so the bytes must come back unchanged.
    again = "".join(",".join(csv_field(f) for f in rec) + "\n" for rec in records)
    if again.encode("utf-8") != data:
        problems.append("not in canonical form (re-serialisation differs)")
    keys = [tuple(r[k] for k in KEYS[register]) for r in rows]
    if keys != sorted(keys) or len(set(keys)) != len(keys):
        problems.append("rows not sorted by key, or a key repeats")
    return rows, problems


# ---------------------------------------------------------------------------------------------
# §2 Register digests: RFC 6962 Merkle tree over row leaf data


def leaf_data(fields):
    out = b""
    for f in fields:
        b = f.encode("utf-8")
        out += u32(len(b)) + b
    return out


def merkle_root(leaves):
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return sha256(b"\x00", leaves[0])
    k = 1
    while k * 2 < len(leaves):          # the largest power of two smaller than n
        k *= 2
    return sha256(b"\x01", merkle_root(leaves[:k]), merkle_root(leaves[k:]))


# ---------------------------------------------------------------------------------------------
# §3 Tasks: normalisation (defaults from docs/tasks.md) and the task digest


def normalise_task(t):
    """Fills in the defaults of §3 / docs/tasks.md. Assumed where neither document states a
    default: items [], population lists [], strata.rates/counts/min/max {}, team.specialties
    [], team.per_department {}, team.load_cap null."""
    pop = t.get("population") or {}
    st = t["strata"]
    team = t["team"]

    def bound(v):                       # a plain number becomes {"*": n}
        return {"*": v} if isinstance(v, int) else dict(v or {})

    n = {
        "id": t["id"], "title": t["title"],
        "departments": list(t["departments"]), "items": list(t.get("items", [])),
        "draw_date": t["draw_date"],
        "population": {
            "status": list(pop.get("status", ["active"])),
            "regions": list(pop.get("regions", [])),
            "industries": list(pop.get("industries", [])),
            "types": list(pop.get("types", [])),
            "risk": list(pop.get("risk", [])),
            "abnormal": pop.get("abnormal"),
        },
        "strata": {
            "by": list(st.get("by", [])),
            "rates": dict(st.get("rates", {})),
            "counts": dict(st.get("counts", {})),
            "min": bound(st.get("min")), "max": bound(st.get("max")),
            "rounding": st.get("rounding", "ceil"),
        },
        "reserve_rate": t.get("reserve_rate", "0"),
        "exclude_drawn_within_days": t.get("exclude_drawn_within_days", 0),
        "avoid_repeat_pair_within_days": t.get("avoid_repeat_pair_within_days", 0),
        "team": {
            "size": team["size"],
            "per_department": dict(team.get("per_department", {})),
            "specialties": list(team.get("specialties", [])),
            "load_cap": team.get("load_cap"),
        },
    }
    if "note" in t:
        n["note"] = t["note"]
    return n


def task_digest(task):
    return sha256(TAG("yaohao:task:v1"), canonical(task).encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# §4 Eligibility and exclusions


def eligible_entities(entities, task, excluded):
    pop, excl = task["population"], set(excluded)

    def passes(e):
        return (e["status"] in pop["status"]
                and (not pop["regions"] or any(e["region"].startswith(p) for p in pop["regions"]))
                and (not pop["industries"]
                     or any(e["industry"].startswith(p) for p in pop["industries"]))
                and (not pop["types"] or e["type"] in pop["types"])
                and (not pop["risk"] or e["risk"] in pop["risk"])
                and (pop["abnormal"] is None or e["abnormal"] == ("1" if pop["abnormal"] else "0"))
                and e["id"] not in excl)
    return sorted(filter(passes, entities), key=lambda e: e["id"].encode())


def eligible_officers(inspectors, task):
    out = [o for o in inspectors
           if o["status"] == "active" and o["cert_valid_until"] >= task["draw_date"]
           and o["department"] in task["departments"]]
    return sorted(out, key=lambda o: o["id"].encode())


def recusal_rows(conflicts, recent_pairs):
    rows = [(c["entity_id"], c["inspector_id"], c["reason"]) for c in conflicts]
    rows += [(p["entity_id"], p["inspector_id"], "recent:" + p["task_id"]) for p in recent_pairs]
    return sorted(rows, key=lambda r: tuple(f.encode() for f in r))


# ---------------------------------------------------------------------------------------------
# §5 Strata and their sizes


def escape_key_value(v):
    """§5: empty -> '-'; '%' -> '%25', '/' -> '%2F'; a value that is exactly '-' -> '%2D'."""
    if v == "":
        return "-"
    if v == "-":
        return "%2D"
    return v.replace("%", "%25").replace("/", "%2F")


def stratum_key(e, by):
    if not by:
        return "all"
    values = {"risk": e["risk"], "province": e["region"][:2], "city": e["region"][:4],
              "industry_section": e["industry"][:1], "type": e["type"]}
    key = "/".join(escape_key_value(values[b]) for b in by)
    if len(key.encode()) > 511:
        raise DrawFailed("stratum key longer than 511 bytes")
    return key


def parse_rate(text):
    """Decimal text: digits, optionally '.' and digits, optionally '%'; exact num/den <= 1."""
    body, den = text, 1
    if body.endswith("%"):
        body, den = body[:-1], 100
    whole, dot, frac = body.partition(".")
    digits = lambda x: x.isascii() and x.isdigit()
    if not digits(whole) or (dot and not digits(frac)):
        raise ValueError("bad rate text %r" % text)
    num = int(whole + frac)
    den *= 10 ** len(frac)
    if den > 10 ** 8 or num > den:
        raise ValueError("rate %r out of range" % text)
    return num, den


def round_frac(n, rate, rounding):
    num, den = rate
    q, r = divmod(n * num, den)
    if rounding == "ceil":
        return q + (1 if r > 0 else 0)
    if rounding == "floor":
        return q
    if rounding == "half_up":
        return q + (1 if 2 * r >= den else 0)
    raise ValueError("unknown rounding %r" % rounding)


def rule(obj, key):
    """The rule for K: member K if present, else "*" if present, else None."""
    return obj[key] if key in obj else obj.get("*")


def stratum_sizes(key, n, task):
    st = task["strata"]
    # §5 step 1: counts[K], rates[K], counts["*"], rates["*"], in this order.
    rate_text = ""
    if key in st["counts"]:
        base = st["counts"][key]
    elif key in st["rates"]:
        rate_text = st["rates"][key]
    elif "*" in st["counts"]:
        base = st["counts"]["*"]
    elif "*" in st["rates"]:
        rate_text = st["rates"]["*"]
    else:
        raise DrawFailed("stratum %s has neither a count nor a rate" % key)
    if rate_text:
        base = round_frac(n, parse_rate(rate_text), st["rounding"])
    lo, hi = rule(st["min"], key), rule(st["max"], key)
    if lo is not None and base < lo:
        base = lo
    if hi is not None and base > hi:
        base = hi
    k = min(base, n)
    r = min(round_frac(k, parse_rate(task["reserve_rate"]), st["rounding"]), n - k)
    return k, r, rate_text


def load_cap(task, total_k, officers):
    """§5: team.load_cap, else the largest of the per-officer, per-department and
    per-specialty ceilings (terms with a zero divisor left out; 0 without officers)."""
    team = task["team"]
    if team["load_cap"] is not None:
        return team["load_cap"]
    if not officers:
        return 0
    ceil = lambda a, b: -(-a // b)
    terms = [ceil(total_k * team["size"], len(officers))]
    for d, seats in team["per_department"].items():
        n_d = sum(1 for o in officers if o["department"] == d)
        if n_d:
            terms.append(ceil(total_k * seats, n_d))
    for s in team["specialties"]:
        h_s = sum(1 for o in officers if s in o["specialties"].split(";"))
        if h_s:
            terms.append(ceil(total_k, h_s))
    return max(terms)


# ---------------------------------------------------------------------------------------------
# §6 commitment, §7 seed, §8 tickets


def commitment(secret):
    return sha256(TAG("yaohao:commit:v1"), secret)


def seed_of(digest, eroot, oroot, rroot, secret, value):
    v = value.encode("utf-8")
    return sha256(TAG("yaohao:seed:v1"), digest, eroot, oroot, rroot, secret, u32(len(v)), v)


def ticket(seed, entity_id):
    return sha256(seed, TAG("yaohao:ticket:v1"), entity_id.encode("utf-8"))


def pair_ticket(seed, entity_id, officer_id):
    pair_key = sha256(seed, TAG("yaohao:pair:v1"), entity_id.encode("utf-8"))
    return sha256(pair_key, officer_id.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# §9 Teams


def form_team(seed, e, rank, officers, recused, load, cap, team_rule):
    # Step 1: candidate order = current load (lowest first), pair ticket, officer id; fixed
    # when the entity's turn begins.
    pairs = sorted((load[o["id"]], pair_ticket(seed, e["id"], o["id"]), o["id"].encode(), o)
                   for o in officers
                   if load[o["id"]] < cap and (e["id"], o["id"]) not in recused)
    cands = [(pt, o) for _, pt, _, o in pairs]
    per_dept, size = team_rule["per_department"], team_rule["size"]
    open_seats = dict(per_dept)
    members = []                                     # (pair ticket, officer)

    def can_seat(o):
        if per_dept:
            return open_seats.get(o["department"], 0) > 0
        return len(members) < size

    def take(pt, o):
        if per_dept:
            open_seats[o["department"]] -= 1
        members.append((pt, o))

    def is_member(o):
        return any(m["id"] == o["id"] for _, m in members)

    for s in team_rule["specialties"]:              # step 3
        if any(s in m["specialties"].split(";") for _, m in members):
            continue
        for pt, o in cands:
            if not is_member(o) and s in o["specialties"].split(";") and can_seat(o):
                take(pt, o)
                break
        else:
            raise DrawFailed("entity %s (rank %d): no candidate holds %s" % (e["id"], rank, s))
    # step 4: filling order = load, non-specialists first, pair ticket, id
    specialist = lambda o: any(s in o["specialties"].split(";") for s in team_rule["specialties"])
    filling = sorted(cands, key=lambda c: (load[c[1]["id"]], specialist(c[1]), c[0],
                                           c[1]["id"].encode()))
    for pt, o in filling:
        if len(members) == size:
            break
        if not is_member(o) and can_seat(o):
            take(pt, o)
    if len(members) < size:
        raise DrawFailed("entity %s (rank %d): candidates ran out" % (e["id"], rank))
    members.sort(key=lambda m: (m[0], m[1]["id"].encode()))   # step 5
    team = []
    for i, (pt, o) in enumerate(members):
        load[o["id"]] += 1
        team.append({"id": o["id"], "name": o["name"], "department": o["department"],
                     "role": "leader" if i == 0 else "member", "pair_ticket": pt.hex()})
    return team


# ---------------------------------------------------------------------------------------------
# Comparison and reporting


def first_diff(exp, got, path=""):
    """The first difference between two JSON values, as text, or None."""
    where = path + ": " if path else ""
    if type(exp) is not type(got):
        return "%sexpected %s got %s" % (where, short(exp), short(got))
    if isinstance(exp, dict):
        for k in sorted(set(exp) | set(got)):
            if k not in got:
                return "%s.%s: member missing (expected %s)" % (path, k, short(exp[k]))
            if k not in exp:
                return "%s.%s: unexpected member (got %s)" % (path, k, short(got[k]))
            d = first_diff(exp[k], got[k], "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(exp, list):
        for i, (a, b) in enumerate(zip(exp, got)):
            d = first_diff(a, b, "%s[%d]" % (path, i))
            if d:
                return d
        if len(exp) != len(got):
            return "%s: expected %d elements got %d" % (path, len(exp), len(got))
        return None
    return None if exp == got else "%sexpected %s got %s" % (where, short(exp), short(got))


def short(v):
    s = json.dumps(v, ensure_ascii=False, sort_keys=True)
    return s if len(s) <= 120 else s[:117] + "..."


class Report:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, case, what, expected, got, path=""):
        d = first_diff(expected, got, path)
        if d is None:
            self.passed += 1
            print("ok   %s: %s" % (case, what))
        else:
            self.fail(case, what, d.lstrip("."))  # first difference, expected vs got

    def expect_none(self, case, what, problems):
        if problems:
            self.fail(case, what, "; ".join(problems))
        else:
            self.check(case, what, None, None)

    def fail(self, case, what, detail):
        self.failed += 1
        print("FAIL %s: %s: %s" % (case, what, detail))


# ---------------------------------------------------------------------------------------------
# One case


def check_case(rep, case, d):
    ann, tr, task_in = (read_json(os.path.join(d, f))
                        for f in ("announcement.json", "transcript.json", "task.json"))
    secret = bytes.fromhex(read_bytes(os.path.join(d, "secret.hex")).decode("ascii").strip())
    value = read_bytes(os.path.join(d, "entropy.txt")).decode("utf-8")
    if value.endswith("\n"):             # the file's line end is not part of the value
        value = value[:-1]
    if len(secret) != 32 or not 1 <= len(value.encode("utf-8")) <= 1024:
        rep.fail(case, "inputs", "secret must be 32 bytes, the value 1-1024 bytes (§6, §7)")
        return

    regs = {}
    for name in ("entities", "inspectors", "conflicts"):   # §1
        regs[name], problems = read_register(os.path.join(d, name + ".csv"), name)
        rep.expect_none(case, "%s.csv canonical (§1)" % name, problems)

    task = ann["task"]                                       # §3
    rep.check(case, "task normalised (§3, docs/tasks.md)", task, normalise_task(task_in))
    digest = task_digest(task)
    rep.check(case, "task_digest", ann["task_digest"], digest.hex())

    excluded = ann["entities"]["excluded"]                   # §4
    recent = ann["recusals"]["recent_pairs"]
    pair_key = lambda p: (p["entity_id"], p["inspector_id"], p["task_id"])
    rep.expect_none(case, "frozen lists sorted, without repeats", [
        "%s is not sorted or repeats an element" % name for name, ok in (
            ("entities.excluded", excluded == sorted(set(excluded))),
            ("recusals.recent_pairs", recent == sorted(recent, key=pair_key)
             and len(set(map(pair_key, recent))) == len(recent))) if not ok])
    ents = eligible_entities(regs["entities"], task, excluded)
    offs = eligible_officers(regs["inspectors"], task)
    recs = recusal_rows(regs["conflicts"], recent)
    eroot = merkle_root([leaf_data([e[c] for c in COLUMNS["entities"]]) for e in ents])
    oroot = merkle_root([leaf_data([o[c] for c in COLUMNS["inspectors"]]) for o in offs])
    rroot = merkle_root([leaf_data(r) for r in recs])
    rep.check(case, "entity count and root", ann["entities"],
              {"count": len(ents), "root": eroot.hex(), "excluded": excluded})
    rep.check(case, "officer count and root", ann["inspectors"],
              {"count": len(offs), "root": oroot.hex()})
    rep.check(case, "recusal count and root", ann["recusals"],
              {"count": len(recs), "root": rroot.hex(), "recent_pairs": recent})

    by_key = {}                                              # §5
    for e in ents:
        by_key.setdefault(stratum_key(e, task["strata"]["by"]), []).append(e)
    strata = []
    try:
        for key in sorted(by_key, key=lambda k: k.encode()):
            k, r, rate_text = stratum_sizes(key, len(by_key[key]), task)
            strata.append({"key": key, "population": len(by_key[key]), "selected": k,
                           "reserves": r, "rate": rate_text})
        cap = load_cap(task, sum(s["selected"] for s in strata), offs)
    except (DrawFailed, ValueError) as err:
        rep.fail(case, "strata", str(err))
        return
    rep.check(case, "strata: keys, populations, k, reserves, rates", ann["strata"], strata,
              "strata")
    rep.check(case, "load_cap", ann["load_cap"], cap)

    commit = commitment(secret)                              # §6
    rep.check(case, "commitment", ann["commitment"], commit.hex())
    announcement = {
        "format": "yaohao-announcement/1", "department": ann["department"],
        "task_id": task["id"], "task": task, "task_digest": digest.hex(),
        "freeze_seq": ann["freeze_seq"],
        "entities": {"count": len(ents), "root": eroot.hex(), "excluded": excluded},
        "inspectors": {"count": len(offs), "root": oroot.hex()},
        "recusals": {"count": len(recs), "root": rroot.hex(), "recent_pairs": recent},
        "strata": strata, "load_cap": cap, "commitment": commit.hex(),
        "entropy_source": ann["entropy_source"],
    }

    seed = seed_of(digest, eroot, oroot, rroot, secret, value)   # §7
    rep.check(case, "seed", tr["seed"], seed.hex())

    tickets = {e["id"]: ticket(seed, e["id"]) for e in ents}    # §8
    order = lambda e: (tickets[e["id"]], e["id"].encode())
    selected, reserves, tr_strata = [], [], []
    for s in strata:
        members = sorted(by_key[s["key"]], key=order)
        k, r = s["selected"], s["reserves"]
        selected += [(e, s["key"]) for e in members[:k]]
        reserves += [{"stratum": s["key"], "order": i + 1, "id": e["id"], "name": e["name"],
                      "ticket": tickets[e["id"]].hex()} for i, e in enumerate(members[k:k + r])]
        cutoff = tickets[members[k]["id"]].hex() if k < len(members) else None
        tr_strata.append(dict(s, cutoff=cutoff))
        pub = next((x for x in tr.get("strata", []) if x.get("key") == s["key"]), {})
        rep.check(case, "stratum %s cutoff" % s["key"], pub.get("cutoff", "(absent)"), cutoff)
    selected.sort(key=lambda es: order(es[0]))               # §9: rank = ticket order
    tr_sel = tr.get("selected", [])
    rep.check(case, "selected entities and tickets",
              [{"id": x.get("id"), "ticket": x.get("ticket")} for x in tr_sel],
              [{"id": e["id"], "ticket": tickets[e["id"]].hex()} for e, _ in selected],
              "selected")
    rep.check(case, "ranks", [{"rank": x.get("rank")} for x in tr_sel],
              [{"rank": i + 1} for i in range(len(selected))], "selected")
    rep.check(case, "reserves", tr.get("reserves"), reserves, "reserves")

    recused = {(r[0], r[1]) for r in recs}                   # §9
    load_of = {o["id"]: 0 for o in offs}
    out_sel = []
    try:
        for i, (e, key) in enumerate(selected):
            team = form_team(seed, e, i + 1, offs, recused, load_of, cap, task["team"])
            out_sel.append({"rank": i + 1, "id": e["id"], "name": e["name"], "stratum": key,
                            "ticket": tickets[e["id"]].hex(), "team": team})
    except DrawFailed as err:
        rep.fail(case, "teams", str(err))
        return
    rep.check(case, "teams", [{"id": x.get("id"), "team": x.get("team")} for x in tr_sel],
              [{"id": x["id"], "team": x["team"]} for x in out_sel], "selected")

    transcript = dict(announcement, format="yaohao-transcript/1", entropy_value=value,
                      secret=secret.hex(), seed=seed.hex(), strata=tr_strata,
                      selected=out_sel, reserves=reserves)   # §10
    for name, obj in (("transcript.json", transcript), ("announcement.json", announcement)):
        raw = read_bytes(os.path.join(d, name))
        text = raw[:-1] if raw.endswith(b"\n") else raw
        mine = canonical(obj).encode("utf-8")
        if mine == text:
            rep.check(case, name + " byte for byte", None, None)
        else:
            diff = first_diff(json.loads(text), obj)
            if diff is None:
                at = next((i for i, (a, b) in enumerate(zip(text, mine)) if a != b),
                          min(len(text), len(mine)))
                diff = "same JSON value, bytes differ at offset %d: expected %r got %r" % (
                    at, text[at:at + 40], mine[at:at + 40])
            rep.fail(case, name + " byte for byte", diff.lstrip("."))


def check_document(rep, case, d, transcript, pubkey_hex):
    """§13: draw.json is the transcript with format, ledger and signer, signed over the
    canonical text of the document without its signature; §15: the key id."""
    path = os.path.join(d, "draw.json")
    if not os.path.isfile(path):
        rep.fail(case, "draw.json", "missing")
        return
    doc = read_json(path)
    rep.check(case, "draw.json format (§13)", doc.get("format"), "yaohao-draw/1")
    body = {k: v for k, v in doc.items() if k not in ("format", "ledger", "signer", "signature")}
    rep.check(case, "draw.json holds the transcript (§13)", body,
              {k: v for k, v in transcript.items() if k != "format"})
    signer = doc.get("signer", {})
    pk = bytes.fromhex(signer.get("public_key", ""))
    rep.check(case, "signer.key_id (§15)", signer.get("key_id"),
              hashlib.sha256(pk).hexdigest()[:16])
    rep.check(case, "signer is the test vector key (§15)", signer.get("public_key"), pubkey_hex)
    unsigned = {k: v for k, v in doc.items() if k != "signature"}
    message = canonical(unsigned).encode("utf-8")
    try:
        import nacl.exceptions
        import nacl.signing
    except ImportError:
        print("skip %s: draw.json signature (python3-nacl is not installed)" % case)
        return
    try:
        nacl.signing.VerifyKey(pk).verify(message, bytes.fromhex(doc.get("signature", "")))
        rep.check(case, "draw.json signature over the JCS bytes (§13)", None, None)
    except (nacl.exceptions.BadSignatureError, ValueError) as err:
        rep.fail(case, "draw.json signature over the JCS bytes (§13)", str(err))


def check_history(rep, docs):
    """§4 frozen lists, recomputed from the other cases' transcripts. Assumes the cases are
    successive draws of one store (same department), each drawn before the next case (higher
    freeze_seq) was committed, and recent pairs kept per (entity, officer, task)."""
    day = lambda a: datetime.date.fromisoformat(a["task"]["draw_date"])
    for case, (ann, _) in sorted(docs.items()):
        task, D = ann["task"], day(ann)
        earlier = [(a, tr) for a, tr in docs.values() if a["department"] == ann["department"]
                   and a["freeze_seq"] < ann["freeze_seq"] and day(a) <= D]
        W = task["exclude_drawn_within_days"]
        excl = sorted({s["id"] for a, tr in earlier if W > 0 and (D - day(a)).days <= W
                       for s in tr["selected"]})
        W = task["avoid_repeat_pair_within_days"]
        pairs = sorted(({"entity_id": s["id"], "inspector_id": m["id"],
                         "task_id": a["task"]["id"]}
                        for a, tr in earlier if W > 0 and (D - day(a)).days <= W
                        for s in tr["selected"] for m in s["team"]),
                       key=lambda p: (p["entity_id"], p["inspector_id"], p["task_id"]))
        rep.check(case, "entities.excluded = earlier vectors' selections (§4)",
                  ann["entities"]["excluded"], excl)
        rep.check(case, "recusals.recent_pairs = earlier vectors' teams (§4)",
                  ann["recusals"]["recent_pairs"], pairs)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(os.path.dirname(os.path.dirname(here)), "fixtures", "vectors")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("vectors_dir", nargs="?", default=default)
    args = ap.parse_args()
    rep = Report()
    cases = sorted(c for c in os.listdir(args.vectors_dir)
                   if os.path.isfile(os.path.join(args.vectors_dir, c, "transcript.json")))
    if not cases:
        rep.fail(args.vectors_dir, "cases", "no case directory with a transcript.json")
    docs = {}
    key_file = os.path.join(args.vectors_dir, "test-key.pub")
    pubkey_hex = open(key_file, encoding="ascii").read().split()[-1] if os.path.isfile(key_file) else None
    for case in cases:
        try:
            check_case(rep, case, os.path.join(args.vectors_dir, case))
            docs[case] = tuple(read_json(os.path.join(args.vectors_dir, case, f))
                               for f in ("announcement.json", "transcript.json"))
            check_document(rep, case, os.path.join(args.vectors_dir, case), docs[case][1], pubkey_hex)
        except Exception as err:                          # a malformed case is a failure
            rep.fail(case, "case", "%s: %s" % (type(err).__name__, err))
    try:
        check_history(rep, docs)
    except Exception as err:
        rep.fail("all", "history", "%s: %s" % (type(err).__name__, err))
    print("%d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())

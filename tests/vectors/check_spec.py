#!/usr/bin/env python3
"""Independent recomputation of the yaohao draw vectors (format /2) from docs/spec.md alone.

Usage: python3 check_spec.py [--self-test] [VECTORS_DIR]   (default: <repo>/fixtures/vectors)

Written from the specification (docs/spec.md, with docs/tasks.md for the task defaults it
points to) without reading the C implementation. Section numbers (§n) refer to spec.md.

VECTORS_DIR holds one directory per case (successive draws of one store), each with task.json,
secret.hex, entropy.txt, the canonical register files as of the freeze (entities.csv,
inspectors.csv, conflicts.csv: every row, §1), announcement.json, transcript.json and
draw.json; beside them test-key.pub (§15) and feed.json (§16). A case may also hold
results.json and results.csv, what happened after its draw (§18): checked as `yaohao verify
RESULTS --draw DRAW` does, with every reassignment's replacement and every substitute's team
recomputed here from the case's frozen registers (§9, §18.2, §18.3).

For every case the announcement is rebuilt from task.json, the three registers, secret.hex and
the earlier cases' transcripts; only the members that no rule derives are taken from
announcement.json as given: `department`, `freeze_seq`, `entropy_source`, `chain`, `earlier`
and `commitment` (the commitment is then checked to open with secret.hex). `entities.excluded`
and `recent_pairs` are recomputed from the earlier draws the `earlier` list names, found among
the other cases by their transcript SHA-256. The `earlier` lists themselves, the chain and the
feed are checked across cases at the end.

Output: one line per check, "ok ..." or "FAIL ...", "skip ..." for a check that could not run
(not counted as passed), "info ..." for numbers reported without a published value to compare
with; the last line is "N passed, M failed[, K skipped]". Exit status 1 on any failure.
"""

import argparse
import csv
import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile

# ---------------------------------------------------------------------------------------------
# Notation (spec preamble)


def sha256(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def TAG(text):
    """ASCII bytes of text followed by one zero byte."""
    return text.encode("ascii") + b"\x00"


def PAD32(text):
    """ASCII bytes of text followed by zero bytes up to 32 bytes in all (text is shorter)."""
    b = text.encode("ascii")
    assert len(b) < 32
    return b + b"\x00" * (32 - len(b))


def u32(n):
    return n.to_bytes(4, "big")


def u64(n):
    return n.to_bytes(8, "big")


def utf8(s):
    return s.encode("utf-8")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def read_json(path):
    return json.loads(read_bytes(path).decode("utf-8"))


def canonical(v):
    """§3: RFC 8785 (JCS) as the spec gives it: members sorted by UTF-16 code units."""
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical(v[k])
                              for k in keys) + "}"
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    if isinstance(v, float):
        raise ValueError("a float in a document (§3: yaohao's documents hold none)")
    return json.dumps(v, ensure_ascii=False)


def canonical_bytes(v):
    return utf8(canonical(v))


def by_bytes(s):
    """"Sorted" means by UTF-8 bytes (§ preamble)."""
    return s.encode("utf-8")


class DrawFailed(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Reporting


def short(v):
    s = json.dumps(v, ensure_ascii=False, sort_keys=True)
    return s if len(s) <= 140 else s[:137] + "..."


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


class Report:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def check(self, case, what, expected, got, path=""):
        """expected: the published value; got: the value recomputed here."""
        d = first_diff(expected, got, path)
        if d is None:
            self.ok(case, what)
        else:
            self.fail(case, what, d.lstrip("."))
        return d is None

    def truth(self, case, what, cond, detail=""):
        if cond:
            self.ok(case, what)
        else:
            self.fail(case, what, detail or "does not hold")
        return bool(cond)

    def problems(self, case, what, problems):
        return self.truth(case, what, not problems, "; ".join(problems[:5]) + (
            " (and %d more)" % (len(problems) - 5) if len(problems) > 5 else ""))

    def ok(self, case, what):
        self.passed += 1
        print("ok   %s: %s" % (case, what))

    def fail(self, case, what, detail):
        self.failed += 1
        print("FAIL %s: %s: %s" % (case, what, detail))

    def skip(self, case, what, why):
        self.skipped += 1
        print("skip %s: %s: SKIPPED, %s" % (case, what, why))

    def info(self, case, what):
        print("info %s: %s" % (case, what))


def bytes_check(rep, case, what, published, mine):
    """Compares a published file (canonical text + one LF, §3) with a value rebuilt here."""
    text = mine if isinstance(mine, bytes) else canonical_bytes(mine)
    if published == text + b"\n":
        return rep.ok(case, what) or True
    if not published.endswith(b"\n") or published.endswith(b"\n\n"):
        detail = "the file does not end with exactly one LF after the canonical text (§3)"
        if published.rstrip(b"\n") != text:
            detail += ", and the text differs"
        rep.fail(case, what, detail)
        return False
    body = published[:-1]
    try:
        diff = first_diff(json.loads(body.decode("utf-8")), json.loads(text.decode("utf-8")))
    except ValueError as err:
        diff = "the published file is not JSON: %s" % err
    if diff is None:
        at = next((i for i, (a, b) in enumerate(zip(body, text)) if a != b),
                  min(len(body), len(text)))
        diff = "same JSON value, bytes differ at offset %d: published %r, rebuilt %r" % (
            at, body[at:at + 40], text[at:at + 40])
    rep.fail(case, what, diff.lstrip("."))
    return False


# ---------------------------------------------------------------------------------------------
# §1 Canonical register files

COLUMNS = {
    "entities": ["id", "name", "type", "region", "industry", "risk", "status", "abnormal"],
    "inspectors": ["id", "name", "department", "cert_valid_until", "specialties", "status"],
    "conflicts": ["inspector_id", "entity_id", "reason"],
}
KEYS = {"entities": ("id",), "inspectors": ("id",), "conflicts": ("inspector_id", "entity_id")}


def row_key(register, row):
    return tuple(by_bytes(row[k]) for k in KEYS[register])


def csv_field(value):
    """§1: a field containing ',' or '"' is quoted with inner '"' doubled; others as they are."""
    if "," in value or '"' in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def canonical_csv(register, rows):
    lines = [",".join(COLUMNS[register])]
    lines += [",".join(csv_field(r[c]) for c in COLUMNS[register]) for r in rows]
    return utf8("".join(line + "\n" for line in lines))


def read_register(path, register):
    """Reads a register file as a verifier must (§1: RFC 4180, CRLF and a BOM accepted, rows in
    any order, sorted here by key). Returns (rows sorted by key, raw bytes, problems that make
    the file unusable)."""
    data = read_bytes(path)
    problems = []
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    text = body.decode("utf-8")
    if "\x00" in text:  # §1: no value holds a NUL byte
        problems.append("line %d: a NUL byte inside a field" % (text.count("\n", 0, text.index("\x00")) + 1))
        return [], data, problems
    records = [r for r in csv.reader(io.StringIO(text, newline=""), strict=True)]
    cols = COLUMNS[register]
    if not records or records[0] != cols:
        problems.append("header is %r, expected %r" % (records[0] if records else None, cols))
        return [], data, problems
    rows = []
    for n, rec in enumerate(records[1:], start=2):
        if len(rec) != len(cols):
            problems.append("record %d has %d fields, expected %d" % (n, len(rec), len(cols)))
            continue
        rows.append(dict(zip(cols, rec)))
    rows.sort(key=lambda r: row_key(register, r))
    keys = [row_key(register, r) for r in rows]
    dups = sorted({k for a, k in zip(keys, keys[1:]) if a == k})
    if dups:
        problems.append("key repeated: %s" % ", ".join("/".join(x.decode() for x in k)
                                                      for k in dups))
    return rows, data, problems


def register_domain_problems(register, rows):
    """§1 value domains (as stored). Reported, but the digests do not depend on them."""
    out = []
    for r in rows:
        if register == "entities":
            ind = r["industry"]
            if len(r["id"]) != 18:
                out.append("%s: id is not 18 characters" % r["id"])
            if not (len(r["region"]) == 6 and r["region"].isascii() and r["region"].isdigit()):
                out.append("%s: region %r" % (r["id"], r["region"]))
            if ind and not ("A" <= ind[0] <= "T" and len(ind) - 1 in (0, 2, 3, 4)
                            and ind[1:].isascii() and (ind[1:].isdigit() or ind[1:] == "")):
                out.append("%s: industry %r" % (r["id"], ind))
            if r["risk"] not in ("A", "B", "C", "D", ""):
                out.append("%s: risk %r" % (r["id"], r["risk"]))
            if r["status"] not in ("active", "deregistered", "revoked", "cancelled",
                                   "moved_out", "suspended", "liquidating"):
                out.append("%s: status %r" % (r["id"], r["status"]))
            if r["abnormal"] not in ("0", "1"):
                out.append("%s: abnormal %r" % (r["id"], r["abnormal"]))
        elif register == "inspectors":
            try:
                ok = datetime.date.fromisoformat(r["cert_valid_until"]).isoformat() == \
                    r["cert_valid_until"]
            except ValueError:
                ok = False
            if not ok:
                out.append("%s: cert_valid_until %r" % (r["id"], r["cert_valid_until"]))
            sp = r["specialties"]
            if sp:
                parts = sp.split(";")
                if parts != sorted(set(parts), key=by_bytes) or "" in parts:
                    out.append("%s: specialties %r not sorted/unique" % (r["id"], sp))
            if r["status"] not in ("active", "on_leave", "suspended", "left"):
                out.append("%s: status %r" % (r["id"], r["status"]))
    return out


def specialties_of(officer):
    return officer["specialties"].split(";") if officer["specialties"] else []


# ---------------------------------------------------------------------------------------------
# §2 Register digests: RFC 6962 Merkle tree over row leaf data


def leaf_data(fields):
    return b"".join(u32(len(utf8(f))) + utf8(f) for f in fields)


def leaf_hash(data):
    return sha256(b"\x00", data)


def split_point(n):
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(hashes):
    """MTH over leaf hashes (the leaf hashing already done)."""
    if not hashes:
        return sha256(b"")
    if len(hashes) == 1:
        return hashes[0]
    k = split_point(len(hashes))
    return sha256(b"\x01", mth(hashes[:k]), mth(hashes[k:]))


def register_leaves(register, rows):
    """§2: entity and officer rows, all fields in column order; conflict rows in the column
    order inspector_id, entity_id, reason. Rows already sorted by the register's key."""
    return [leaf_hash(leaf_data([r[c] for c in COLUMNS[register]])) for r in rows]


def audit_path(hashes, m):
    """RFC 6962 §2.1.1 PATH(m, D[n]), from the leaf up."""
    n = len(hashes)
    if n <= 1:
        return []
    k = split_point(n)
    if m < k:
        return audit_path(hashes[:k], m) + [mth(hashes[k:])]
    return audit_path(hashes[k:], m - k) + [mth(hashes[:k])]


def verify_inclusion(leaf, index, size, path, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = sha256(b"\x01", p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = sha256(b"\x01", r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# ---------------------------------------------------------------------------------------------
# §3 Tasks: normalisation (defaults from §3's table and docs/tasks.md) and the task digest


def normalise_task(t):
    pop = t.get("population") or {}
    st = t["strata"]
    team = t["team"]

    def bound(v):                       # a plain number becomes {"*": n}
        return {"*": v} if isinstance(v, int) and not isinstance(v, bool) else dict(v or {})

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
    return sha256(TAG("yaohao:task:v1"), canonical_bytes(task))


def day(text):
    return datetime.date.fromisoformat(text)


# ---------------------------------------------------------------------------------------------
# §4 Eligibility and exclusions

ENTITY_REASONS = ("status", "filter", "exclusion window")
OFFICER_REASONS = ("status", "certificate expired", "department")


def entity_reason(e, task, excluded):
    """The first rule of §4 the row fails, or None when it is eligible."""
    pop = task["population"]
    if e["status"] not in pop["status"]:
        return "status"
    if ((pop["regions"] and not any(e["region"].startswith(p) for p in pop["regions"]))
            or (pop["industries"]
                and not any(e["industry"].startswith(p) for p in pop["industries"]))
            or (pop["types"] and e["type"] not in pop["types"])
            or (pop["risk"] and e["risk"] not in pop["risk"])
            or (pop["abnormal"] is True and e["abnormal"] != "1")
            or (pop["abnormal"] is False and e["abnormal"] != "0")):
        return "filter"
    if e["id"] in excluded:
        return "exclusion window"
    return None


def officer_reason(o, task):
    if o["status"] != "active":
        return "status"
    if not o["cert_valid_until"] >= task["draw_date"]:
        return "certificate expired"
    if o["department"] not in task["departments"]:
        return "department"
    return None


def partition(rows, reason_of, reasons):
    eligible, counts = [], dict.fromkeys(reasons, 0)
    for r in rows:
        why = reason_of(r)
        if why is None:
            eligible.append(r)
        else:
            counts[why] += 1
    return eligible, counts


def earlier_within(earlier_docs, task, window):
    """The earlier draws (each a dict with task and transcript) whose draw date D' satisfies
    D' <= D and D - D' <= W; none when W = 0 (the window is disabled)."""
    if window <= 0:
        return []
    D = day(task["draw_date"])
    return [x for x in earlier_docs
            if day(x["task"]["draw_date"]) <= D
            and (D - day(x["task"]["draw_date"])).days <= window]


def excluded_list(task, earlier_docs):
    """§4: every entity selected (not the reserves) by an earlier draw within W, sorted."""
    W = task["exclude_drawn_within_days"]
    ids = {s["id"] for x in earlier_within(earlier_docs, task, W)
           for s in x["transcript"]["selected"]}
    return sorted(ids, key=by_bytes)


def recent_pairs_list(task, earlier_docs):
    """§4: one entry per member of each team of an earlier draw within W."""
    W = task["avoid_repeat_pair_within_days"]
    pairs = [{"entity_id": s["id"], "inspector_id": m["id"], "task_id": x["task"]["id"]}
             for x in earlier_within(earlier_docs, task, W)
             for s in x["transcript"]["selected"] for m in s["team"]]
    return sorted(pairs, key=lambda p: (by_bytes(p["entity_id"]), by_bytes(p["inspector_id"]),
                                        by_bytes("recent:" + p["task_id"])))


def recusal_pairs(conflicts, recent_pairs):
    """§4 recusal rows, as the set of (entity_id, inspector_id) they name."""
    out = {(c["entity_id"], c["inspector_id"]) for c in conflicts}
    out |= {(p["entity_id"], p["inspector_id"]) for p in recent_pairs}
    return out


# ---------------------------------------------------------------------------------------------
# §5 Strata and their sizes


def escape_key_value(v):
    """§5: empty -> '-'; exactly '-' -> '%2D'; inside a value '%' -> '%25', '/' -> '%2F'."""
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
    if len(utf8(key)) > 511:
        raise DrawFailed("stratum key longer than 511 bytes: the commit stops (§5)")
    return key


def parse_rate(text):
    """§5: digits, optionally '.' and digits, optionally '%'; exact num/den, not reduced."""
    body, den = text, 1
    if body.endswith("%"):
        body, den = body[:-1], 100
    whole, dot, frac = body.partition(".")

    def digits(x):
        return x != "" and x.isascii() and x.isdigit()
    if not digits(whole) or (dot and not digits(frac)):
        raise ValueError("%r is not a rate (§5)" % text)
    num = int(whole + frac)
    den *= 10 ** len(frac)
    if den > 10 ** 8 or num > den:
        raise ValueError("rate %r refused (§5: den above 10^8 or above 1)" % text)
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
    rate_text = None
    if key in st["counts"]:
        base = st["counts"][key]
    elif key in st["rates"]:
        rate_text = st["rates"][key]
    elif "*" in st["counts"]:
        base = st["counts"]["*"]
    elif "*" in st["rates"]:
        rate_text = st["rates"]["*"]
    else:
        raise DrawFailed("stratum %s has neither a count nor a rate: the commit fails" % key)
    if rate_text is not None:
        base = round_frac(n, parse_rate(rate_text), st["rounding"])
    lo, hi = rule(st["min"], key), rule(st["max"], key)
    if lo is not None and base < lo:
        base = lo
    if hi is not None and base > hi:
        base = hi
    k = min(base, n)
    r = min(round_frac(k, parse_rate(task["reserve_rate"]), st["rounding"]), n - k)
    return k, r, rate_text if rate_text is not None else ""


def ceil_div(a, b):
    return -(-a // b)


def load_cap(task, total_k, officers):
    team = task["team"]
    if team["load_cap"] is not None:
        return team["load_cap"]
    if not officers:
        return 0
    terms = [ceil_div(total_k * team["size"], len(officers))]
    for d, seats in team["per_department"].items():
        n_d = sum(1 for o in officers if o["department"] == d)
        if n_d:
            terms.append(ceil_div(total_k * seats, n_d))
    for s in team["specialties"]:
        h_s = sum(1 for o in officers if s in specialties_of(o))
        if h_s:
            terms.append(ceil_div(total_k, h_s))
    return max(terms)


def precheck_problems(task, total_k, officers, cap):
    """§5 commit pre-check: the conditions whose failure stops the commit."""
    team, out = task["team"], []
    N = len(officers)
    if N < team["size"]:
        out.append("N = %d < team.size %d" % (N, team["size"]))
    if N * cap < total_k * team["size"]:
        out.append("N x cap = %d < K x size = %d" % (N * cap, total_k * team["size"]))
    for d, seats in team["per_department"].items():
        n_d = sum(1 for o in officers if o["department"] == d)
        if n_d < seats or n_d * cap < total_k * seats:
            out.append("department %s: N_d = %d, seats %d, cap %d" % (d, n_d, seats, cap))
    for s in team["specialties"]:
        h_s = sum(1 for o in officers if s in specialties_of(o))
        if h_s * cap < total_k:
            out.append("specialty %s: H_s x cap = %d < K = %d" % (s, h_s * cap, total_k))
    return out


# ---------------------------------------------------------------------------------------------
# §6 commitment and announcement digest, §7 seed, §8 and §9 tickets


def commitment(secret):
    return sha256(TAG("yaohao:commit:v1"), secret)


def announcement_digest(announcement):
    return sha256(TAG("yaohao:announcement:v2"), canonical_bytes(announcement))


def seed_of(ann_digest, secret, value):
    v = utf8(value)
    return sha256(TAG("yaohao:seed:v2"), ann_digest, secret, u32(len(v)), v)


def ticket(seed, entity_id):
    return sha256(seed, PAD32("yaohao:ticket:v2"), utf8(entity_id))


def officer_ticket(seed, level, officer_id):
    return sha256(seed, PAD32("yaohao:officer:v2"), u32(level), utf8(officer_id))


def pair_ticket(seed, entity_id, officer_id):
    return sha256(seed, PAD32("yaohao:pair:v2"), utf8(entity_id), utf8(officer_id))


# ---------------------------------------------------------------------------------------------
# §9 Teams


class Teams:
    def __init__(self, seed, officers, recused, cap, team_rule):
        self.seed, self.officers, self.recused = seed, officers, recused
        self.cap, self.rule = cap, team_rule
        self.load = {o["id"]: 0 for o in officers}
        self._oticket = {}

    def oticket(self, level, oid):
        k = (level, oid)
        if k not in self._oticket:
            self._oticket[k] = officer_ticket(self.seed, level, oid)
        return self._oticket[k]

    def form(self, e, rank):
        load, rule_ = self.load, self.rule
        specs = rule_["specialties"]
        # 1. candidates, in candidate order: load, officer_ticket(load, o), id
        cands = [o for o in self.officers
                 if load[o["id"]] < self.cap and (e["id"], o["id"]) not in self.recused]
        cands.sort(key=lambda o: (load[o["id"]], self.oticket(load[o["id"]], o["id"]),
                                  by_bytes(o["id"])))
        # 2. seats
        per_dept, size = rule_["per_department"], rule_["size"]
        open_seats = dict(per_dept)
        members = []

        def can_seat(o):
            if per_dept:
                return open_seats.get(o["department"], 0) > 0
            return len(members) < size

        def take(o):
            if per_dept:
                open_seats[o["department"]] -= 1
            members.append(o)

        def is_member(o):
            return any(m["id"] == o["id"] for m in members)

        # 3. specialties, in the listed order, candidates in candidate order
        for s in specs:
            if any(s in specialties_of(m) for m in members):
                continue
            for o in cands:
                if not is_member(o) and s in specialties_of(o) and can_seat(o):
                    take(o)
                    break
            else:
                raise DrawFailed("entity %s (rank %d): no candidate holds %s and can take a "
                                 "seat (§9 step 3)" % (e["id"], rank, s))
        # 4. fill, in filling order: load, non-specialists first, officer ticket, id
        filling = sorted(cands, key=lambda o: (
            load[o["id"]], any(s in specialties_of(o) for s in specs),
            self.oticket(load[o["id"]], o["id"]), by_bytes(o["id"])))
        for o in filling:
            if len(members) == size:
                break
            if not is_member(o) and can_seat(o):
                take(o)
        if len(members) < size:
            raise DrawFailed("entity %s (rank %d): the candidates ran out (§9 step 4)"
                             % (e["id"], rank))
        # 5. members by pair ticket (ties by id); the first leads
        pts = {m["id"]: pair_ticket(self.seed, e["id"], m["id"]) for m in members}
        members.sort(key=lambda m: (pts[m["id"]], by_bytes(m["id"])))
        team = []
        for i, m in enumerate(members):
            load[m["id"]] += 1
            team.append({"id": m["id"], "name": m["name"], "department": m["department"],
                         "role": "leader" if i == 0 else "member",
                         "pair_ticket": pts[m["id"]].hex()})
        return team


# ---------------------------------------------------------------------------------------------
# §10 Rebuilding

ANN_FORMAT, TR_FORMAT = "yaohao-announcement/2", "yaohao-transcript/2"
DOC_FORMAT, PROOF_FORMAT, FEED_FORMAT = "yaohao-draw/2", "yaohao-proof/2", "yaohao-feed/2"


def announcement_from_transcript(tr):
    a = {k: v for k, v in tr.items()
         if k not in ("entropy_value", "secret", "seed", "selected", "reserves")}
    a["strata"] = [{k: v for k, v in s.items() if k != "cutoff"} for s in tr["strata"]]
    a["format"] = ANN_FORMAT
    return a


def transcript_from_document(doc):
    t = {k: v for k, v in doc.items() if k not in ("ledger", "signer", "signature")}
    t["format"] = TR_FORMAT
    return t


def transcript_sha256(tr):
    return hashlib.sha256(canonical_bytes(tr)).hexdigest()


# ---------------------------------------------------------------------------------------------
# §13, §15, §16 signatures and keys


def key_id(public_key):
    return hashlib.sha256(public_key).hexdigest()[:16]


def read_public_key(path):
    """§15: 'yaohao-public-key-v1' LF <64 hex digits> LF."""
    lines = read_bytes(path).decode("ascii").split("\n")
    if len(lines) != 3 or lines[0] != "yaohao-public-key-v1" or lines[2] != "" \
            or len(lines[1]) != 64:
        raise ValueError("%s is not a yaohao-public-key-v1 file" % path)
    return bytes.fromhex(lines[1])


def check_signature(rep, case, what, doc, pubkey):
    """§13 / §16: the signature over the canonical text of the document without `signature`,
    by `signer.public_key`, which must be the given key and carry its key id."""
    signer = doc.get("signer") or {}
    try:
        pk = bytes.fromhex(signer.get("public_key", ""))
    except ValueError:
        pk = b""
    rep.check(case, what + ": signer.key_id is the key's id (§15)", signer.get("key_id"),
              key_id(pk))
    if pubkey is None:
        rep.skip(case, what + ": signer is test-key.pub", "no test-key.pub")
    else:
        rep.check(case, what + ": signer is test-key.pub (§15)", signer.get("public_key"),
                  pubkey.hex())
    unsigned = {k: v for k, v in doc.items() if k != "signature"}
    message = canonical_bytes(unsigned)
    try:
        import nacl.exceptions
        import nacl.signing
    except ImportError:
        rep.skip(case, what + ": Ed25519 signature",
                 "PyNaCl (python3-nacl) is not importable; the signature was NOT checked")
        return
    try:
        sig = bytes.fromhex(doc.get("signature", ""))
        nacl.signing.VerifyKey(pubkey if pubkey is not None else pk).verify(message, sig)
        rep.ok(case, what + ": Ed25519 signature over the canonical text without "
                            "`signature` (§13)")
    except (nacl.exceptions.BadSignatureError, ValueError, TypeError) as err:
        rep.fail(case, what + ": Ed25519 signature (§13)", "%s: %s" % (type(err).__name__, err))


# ---------------------------------------------------------------------------------------------
# §13 The rules a draw document states about itself (checked without the registers)


def check_document_rules(rep, case, doc):
    """§13 first group: what `yaohao verify` checks with the document alone: task digest,
    commitment, seed from the rebuilt announcement, every ticket and pair ticket, ranks in
    ticket order, k selected below the cutoff and r reserves numbered 1..r at or above it,
    teams of team.size with distinct members in pair-ticket order led by the first, no officer
    above the load cap, and the strata sizes from their populations and the task's rules."""
    tr = transcript_from_document(doc)
    ann = announcement_from_transcript(tr)
    task = ann["task"]
    p = []
    if normalise_task(task) != task:
        p.append("task is not normalised")
    if task_digest(task).hex() != ann["task_digest"] or ann["task_id"] != task["id"]:
        p.append("task_digest or task_id does not match the task")
    secret = bytes.fromhex(tr["secret"])
    if commitment(secret).hex() != ann["commitment"]:
        p.append("the secret does not open the commitment")
    seed = seed_of(announcement_digest(ann), secret, tr["entropy_value"])
    if seed.hex() != tr["seed"]:
        p.append("seed is not the one from the rebuilt announcement")
    seed = bytes.fromhex(tr["seed"])
    sel, res = tr["selected"], tr["reserves"]
    if [s["rank"] for s in sel] != list(range(1, len(sel) + 1)):
        p.append("ranks are not 1..n")
    order = [(bytes.fromhex(s["ticket"]), by_bytes(s["id"])) for s in sel]
    if order != sorted(order) or len(set(order)) != len(order):
        p.append("selected not in ticket order")
    for s in sel + res:
        if ticket(seed, s["id"]).hex() != s["ticket"]:
            p.append("%s: ticket does not recompute" % s["id"])
    strata = {s["key"]: s for s in tr["strata"]}
    for key, s in strata.items():
        mine = [x for x in sel if x["stratum"] == key]
        rs = [x for x in res if x["stratum"] == key]
        if len(mine) != s["selected"]:
            p.append("stratum %s: %d selected, announced %d" % (key, len(mine), s["selected"]))
        if [x["order"] for x in rs] != list(range(1, len(rs) + 1)) or len(rs) != s["reserves"]:
            p.append("stratum %s: reserves not numbered 1..r or not r of them" % key)
        co = s["cutoff"]
        if co is None:
            if s["selected"] != s["population"] or rs:
                p.append("stratum %s: cutoff null but k < n or reserves present" % key)
        else:
            if any(x["ticket"] >= co for x in mine):
                p.append("stratum %s: a selected ticket is not below the cutoff" % key)
            if any(x["ticket"] < co for x in rs):
                p.append("stratum %s: a reserve ticket is below the cutoff" % key)
            if rs and rs[0]["ticket"] != co:
                p.append("stratum %s: reserve 1 is not the (k+1)-th entity" % key)
        rt = [(bytes.fromhex(x["ticket"]), by_bytes(x["id"])) for x in rs]
        if rt != sorted(rt):
            p.append("stratum %s: reserves not in ticket order" % key)
        try:
            k, r, rate_text = stratum_sizes(key, s["population"], task)
            if (k, r, rate_text) != (s["selected"], s["reserves"], s["rate"]):
                p.append("stratum %s: sizes %r, recomputed %r" % (
                    key, (s["selected"], s["reserves"], s["rate"]), (k, r, rate_text)))
        except (DrawFailed, ValueError) as err:
            p.append("stratum %s: %s" % (key, err))
    if [s["key"] for s in tr["strata"]] != sorted(strata, key=by_bytes):
        p.append("strata not sorted by key")
    if any(x["stratum"] not in strata for x in sel + res):
        p.append("an entity names an unknown stratum")
    loads = {}
    size = task["team"]["size"]
    for s in sel:
        team = s["team"]
        ids = [m["id"] for m in team]
        if len(team) != size or len(set(ids)) != len(ids):
            p.append("rank %d: team of %d (distinct %d), size %d" % (
                s["rank"], len(team), len(set(ids)), size))
        pts = [(bytes.fromhex(m["pair_ticket"]), by_bytes(m["id"])) for m in team]
        if pts != sorted(pts):
            p.append("rank %d: team not in pair-ticket order" % s["rank"])
        if [m["role"] for m in team] != ["leader"] + ["member"] * (len(team) - 1):
            p.append("rank %d: roles are not leader then members" % s["rank"])
        for m in team:
            if pair_ticket(seed, s["id"], m["id"]).hex() != m["pair_ticket"]:
                p.append("rank %d: pair ticket of %s does not recompute" % (s["rank"], m["id"]))
            loads[m["id"]] = loads.get(m["id"], 0) + 1
    over = sorted(o for o, n in loads.items() if n > ann["load_cap"])
    if over:
        p.append("officers above the load cap %d: %s" % (ann["load_cap"], ", ".join(over)))
    rep.problems(case, "draw.json states rules that hold on the document alone (§13)", p)
    src = ann.get("entropy_source") or ""
    if src == "" or src.startswith(("none", "demo", "test")):
        rep.info(case, "entropy source %r: no external entropy (§13)" % src)


# ---------------------------------------------------------------------------------------------
# §14 Entity proofs


def make_proof(doc, entity_rows, task, excluded, tickets, key_of, pos_rank, pos_reserve,
               entity_id):
    """Builds a yaohao-proof/2 object for entity_id from the registers (§14)."""
    hashes = register_leaves("entities", entity_rows)
    ids = [e["id"] for e in entity_rows]

    def leaf(i):
        return {"leaf_index": i, "row": dict(entity_rows[i]),
                "path": [h.hex() for h in audit_path(hashes, i)]}
    p = {"format": PROOF_FORMAT, "task_id": doc["task_id"], "entity_id": entity_id,
         "entities_root": doc["entities"]["root"], "tree_size": len(entity_rows),
         "seed": doc["seed"]}
    if entity_id in ids:
        i = ids.index(entity_id)
        p["included"] = True
        p.update(leaf(i))
        why = entity_reason(entity_rows[i], task, set(excluded))
        p["eligible"] = why is None
        if why is not None:
            p["reason"] = why
        else:
            key = key_of[entity_id]
            st = next(s for s in doc["strata"] if s["key"] == key)
            p.update({"stratum": key, "ticket": tickets[entity_id].hex(), "cutoff": st["cutoff"],
                      "selected": entity_id in pos_rank, "rank": pos_rank.get(entity_id),
                      "reserve_order": pos_reserve.get(entity_id)})
            if entity_id in pos_rank:
                p["team"] = next(s["team"] for s in doc["selected"] if s["id"] == entity_id)
    else:
        p["included"] = False
        after = next((i for i, x in enumerate(ids) if by_bytes(x) > by_bytes(entity_id)),
                     len(ids))
        p["before"] = leaf(after - 1) if after > 0 else None
        p["after"] = leaf(after) if after < len(ids) else None
        p["note"] = "not in the register as of the freeze"
    return p


def same_json(a, b):
    """The same JSON value: equal, with the same types (true is not 1, 3.0 is not 3)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def verify_proof(proof, doc):
    """§14 verify-proof against a (verified) document; returns a list of problems (empty when
    the proof holds). The steps and their order are §14's; a step that fails ends the checks,
    as in `yaohao verify-proof`."""
    if not isinstance(proof, dict) or proof.get("format") != PROOF_FORMAT \
            or not isinstance(proof.get("entity_id"), str):
        return ["proof: not a %s proof" % PROOF_FORMAT]
    # 1. the same draw
    if not (same_json(proof.get("task_id"), doc["task_id"])
            and same_json(proof.get("entities_root"), doc["entities"]["root"])
            and same_json(proof.get("tree_size"), doc["entities"]["count"])
            and same_json(proof.get("seed"), doc["seed"])):
        return ["proof: task, root, size or seed differ from the document"]
    root, size = bytes.fromhex(doc["entities"]["root"]), doc["entities"]["count"]
    eid = proof["entity_id"]
    in_sel = next((s for s in doc["selected"] if s["id"] == eid), None)
    in_res = next((r for r in doc["reserves"] if r["id"] == eid), None)

    def leads(x):
        """x = {leaf_index, row, path} leads to the document's root (§2, RFC 9162)."""
        if not isinstance(x, dict):
            return False
        row, path, index = x.get("row"), x.get("path"), x.get("leaf_index")
        if not isinstance(row, dict) or sorted(row) != sorted(COLUMNS["entities"]) \
                or not all(isinstance(row[c], str) for c in row) \
                or type(index) is not int or index < 0 or not isinstance(path, list) \
                or not all(isinstance(h, str) and len(h) == 64 and h == h.lower()
                           and all(c in "0123456789abcdef" for c in h) for h in path):
            return False
        lh = leaf_hash(leaf_data([row[c] for c in COLUMNS["entities"]]))
        return verify_inclusion(lh, index, size, [bytes.fromhex(h) for h in path], root)

    included = proof.get("included")
    if included is True:
        # 2.1 inclusion
        if not leads(proof):
            return ["inclusion: the row's path does not lead to the root"]
        if proof["row"]["id"] != eid:
            return ["inclusion: the row is not the entity's"]
        # 2.2 eligibility
        task = doc["task"]
        why = entity_reason(proof["row"], task, set(doc["entities"]["excluded"]))
        if proof.get("eligible") is not (why is None) or \
                (why is not None and proof.get("reason") != why):
            return ["eligibility: eligible/reason %r/%r, recomputed %r"
                    % (proof.get("eligible"), proof.get("reason"), why)]
        if why is not None:
            return ["eligibility: not eligible (%s), yet the document draws it" % why] \
                if in_sel or in_res else []
        # 2.3 ticket
        key = stratum_key(proof["row"], task["strata"]["by"])
        st = next((s for s in doc["strata"] if s["key"] == key), None)
        if st is None or proof.get("stratum") != key:
            return ["ticket: stratum %r, recomputed %r" % (proof.get("stratum"), key)]
        if "cutoff" not in proof or not same_json(proof["cutoff"], st["cutoff"]):
            return ["ticket: cutoff is not the document's"]
        t = ticket(bytes.fromhex(doc["seed"]), eid).hex()
        if not same_json(proof.get("ticket"), t):
            return ["ticket: does not recompute"]
        # 2.4 selection: the document's list agrees
        below = st["cutoff"] is None or t < st["cutoff"]
        if proof.get("selected") is not below or (in_sel is not None) != below:
            return ["selection: the ticket says %s, the proof %r, the document's list %s"
                    % (below, proof.get("selected"), in_sel is not None)]
        p = []
        if in_sel is not None:
            if "rank" not in proof or not same_json(proof["rank"], in_sel["rank"]):
                p.append("selection: rank %r, the document's %r"
                         % (proof.get("rank"), in_sel["rank"]))
            if "team" not in proof or not same_json(proof["team"], in_sel["team"]):
                p.append("selection: the team is not the document's")
        else:
            if "rank" not in proof or proof["rank"] is not None:
                p.append("selection: rank %r, not null" % proof.get("rank", "(missing)"))
            if "team" in proof:
                p.append("selection: a team for an entity not selected")
        want = in_res["order"] if in_res is not None else None
        if "reserve_order" not in proof or not same_json(proof["reserve_order"], want):
            p.append("selection: reserve_order %r, the document's %r"
                     % (proof.get("reserve_order", "(missing)"), want))
        return p
    if included is not False:
        return ["proof: included is not a boolean"]
    # 3. absence
    b, a = proof.get("before"), proof.get("after")
    if (b is not None and not leads(b)) or (a is not None and not leads(a)):
        return ["absence: a neighbour's path does not lead to the root"]
    if (b is None and a is None and size != 0) \
            or (b is None and a is not None and a["leaf_index"] != 0) \
            or (a is None and b is not None and b["leaf_index"] != size - 1) \
            or (a is not None and b is not None and a["leaf_index"] != b["leaf_index"] + 1) \
            or (b is not None and not by_bytes(b["row"]["id"]) < by_bytes(eid)) \
            or (a is not None and not by_bytes(eid) < by_bytes(a["row"]["id"])):
        return ["absence: the neighbours are not adjacent leaves around the id"]
    if in_sel is not None or in_res is not None:
        return ["absence: the document lists the id as %s"
                % ("selected" if in_sel is not None else "a reserve")]
    return []


# ---------------------------------------------------------------------------------------------
# §18 After the draw: results, reassignments, substitutions and the results document

RESULTS_FORMAT = "yaohao-results/1"
RESULT_CODES = [("1", "未发现问题", "no_problem"), ("A", "发现问题待后续处理", "problem_pending"),
                ("B", "未按规定公示应当公示的信息", "not_disclosed"),
                ("C", "公示信息隐瞒真实情况弄虚作假", "false_disclosure"),
                ("E", "发现问题经责令已改正", "corrected"),
                ("F", "未发现开展本次抽查涉及的经营活动", "no_activity"),
                ("6", "通过登记的住所(经营场所)无法联系", "unreachable"),
                ("7", "已关闭停业或正在组织清算", "closed"), ("8", "不配合检查情节严重", "obstruction"),
                ("9", "注销", "deregistered"), ("10", "被吊销", "revoked"), ("11", "被撤销", "cancelled"),
                ("12", "迁出", "moved_out")]
RESULT_NAME = {c: n for c, n, _ in RESULT_CODES}
METHODS = ["实地检查", "书面检查", "网络监测", "检验检测", "专业机构协助", "其他部门结果"]
FOLLOW_UPS = ["无需后续处置", "停止检查", "责令改正", "发现案件线索", "抄告相关部门", "其他"]
GONE = ("deregistered", "revoked", "cancelled", "moved_out")
RESULTS_CSV_HEADER = ["统一社会信用代码", "企业名称", "抽查任务编号", "抽查类型", "抽查机关", "检查日期",
                      "检查结果", "后续处置", "公示日期"]
BIDI = {0x061C, 0x200E, 0x200F} | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
INVISIBLE = set(range(0x200B, 0x200E)) | set(range(0x2060, 0x2065)) | {0xFEFF}


def ledger_hash(seq, prev_hash, kind, payload_bytes):
    """§11: the hash of a ledger entry."""
    k = utf8(kind)
    return sha256(TAG("yaohao:ledger-entry:v1"), u64(seq), prev_hash, u32(len(k)), k,
                  u32(len(payload_bytes)), payload_bytes)


def clean_text_problem(what, v, lo, hi):
    """"Clean" text (§18 points to §3; the rule is docs/formats.md, "Text"): valid UTF-8 (a
    JSON string is), no control characters, no bidirectional controls, no invisible format
    characters; lo..hi bytes."""
    if not isinstance(v, str):
        return "%s is not a text" % what
    n = len(utf8(v))
    if not lo <= n <= hi:
        return "%s: %d bytes, not %d..%d" % (what, n, lo, hi)
    for ch in v:
        c = ord(ch)
        if c < 0x20 or 0x7F <= c <= 0x9F or c in BIDI or c in INVISIBLE or 0xD800 <= c <= 0xDFFF:
            return "%s: character U+%04X is not allowed in text" % (what, c)
    return None


def cst_date(stamp):
    """The date of a ledger stamp (UTC, YYYY-MM-DDTHH:MM:SSZ) in China Standard Time, UTC+8."""
    t = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(hours=8)
    return t.strftime("%Y-%m-%d")


def is_date(text):
    try:
        return isinstance(text, str) and len(text) == 10 and \
            datetime.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


class RuleBroken(Exception):
    pass


class AfterDraw:
    """The task's state after its draw (§18), replayed entry by entry, each against the rules.
    With `officers` (the eligible officers as of the freeze, §4), the recusal pairs (conflicts
    as of the freeze and the announcement's recent pairs) and the load cap, every replacement
    and every substitute's team is recomputed (§18.2, §18.3); without them it is not."""

    def __init__(self, draw_doc, officers=None, recused=None):
        self.doc = draw_doc
        self.task = draw_doc["task"]
        self.seed = bytes.fromhex(draw_doc["seed"])
        self.cap = draw_doc["load_cap"]
        self.officers = officers
        self.by_id = {o["id"]: o for o in officers} if officers is not None else None
        self.recused = recused or set()
        self.last_hash = draw_doc["ledger"]["draw_entry_hash"]
        self.insp = []
        for s in draw_doc["selected"]:
            self.insp.append({"id": s["id"], "name": s["name"], "stratum": s["stratum"],
                              "rank": s["rank"],
                              "team": [{"id": m["id"], "name": m["name"],
                                        "department": m["department"]} for m in s["team"]],
                              "removed": [], "result": None, "result_seq": None, "nresults": 0})
        self.unavailable = []
        self.counts = dict(corrections=0, reassignments=0, substitutions=0, disclosures=0)
        self.picks = []          # (seq, kind, what was recomputed)
        self._oticket = {}

    # -- the state --
    def find(self, eid):
        return next((x for x in reversed(self.insp) if x["id"] == eid), None)

    def in_force(self, eid, kind):
        x = self.find(eid)
        if x is None:
            if any(r["id"] == eid for r in self.doc["reserves"]):
                raise RuleBroken("%s: entity %s is a reserve not substituted in" % (kind, eid))
            raise RuleBroken("%s: entity %s was not selected" % (kind, eid))
        if "substituted_by" in x:
            raise RuleBroken("%s: entity %s was substituted out" % (kind, eid))
        return x

    def loads(self, skip=None):
        load = {}
        for x in self.insp:
            if "substituted_by" in x or x is skip:
                continue
            for m in x["team"]:
                load[m["id"]] = load.get(m["id"], 0) + 1
        return load

    def oticket(self, level, oid):
        k = (level, oid)
        if k not in self._oticket:
            self._oticket[k] = officer_ticket(self.seed, level, oid)
        return self._oticket[k]

    def ordered(self, eid, ids):
        return sorted(ids, key=lambda o: (pair_ticket(self.seed, eid, o), by_bytes(o)))

    # -- §18.2: the replacement, recomputed --
    def replacement(self, x, leaving):
        rule_ = self.task["team"]
        specs, per_dept = rule_["specialties"], rule_["per_department"]
        load = self.loads()
        team_ids = [m["id"] for m in x["team"]]
        keep = [self.by_id[i] for i in team_ids if i != leaving]
        if any(k is None for k in keep):
            raise RuleBroken("reassign: a member of the team of %s is not an eligible officer "
                             "of the frozen register" % x["id"])
        out = self.by_id.get(leaving)
        if out is None:
            raise RuleBroken("reassign: officer %s is not an eligible officer of the frozen "
                             "register" % leaving)
        cands = [o for o in self.officers
                 if load.get(o["id"], 0) < self.cap and (x["id"], o["id"]) not in self.recused
                 and o["id"] not in self.unavailable and o["id"] not in team_ids
                 and o["id"] != leaving and o["id"] not in x["removed"]]

        def can_seat(o):        # the one open seat: the leaving officer's
            return not per_dept or o["department"] == out["department"]

        def lv(o):
            return load.get(o["id"], 0)
        cands.sort(key=lambda o: (lv(o), self.oticket(lv(o), o["id"]), by_bytes(o["id"])))
        # Step 3, as §9 gives it with one open seat: for each required specialty no member
        # holds, in the listed order, the first holder in candidate order who can take the
        # seat; none (or the seat taken by an earlier specialty's holder who lacks this one)
        # refuses the reassignment, as §9 fails the draw.  (§18.2's "if neither finds an
        # officer" could also be read as falling through to step 4: see the report.)
        pick = None
        for s in specs:
            if any(s in specialties_of(k) for k in keep) or (pick and s in specialties_of(pick)):
                continue
            if pick is not None:
                raise RuleBroken("reassign: two specialties are missing for one seat")
            pick = next((o for o in cands if s in specialties_of(o) and can_seat(o)), None)
            if pick is None:
                raise RuleBroken("reassign: no officer holding %s can replace %s on %s"
                                 % (s, leaving, x["id"]))
        if pick is None:                                  # step 4
            filling = sorted(cands, key=lambda o: (
                lv(o), any(s in specialties_of(o) for s in specs), self.oticket(lv(o), o["id"]),
                by_bytes(o["id"])))
            pick = next((o for o in filling if can_seat(o)), None)
        if pick is None:
            raise RuleBroken("reassign: no officer can replace %s on %s" % (leaving, x["id"]))
        return pick

    # -- §18.3: the substitute's team, recomputed --
    def substitute_team(self, x, sub_id):
        load = self.loads(skip=x)
        offs = [o for o in self.officers if o["id"] not in self.unavailable]
        teams = Teams(self.seed, offs, self.recused, self.cap, self.task["team"])
        teams.load = {o["id"]: load.get(o["id"], 0) for o in offs}
        teams._oticket = self._oticket
        try:
            return teams.form({"id": sub_id}, 0)
        except DrawFailed as err:
            raise RuleBroken("substitute: %s" % err)

    # -- the entries --
    def apply(self, seq, kind, p):
        if not isinstance(p, dict):
            raise RuleBroken("the payload is not an object")
        if p.get("task_id") != self.task["id"]:
            raise RuleBroken("task_id is not %s" % self.task["id"])
        if p.get("prev") != self.last_hash:
            raise RuleBroken("prev is not the hash of the task's previous entry (%s): an entry "
                             "is missing or out of order" % self.last_hash[:16])
        t = p.get("time")
        if not (isinstance(t, str) and len(t) == 20 and is_date(t[:10]) and t[10] == "T"
                and t.endswith("Z")):
            raise RuleBroken("time %r is not YYYY-MM-DDTHH:MM:SSZ" % (t,))
        getattr(self, "apply_" + kind, self.apply_unknown)(seq, p)

    def apply_unknown(self, seq, p):
        raise RuleBroken("not an entry kind of a drawn task")

    def members(self, p, required, optional=()):
        base = {"task_id", "prev", "time"} | set(required)
        extra = set(p) - base - set(optional)
        lacking = base - set(p)
        if extra or lacking:
            raise RuleBroken("payload members: missing %s, unexpected %s" % (
                sorted(lacking) or "none", sorted(extra) or "none"))

    def apply_result(self, seq, p):
        correction = "replaces" in p or "reason" in p
        self.members(p, ["entity_id", "result", "date", "officers", "items", "method",
                         "follow_up"] + (["replaces", "reason"] if correction else []), ["note"])
        x = self.in_force(p["entity_id"], "result")
        if p["result"] not in RESULT_NAME:
            raise RuleBroken("result: %r is not a result code" % (p["result"],))
        if p["method"] not in METHODS:
            raise RuleBroken("result: method %r is not one of the methods" % (p["method"],))
        if p["follow_up"] not in FOLLOW_UPS:
            raise RuleBroken("result: follow_up %r is not one of the follow-ups" % (p["follow_up"],))
        d = p["date"]
        if not is_date(d):
            raise RuleBroken("result: date %r is not YYYY-MM-DD" % (d,))
        if d < self.task["draw_date"]:
            raise RuleBroken("result: date %s is before the draw (%s)" % (d, self.task["draw_date"]))
        day = cst_date(p["time"])
        if d > day:
            raise RuleBroken("result: date %s is after the entry's day %s (China Standard Time)"
                             % (d, day))
        offs = p["officers"]
        if not isinstance(offs, list) or len(offs) < 2 or len(set(map(str, offs))) != len(offs):
            raise RuleBroken("result: officers must be at least two distinct officers")
        team = [m["id"] for m in x["team"]]
        for o in offs:
            if o not in team:
                raise RuleBroken("result: officer %s is not on the team of %s as it stands"
                                 % (o, x["id"]))
        items = p["items"]
        if not isinstance(items, list) or not items or any(i not in self.task["items"]
                                                           for i in items):
            raise RuleBroken("result: items must be a non-empty list of the task's items")
        if "note" in p:
            why = clean_text_problem("result: note", p["note"], 1, 4096)
            if why:
                raise RuleBroken(why)
        if correction:
            if x["result"] is None:
                raise RuleBroken("result: a correction of %s, which has no result" % x["id"])
            if p["replaces"] != x["result_seq"]:
                raise RuleBroken("result: replaces %r, the result in force is entry %d"
                                 % (p["replaces"], x["result_seq"]))
            why = clean_text_problem("result: reason", p["reason"], 1, 1024)
            if why:
                raise RuleBroken(why)
            self.counts["corrections"] += 1
        elif x["result"] is not None:
            raise RuleBroken("result: %s has a result (entry %d): a second one must be a "
                             "correction naming it" % (x["id"], x["result_seq"]))
        x["result"], x["result_seq"] = p, seq
        x["nresults"] += 1

    def apply_reassign(self, seq, p):
        self.members(p, ["entity_id", "officer", "replacement", "cause", "reason", "team"],
                     ["conflict"])
        if "conflict" in p:
            c = p["conflict"]
            if (p["cause"] != "recusal" or not isinstance(c, dict) or set(c) != {"reason", "since"}
                    or not isinstance(c["reason"], str) or not isinstance(c["since"], int)):
                raise RuleBroken("reassign: conflict must be {reason, since} of a recusal")
        x = self.in_force(p["entity_id"], "reassign")
        if x["result"] is not None:
            raise RuleBroken("reassign: %s has a result" % x["id"])
        out = p["officer"]
        if out not in [m["id"] for m in x["team"]]:
            raise RuleBroken("reassign: officer %s is not on the team of %s" % (out, x["id"]))
        if p["cause"] not in ("recusal", "unavailable"):
            raise RuleBroken("reassign: cause %r" % (p["cause"],))
        why = clean_text_problem("reassign: reason", p["reason"], 1, 1024)
        if why:
            raise RuleBroken(why)
        repl = p["replacement"]
        if not isinstance(repl, dict) or set(repl) != {"id", "name", "department"}:
            raise RuleBroken("reassign: replacement is not {id, name, department}")
        rid = repl["id"]
        if rid in [m["id"] for m in x["team"]] or rid == out or rid in x["removed"] \
                or rid in self.unavailable:
            raise RuleBroken("reassign: %s may not replace %s on %s" % (rid, out, x["id"]))
        if self.officers is not None:
            pick = self.replacement(x, out)
            want = {"id": pick["id"], "name": pick["name"], "department": pick["department"]}
            if repl != want:
                raise RuleBroken("reassign: the replacement of %s on %s is %s by the rule, not %s"
                                 % (out, x["id"], pick["id"], rid))
            note = ""
            if self.unavailable:        # what the unavailable rule changed, for the report
                held, self.unavailable = self.unavailable, []
                try:
                    alt = self.replacement(x, out)["id"]
                finally:
                    self.unavailable = held
                if alt != pick["id"]:
                    note = " (without the officers unavailable, %s: it would be %s)" % (
                        ", ".join(held), alt)
            self.picks.append((seq, "reassign", "%s replaces %s on %s%s" % (
                pick["id"], out, x["id"], note)))
        members = [m for m in x["team"] if m["id"] != out] + [dict(repl)]
        order = self.ordered(x["id"], [m["id"] for m in members])
        if p["team"] != order:
            raise RuleBroken("reassign: team %s, by pair ticket %s" % (p["team"], order))
        x["team"] = [next(m for m in members if m["id"] == i) for i in order]
        x["removed"].append(out)
        if p["cause"] == "unavailable" and out not in self.unavailable:
            self.unavailable.append(out)
        self.counts["reassignments"] += 1

    def apply_substitute(self, seq, p):
        self.members(p, ["entity_id", "register", "substitute", "stratum", "reserve_order",
                         "team", "reason"])
        x = self.in_force(p["entity_id"], "substitute")
        if x["result"] is not None:
            raise RuleBroken("substitute: %s has a result" % x["id"])
        why = clean_text_problem("substitute: reason", p["reason"], 1, 1024)
        if why:
            raise RuleBroken(why)
        reg = p["register"]
        if not (isinstance(reg, dict) and set(reg) == {"status", "as_of"}
                and isinstance(reg["as_of"], int) and self.doc["ledger"]["draw_seq"] <= reg["as_of"] < seq):
            raise RuleBroken("substitute: register is not {status, as_of} read after the draw")
        if reg["status"] not in GONE + ("absent",):
            raise RuleBroken("substitute: status %r: only an entity gone from the register is "
                             "substituted" % (reg["status"],))
        used = {i["id"] for i in self.insp}
        nxt = next((r for r in self.doc["reserves"]
                    if r["stratum"] == x["stratum"] and r["id"] not in used), None)
        if nxt is None:
            raise RuleBroken("substitute: stratum %s has no unused reserve" % x["stratum"])
        if (p["substitute"], p["stratum"], p["reserve_order"]) != (
                {"id": nxt["id"], "name": nxt["name"]}, nxt["stratum"], nxt["order"]):
            raise RuleBroken("substitute: the substitute of %s is reserve %d of stratum %s, %s"
                             % (x["id"], nxt["order"], nxt["stratum"], nxt["id"]))
        team = p["team"]
        size = self.task["team"]["size"]
        if not isinstance(team, list) or len(team) != size or any(
                not isinstance(m, dict) or set(m) != {"id", "name", "department"} for m in team):
            raise RuleBroken("substitute: team is not %d x {id, name, department}" % size)
        if len({m["id"] for m in team}) != size or any(m["id"] in self.unavailable for m in team):
            raise RuleBroken("substitute: team members not distinct, or one unavailable")
        if self.officers is not None:
            want = [{k: m[k] for k in ("id", "name", "department")}
                    for m in self.substitute_team(x, nxt["id"])]
            if team != want:
                raise RuleBroken("substitute: the team of %s is %s by the rule, not %s" % (
                    nxt["id"], [m["id"] for m in want], [m["id"] for m in team]))
            self.picks.append((seq, "substitute", "%s (reserve %d) for %s, team %s" % (
                nxt["id"], nxt["order"], x["id"], ", ".join(m["id"] for m in want))))
        elif [m["id"] for m in team] != self.ordered(nxt["id"], [m["id"] for m in team]):
            raise RuleBroken("substitute: team not in pair-ticket order")
        x["substituted_by"] = nxt["id"]
        self.insp.append({"id": nxt["id"], "name": nxt["name"], "stratum": nxt["stratum"],
                          "rank": None, "team": [dict(m) for m in team], "removed": [],
                          "result": None, "result_seq": None, "nresults": 0,
                          "substitutes_for": x["id"], "reserve_order": nxt["order"]})
        self.counts["substitutions"] += 1

    def apply_disclose(self, seq, p):
        self.members(p, ["edition", "document_sha256", "results", "pending"])
        if p["edition"] != self.counts["disclosures"] + 1:
            raise RuleBroken("disclose: edition %r, expected %d" % (p["edition"],
                                                                    self.counts["disclosures"] + 1))
        self.counts["disclosures"] += 1

    # -- §18.4: the listing --
    def listing(self):
        out = []
        for x in self.insp:
            o = {"id": x["id"], "name": x["name"], "stratum": x["stratum"], "rank": x["rank"],
                 "team": [dict(m, role="leader" if i == 0 else "member")
                          for i, m in enumerate(x["team"])],
                 "result": None}
            p = x["result"]
            if p is not None:
                o["result"] = {"code": p["result"], "name": RESULT_NAME[p["result"]],
                               "date": p["date"], "officers": p["officers"], "items": p["items"],
                               "method": p["method"], "follow_up": p["follow_up"],
                               "entry": x["result_seq"], "corrections": x["nresults"] - 1}
                if "note" in p:
                    o["result"]["note"] = p["note"]
            if "substitutes_for" in x:
                o["substitutes_for"] = x["substitutes_for"]
                o["reserve_order"] = x["reserve_order"]
            if "substituted_by" in x:
                o["substituted_by"] = x["substituted_by"]
            out.append(o)
        return out

    def summary(self):
        live = [x for x in self.insp if "substituted_by" not in x]
        dates = sorted(x["result"]["date"] for x in live if x["result"] is not None)
        s = {"inspections": len(live), "results": len(dates), "pending": len(live) - len(dates),
             "corrections": self.counts["corrections"],
             "reassignments": self.counts["reassignments"],
             "substitutions": self.counts["substitutions"],
             "disclosures": self.counts["disclosures"]}
        if dates:
            s["first_result_date"], s["last_result_date"] = dates[0], dates[-1]
        return s


def results_csv(res, task, listing):
    """§18.4: the disclosure CSV rebuilt from the document (quoted as §1)."""
    targeted = any(task["population"][k] for k in ("regions", "industries", "types", "risk")) \
        or task["population"]["abnormal"] is not None
    rows = [RESULTS_CSV_HEADER]
    for x in listing:
        r = x["result"]
        if "substituted_by" in x or r is None:
            continue
        rows.append([x["id"], x["name"], task["id"], "定向抽查" if targeted else "不定向抽查",
                     "、".join(task["departments"]), r["date"], r["name"], r["follow_up"],
                     res["disclosed"]])
    return utf8("".join(",".join(csv_field(v) for v in row) + "\n" for row in rows))


def check_results(rep, case, d, doc, offs, recused, pubkey, label="results.json"):
    """§18.4: what `yaohao verify RESULTS --draw DRAW` checks, and with the registers as of
    the freeze every replacement and substitute's team recomputed (§18.2, §18.3)."""
    path = os.path.join(d, label)
    res = read_json(path)
    task = doc["task"]
    rep.check(case, "%s format (§18.4)" % label, res.get("format"), RESULTS_FORMAT)
    rep.truth(case, "%s members (§18.4)" % label, set(res) == {
        "format", "department", "task_id", "title", "edition", "disclosed", "draw", "entries",
        "inspections", "summary", "signer", "signature"}, "members %s" % sorted(res))
    rep.check(case, "%s names the draw's task, department, title (§18.4)" % label,
              [res.get("task_id"), res.get("department"), res.get("title")],
              [doc["task_id"], doc["department"], task["title"]])
    rep.truth(case, "%s disclosed is a date (§18.4)" % label, is_date(res.get("disclosed")))
    rep.check(case, "%s signer is the draw's signer (§18.4)" % label, res.get("signer"),
              doc["signer"])
    check_signature(rep, case, label, res, pubkey)
    rep.check(case, "%s draw = the draw document's seq, entry hash, transcript SHA-256 (§18.4)"
              % label, res.get("draw"),
              {"draw_seq": doc["ledger"]["draw_seq"],
               "draw_entry_hash": doc["ledger"]["draw_entry_hash"],
               "transcript_sha256": transcript_sha256(transcript_from_document(doc))})
    # every entry: §11 hash from its fields, signature by the department's key, seq rising
    pk = bytes.fromhex(doc["signer"]["public_key"])
    try:
        import nacl.exceptions
        import nacl.signing
        vk = nacl.signing.VerifyKey(pk)
    except ImportError:
        vk = None
    entries = res.get("entries") or []
    bad, after, prev_entry = [], doc["ledger"]["draw_seq"], None
    for i, e in enumerate(entries):
        try:
            if set(e) != {"seq", "kind", "payload", "prev_hash", "hash", "signature"}:
                raise ValueError("members %s" % sorted(e))
            if not isinstance(e["seq"], int) or e["seq"] <= after:
                raise ValueError("seq %r does not rise above %d" % (e["seq"], after))
            h = ledger_hash(e["seq"], bytes.fromhex(e["prev_hash"]), e["kind"],
                            canonical_bytes(e["payload"]))
            if h.hex() != e["hash"]:
                raise ValueError("hash is not the §11 hash of its fields")
            if vk is not None:
                vk.verify(TAG("yaohao:ledger-signature:v1") + h, bytes.fromhex(e["signature"]))
            if prev_entry is not None and e["seq"] == prev_entry["seq"] + 1 \
                    and e["prev_hash"] != prev_entry["hash"]:
                raise ValueError("prev_hash is not the hash of entry %d, given just before"
                                 % prev_entry["seq"])
            if e["seq"] == doc["ledger"]["draw_seq"] + 1 \
                    and e["prev_hash"] != doc["ledger"]["draw_entry_hash"]:
                raise ValueError("prev_hash is not the draw entry's hash")
        except Exception as err:                          # noqa: BLE001 (reported)
            bad.append("entries[%d] (seq %s): %s" % (i, e.get("seq") if isinstance(e, dict)
                                                    else "?", err))
            break
        after, prev_entry = e["seq"], e
    what = "%s: %d entries, each hash (§11) and Ed25519 signature by the draw's key, seq " \
           "rising above the draw's" % (label, len(entries))
    if vk is None:
        rep.skip(case, what, "PyNaCl is not importable: the entry signatures were NOT checked")
    rep.problems(case, what if vk is not None else what + " (hashes only)", bad)
    if bad:
        return
    # the replay: the prev chain and every rule, with the replacements recomputed
    state = AfterDraw(doc, offs, recused)
    broken = []
    for i, e in enumerate(entries):
        try:
            state.apply(e["seq"], e["kind"], e["payload"])
        except (RuleBroken, KeyError, TypeError) as err:
            broken.append("entries[%d] (ledger entry %d, %s): %s" % (
                i, e["seq"], e["kind"], err if isinstance(err, RuleBroken)
                else "%s %s" % (type(err).__name__, err)))
            break
        state.last_hash = e["hash"]
    kinds = {}
    for e in entries:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    rep.problems(case, "%s: the chain of `prev` from the draw and every rule of §18.1-18.3 "
                 "(%s)" % (label, ", ".join("%d %s" % (n, k) for k, n in sorted(kinds.items()))),
                 broken)
    if broken:
        return
    for seq, kind, what in state.picks:
        rep.ok(case, "%s entry %d: %s recomputed from the frozen registers (§%s): %s" % (
            label, seq, kind, "18.2" if kind == "reassign" else "18.3", what))
    rep.check(case, "%s inspections = the replay's (%d) (§18.4)" % (label, len(state.insp)),
              res.get("inspections"), state.listing(), "inspections")
    rep.check(case, "%s summary = the replay's (§18.4)" % label, res.get("summary"),
              state.summary(), "summary")
    rep.check(case, "%s edition = 1 + disclosures before it (§18.4)" % label,
              res.get("edition"), state.counts["disclosures"] + 1)
    csv_path = os.path.join(d, os.path.splitext(label)[0] + ".csv")
    if os.path.isfile(csv_path):
        rep.truth(case, "%s = the document's results in force, as §18.4 lists them"
                  % os.path.basename(csv_path),
                  read_bytes(csv_path) == results_csv(res, task, state.listing()),
                  "differs from the CSV rebuilt from the document")
    return state


# ---------------------------------------------------------------------------------------------
# One case


def load_case(d):
    c = {"dir": d}
    for f in ("task", "announcement", "transcript", "draw"):
        path = os.path.join(d, f + ".json")
        c[f + "_raw"] = read_bytes(path) if os.path.isfile(path) else None
        c[f] = json.loads(c[f + "_raw"].decode("utf-8")) if c[f + "_raw"] is not None else None
    return c


def one_line_file(path):
    """§3: secret.hex and entropy.txt hold the value followed by one LF, not part of it."""
    raw = read_bytes(path)
    if not raw.endswith(b"\n"):
        raise ValueError("%s does not end with LF" % os.path.basename(path))
    return raw[:-1].decode("utf-8")


def check_case(rep, case, c, history, pubkey):
    """Recomputes one case. history maps transcript SHA-256 -> earlier case (loaded)."""
    d, ann, tr = c["dir"], c["announcement"], c["transcript"]
    secret = bytes.fromhex(one_line_file(os.path.join(d, "secret.hex")))
    value = one_line_file(os.path.join(d, "entropy.txt"))
    rep.truth(case, "secret.hex is 32 bytes, entropy.txt 1-1024 bytes (§6, §7)",
              len(secret) == 32 and 1 <= len(utf8(value)) <= 1024)
    if ann is None or tr is None:
        rep.fail(case, "case files", "announcement.json or transcript.json missing")
        return None
    rep.check(case, "announcement format", ann.get("format"), ANN_FORMAT)
    rep.check(case, "transcript format", tr.get("format"), TR_FORMAT)

    # §1, §2: registers, every row as of the freeze
    regs, counts, roots, hashes = {}, {}, {}, {}
    for name in ("entities", "inspectors", "conflicts"):
        rows, raw, problems = read_register(os.path.join(d, name + ".csv"), name)
        if not rep.problems(case, "%s.csv read as RFC 4180, header, unique keys (§1)" % name,
                            problems):
            return None
        rep.truth(case, "%s.csv is in canonical form (§1: as `yaohao export` writes)" % name,
                  raw == canonical_csv(name, rows),
                  "not byte-identical to the canonical CSV of its rows")
        rep.problems(case, "%s.csv values in their domains (§1)" % name,
                     register_domain_problems(name, rows))
        regs[name] = rows
        hashes[name] = register_leaves(name, rows)
        roots[name] = mth(hashes[name]).hex()
        counts[name] = len(rows)
    # §14 cross-check of the tree: every leaf's RFC 6962 path verifies (RFC 9162) to the root
    root_e = bytes.fromhex(roots["entities"])
    bad = [i for i in range(len(hashes["entities"]))
           if not verify_inclusion(hashes["entities"][i], i, len(hashes["entities"]),
                                   audit_path(hashes["entities"], i), root_e)]
    rep.truth(case, "every entity leaf's audit path leads to the entity root (§2, §14)",
              not bad, "leaves %r" % bad[:5])

    # §3 task
    task_in = c["task"]
    task = normalise_task(task_in)
    rep.check(case, "announcement.task = task.json normalised (§3)", ann.get("task"), task,
              "task")
    digest = task_digest(task)
    rep.check(case, "task_digest (§3)", ann.get("task_digest"), digest.hex())
    rep.check(case, "task_id", ann.get("task_id"), task["id"])

    # §4 earlier draws named by the announcement -> excluded and recent pairs
    earlier = ann.get("earlier", [])
    named, missing = [], []
    for x in earlier:
        h = history.get(x.get("transcript_sha256"))
        if h is None:
            missing.append(x.get("task_id"))
            continue
        named.append(h)
        rep.check(case, "earlier %s is the draw named (task id, draw date, transcript SHA-256)"
                  % x.get("task_id"), x,
                  {"task_id": h["task"]["id"], "draw_date": h["task"]["draw_date"],
                   "transcript_sha256": h["sha"]})
    if missing:
        rep.fail(case, "earlier draws available", "named but not among the cases: %s"
                 % ", ".join(map(str, missing)))
        excluded = ann["entities"]["excluded"]
        recent = ann["recent_pairs"]
        rep.info(case, "taking entities.excluded and recent_pairs from announcement.json")
    else:
        excluded = excluded_list(task, [{"task": h["task"], "transcript": h["transcript"]}
                                        for h in named])
        recent = recent_pairs_list(task, [{"task": h["task"], "transcript": h["transcript"]}
                                          for h in named])
        rep.check(case, "entities.excluded from the earlier draws (%d ids) (§4)"
                  % len(excluded), ann.get("entities", {}).get("excluded"), excluded)
        rep.check(case, "recent_pairs from the earlier draws (%d pairs) (§4)" % len(recent),
                  ann.get("recent_pairs"), recent)

    # §4 eligibility with reasons
    excl_set = set(excluded)
    ents, ereasons = partition(regs["entities"], lambda e: entity_reason(e, task, excl_set),
                               ENTITY_REASONS)
    offs, oreasons = partition(regs["inspectors"], lambda o: officer_reason(o, task),
                               OFFICER_REASONS)
    rep.info(case, "entities: %d rows, %d eligible; left out: %s" % (
        len(regs["entities"]), len(ents), ", ".join("%s %d" % kv for kv in ereasons.items())))
    rep.info(case, "officers: %d rows, %d eligible; left out: %s" % (
        len(regs["inspectors"]), len(offs), ", ".join("%s %d" % kv for kv in oreasons.items())))
    stale = [x for x in excluded if x not in {e["id"] for e in regs["entities"]}]
    if stale:
        rep.info(case, "%d excluded ids are not rows of the register" % len(stale))
    rep.check(case, "entities count, eligible, root, excluded (§2, §4)", ann.get("entities"),
              {"count": counts["entities"], "eligible": len(ents), "root": roots["entities"],
               "excluded": excluded}, "entities")
    rep.check(case, "inspectors count, eligible, root (§2, §4)", ann.get("inspectors"),
              {"count": counts["inspectors"], "eligible": len(offs),
               "root": roots["inspectors"]}, "inspectors")
    rep.check(case, "conflicts count, root (§2)", ann.get("conflicts"),
              {"count": counts["conflicts"], "root": roots["conflicts"]}, "conflicts")

    # §5 strata, sizes, load cap
    by_key = {}
    for e in ents:
        by_key.setdefault(stratum_key(e, task["strata"]["by"]), []).append(e)
    key_of = {e["id"]: k for k, es in by_key.items() for e in es}
    strata = []
    try:
        for key in sorted(by_key, key=by_bytes):
            k, r, rate_text = stratum_sizes(key, len(by_key[key]), task)
            strata.append({"key": key, "population": len(by_key[key]), "selected": k,
                           "reserves": r, "rate": rate_text})
        total_k = sum(s["selected"] for s in strata)
        cap = load_cap(task, total_k, offs)
    except (DrawFailed, ValueError) as err:
        rep.fail(case, "strata (§5)", str(err))
        return None
    rep.check(case, "strata: keys, populations, k, reserves, rate texts (§5)",
              ann.get("strata"), strata, "strata")
    rep.check(case, "load_cap (%s) (§5)" % ("task" if task["team"]["load_cap"] is not None
                                           else "default"), ann.get("load_cap"), cap)
    rep.problems(case, "commit pre-check holds (§5)", precheck_problems(task, total_k, offs,
                                                                         cap))

    # §6 commitment, announcement, digest
    commit = commitment(secret).hex()
    rep.check(case, "secret.hex opens the commitment (§6)", ann.get("commitment"), commit)
    chain = ann.get("chain")
    chain_ok = (isinstance(chain, dict) and set(chain) == {"seq", "prev"}
                and isinstance(chain["seq"], int) and chain["seq"] >= 1
                and (chain["prev"] is None) == (chain["seq"] == 1)
                and (chain["prev"] is None or (isinstance(chain["prev"], str)
                                               and len(chain["prev"]) == 64)))
    rep.truth(case, "chain is {seq >= 1, prev: null exactly when seq is 1, else hex} (§6)",
              chain_ok, "chain = %s" % short(chain))
    announcement = {
        "format": ANN_FORMAT, "department": ann.get("department"),
        "task_id": task["id"], "task": task, "task_digest": digest.hex(),
        "freeze_seq": ann.get("freeze_seq"), "chain": chain, "earlier": earlier,
        "entities": {"count": counts["entities"], "eligible": len(ents),
                     "root": roots["entities"], "excluded": excluded},
        "inspectors": {"count": counts["inspectors"], "eligible": len(offs),
                       "root": roots["inspectors"]},
        "conflicts": {"count": counts["conflicts"], "root": roots["conflicts"]},
        "recent_pairs": recent, "strata": strata, "load_cap": cap, "commitment": commit,
        "entropy_source": ann.get("entropy_source"),
    }
    rep.check(case, "announcement: every member (§6)", ann, announcement)
    bytes_check(rep, case, "announcement.json byte for byte (§6)", c["announcement_raw"],
                announcement)
    rep.truth(case, "earlier sorted by task id (§6)",
              [x.get("task_id") for x in earlier]
              == sorted((x.get("task_id") for x in earlier), key=by_bytes))
    adigest = announcement_digest(announcement)

    # §7 seed
    seed = seed_of(adigest, secret, value)
    rep.check(case, "seed (§7)", tr.get("seed"), seed.hex())
    rep.check(case, "transcript secret and entropy_value", [tr.get("secret"),
              tr.get("entropy_value")], [secret.hex(), value])

    # §8 tickets, selection, cutoffs, reserves
    tickets = {e["id"]: ticket(seed, e["id"]) for e in ents}

    def order(e):
        return (tickets[e["id"]], by_bytes(e["id"]))
    selected, reserves, tr_strata = [], [], []
    pos_reserve = {}
    for s in strata:
        members = sorted(by_key[s["key"]], key=order)
        k, r = s["selected"], s["reserves"]
        selected += [(e, s["key"]) for e in members[:k]]
        for i, e in enumerate(members[k:k + r]):
            reserves.append({"stratum": s["key"], "order": i + 1, "id": e["id"],
                             "name": e["name"], "ticket": tickets[e["id"]].hex()})
            pos_reserve[e["id"]] = i + 1
        cutoff = tickets[members[k]["id"]].hex() if k < len(members) else None
        tr_strata.append(dict(s, cutoff=cutoff))
    pub_strata = tr.get("strata", [])
    rep.check(case, "cutoffs (§8)", [{"key": x.get("key"), "cutoff": x.get("cutoff")}
                                     for x in pub_strata],
              [{"key": x["key"], "cutoff": x["cutoff"]} for x in tr_strata], "strata")
    selected.sort(key=lambda es: order(es[0]))
    pos_rank = {e["id"]: i + 1 for i, (e, _) in enumerate(selected)}
    tr_sel = tr.get("selected", [])
    rep.check(case, "selection: ranks, ids, names, strata, tickets (%d) (§8, §9)"
              % len(selected),
              [{k: x.get(k) for k in ("rank", "id", "name", "stratum", "ticket")}
               for x in tr_sel],
              [{"rank": i + 1, "id": e["id"], "name": e["name"], "stratum": key,
                "ticket": tickets[e["id"]].hex()} for i, (e, key) in enumerate(selected)],
              "selected")
    rep.check(case, "reserves (%d) (§8)" % len(reserves), tr.get("reserves"), reserves,
              "reserves")

    # §9 teams
    teams = Teams(seed, offs, recusal_pairs(regs["conflicts"], recent), cap, task["team"])
    out_sel = []
    try:
        for i, (e, key) in enumerate(selected):
            team = teams.form(e, i + 1)
            out_sel.append({"rank": i + 1, "id": e["id"], "name": e["name"], "stratum": key,
                            "ticket": tickets[e["id"]].hex(), "team": team})
    except DrawFailed as err:
        rep.fail(case, "teams (§9)", str(err))
        return None
    rep.check(case, "teams: members, roles, pair tickets (§9)",
              [{"rank": x.get("rank"), "team": x.get("team")} for x in tr_sel],
              [{"rank": x["rank"], "team": x["team"]} for x in out_sel], "selected")
    loads = sorted(teams.load.values())
    rep.info(case, "loads: max %d, min %d over %d eligible officers, cap %d; %d officer tickets"
             % (loads[-1] if loads else 0, loads[0] if loads else 0, len(loads), cap,
                len(teams._oticket)))

    # §10 transcript
    transcript = dict(announcement, format=TR_FORMAT, entropy_value=value,
                      secret=secret.hex(), seed=seed.hex(), strata=tr_strata,
                      selected=out_sel, reserves=reserves)
    bytes_check(rep, case, "transcript.json byte for byte (§10)", c["transcript_raw"],
                transcript)
    bytes_check(rep, case, "announcement rebuilt from transcript.json = announcement.json "
                           "(§10)", c["announcement_raw"], announcement_from_transcript(tr))

    # §13 draw document
    doc = c["draw"]
    if doc is None:
        rep.fail(case, "draw.json", "missing")
    else:
        rep.check(case, "draw.json format (§13)", doc.get("format"), DOC_FORMAT)
        rep.truth(case, "draw.json has ledger {commit_seq, draw_seq, draw_entry_hash} (§13)",
                  isinstance(doc.get("ledger"), dict) and set(doc["ledger"]) ==
                  {"commit_seq", "draw_seq", "draw_entry_hash"},
                  "ledger = %s" % short(doc.get("ledger")))
        bytes_check(rep, case, "transcript rebuilt from draw.json = transcript.json (§10)",
                    c["transcript_raw"], transcript_from_document(doc))
        check_signature(rep, case, "draw.json", doc, pubkey)
        try:
            check_document_rules(rep, case, doc)
        except (KeyError, TypeError, ValueError) as err:
            rep.fail(case, "draw.json rules (§13)", "%s: %s" % (type(err).__name__, err))
        led = doc.get("ledger") or {}
        if isinstance(led.get("commit_seq"), int):
            rep.info(case, "freeze_seq %s, commit_seq %s, draw_seq %s (the ledger is checked "
                     "only by the audit of the store, §13)" % (
                         ann.get("freeze_seq"), led.get("commit_seq"), led.get("draw_seq")))

    # §14 proofs: build and verify one for a selected, a reserve, an eligible one neither
    # selected nor a reserve, an ineligible and an absent entity
    if doc is not None:
        pdoc = dict(transcript)
        samples = []
        if selected:
            samples.append(selected[0][0]["id"])
        if reserves:
            samples.append(reserves[0]["id"])
        other = next((e["id"] for e in regs["entities"] if entity_reason(e, task, excl_set) is None
                      and e["id"] not in pos_rank and e["id"] not in pos_reserve), None)
        if other:
            samples.append(other)
        inel = next((e["id"] for e in regs["entities"]
                     if entity_reason(e, task, excl_set) is not None), None)
        if inel:
            samples.append(inel)
        samples += ["000000000000000000", "ZZZZZZZZZZZZZZZZZZ"]
        if len(regs["entities"]) > 1:
            a, b = regs["entities"][0]["id"], regs["entities"][1]["id"]
            mid = a[:-1] + chr(ord(a[-1]) + 1)
            if by_bytes(a) < by_bytes(mid) < by_bytes(b):
                samples.append(mid)
        probs = []
        for eid in samples:
            pr = make_proof(pdoc, regs["entities"], task, excluded, tickets, key_of, pos_rank,
                            pos_reserve, eid)
            probs += ["%s: %s" % (eid, x) for x in verify_proof(pr, pdoc)]
        rep.problems(case, "proofs /2 built from the registers verify (%d ids) (§14)"
                     % len(samples), probs)
        built = {eid: make_proof(pdoc, regs["entities"], task, excluded, tickets, key_of,
                                 pos_rank, pos_reserve, eid) for eid in samples}
        rep.problems(case, "proofs whose list differs from the document's are refused (§14)",
                     proof_tampers(built, pdoc, {
                         "selected": selected[0][0]["id"] if selected else None,
                         "reserve": reserves[0]["id"] if reserves else None, "other": other,
                         "ineligible": inel, "absent": "000000000000000000"}))
        for f in sorted(os.listdir(d)):
            if f.startswith("proof") and f.endswith(".json"):
                rep.problems(case, "%s verifies against draw.json (§14)" % f,
                             verify_proof(read_json(os.path.join(d, f)),
                                          transcript_from_document(doc)))

    # §18 after the draw: the results document, with the registers as of the freeze
    if doc is not None and os.path.isfile(os.path.join(d, "results.json")):
        check_results(rep, case, d, doc, offs, recusal_pairs(regs["conflicts"], recent), pubkey)
    return {"announcement": announcement, "digest": adigest.hex(), "transcript": transcript}


def _swap_roles(p):
    p["team"][0]["role"], p["team"][1]["role"] = p["team"][1]["role"], p["team"][0]["role"]


def _list_as_reserve(d, eid):
    if d["reserves"]:
        d["reserves"][0]["id"] = eid
    else:   # a draw without reserves: one listed
        d["reserves"].append({"stratum": d["strata"][0]["key"], "order": 1, "id": eid,
                              "name": "", "ticket": "0" * 64})


# §14's "the document's list agrees", each way a proof can break it: (whose proof: "selected",
# "reserve", "other" (eligible, neither), what, the change). tests/web/run.sh gives the same
# changes to the C verifier and the page.
PROOF_TAMPERS = [
    ("selected", "rank + 1", lambda p: p.update(rank=p["rank"] + 1)),
    ("selected", "rank as a string", lambda p: p.update(rank=str(p["rank"]))),
    ("selected", "rank missing", lambda p: p.pop("rank")),
    ("selected", "team missing", lambda p: p.pop("team")),
    ("selected", "team reversed", lambda p: p.update(team=p["team"][::-1])),
    ("selected", "leader and member roles swapped", _swap_roles),
    ("selected", "a member's pair ticket", lambda p: p["team"][0].update(pair_ticket="0" * 64)),
    ("selected", "a member's name", lambda p: p["team"][-1].update(
        name=p["team"][-1]["name"] + "甲")),
    ("selected", "a member with an extra member", lambda p: p["team"][0].update(note="")),
    ("selected", "a member fewer", lambda p: p.update(team=p["team"][:1])),
    ("selected", "reserve_order 1", lambda p: p.update(reserve_order=1)),
    ("selected", "reserve_order missing", lambda p: p.pop("reserve_order")),
    ("selected", "selected 1, not true", lambda p: p.update(selected=1)),
    ("reserve", "reserve_order + 1", lambda p: p.update(reserve_order=p["reserve_order"] + 1)),
    ("reserve", "reserve_order null", lambda p: p.update(reserve_order=None)),
    ("reserve", "rank 1", lambda p: p.update(rank=1)),
    ("reserve", "a team", lambda p: p.update(team=[])),
    ("other", "rank missing, not null", lambda p: p.pop("rank")),
    ("other", "reserve_order 1", lambda p: p.update(reserve_order=1)),
    ("other", "team null", lambda p: p.update(team=None)),
    ("other", "selected 0, not false", lambda p: p.update(selected=0)),
    ("other", "eligible 1, not true", lambda p: p.update(eligible=1)),
    ("other", "included 1, not true", lambda p: p.update(included=1)),
]
# ... and each way the document's lists can break it for the entity of a proof that holds.
DOC_TAMPERS = [
    ("other", "listed as a reserve", _list_as_reserve),
    ("ineligible", "listed as a reserve", _list_as_reserve),
    ("absent", "listed as a reserve", _list_as_reserve),
    ("absent", "listed as selected", lambda d, eid: d["selected"][0].update(id=eid)),
]


def proof_tampers(built, doc, who):
    """PROOF_TAMPERS and DOC_TAMPERS on the proofs built from the registers (built: id ->
    proof; who: kind -> id or None) must each be refused by verify_proof. Returns the changes
    that were not refused."""
    import copy
    cases = []
    for kind, what, edit in PROOF_TAMPERS:
        if who.get(kind) in built:
            p = copy.deepcopy(built[who[kind]])
            edit(p)
            cases.append((kind + ": " + what, p, doc))
    for kind, what, edit in DOC_TAMPERS:
        if who.get(kind) in built:
            d = copy.deepcopy(doc)
            edit(d, who[kind])
            cases.append((kind + ": " + what, built[who[kind]], d))
    return ["accepted: " + what for what, p, d in cases if not verify_proof(p, d)] + \
        ([] if cases else ["no case could be made"])


# ---------------------------------------------------------------------------------------------
# Across cases: earlier lists, chain, feed


def check_history(rep, cases, loaded):
    """Recomputes each case's `earlier` list from the other cases: a draw recorded before this
    task was committed (its ledger draw_seq < this commit_seq, from draw.json; failing that,
    an earlier chain.seq), dated D' <= D with D - D' <= the larger window (> 0)."""
    for name in cases:
        c = loaded[name]
        ann = c["announcement"]
        task = ann["task"]
        led = (c["draw"] or {}).get("ledger") or {}
        W = max(task["exclude_drawn_within_days"], task["avoid_repeat_pair_within_days"])
        cands = []
        for other in cases:
            o = loaded[other]
            if other == name or o["transcript"] is None:
                continue
            oled = (o["draw"] or {}).get("ledger") or {}
            if isinstance(led.get("commit_seq"), int) and isinstance(oled.get("draw_seq"), int):
                before = oled["draw_seq"] < led["commit_seq"]
            else:
                before = o["announcement"]["chain"]["seq"] < ann["chain"]["seq"]
            if before:
                cands.append({"task": o["announcement"]["task"], "transcript": o["transcript"],
                              "sha": o["sha"]})
        mine = sorted(({"task_id": x["task"]["id"], "draw_date": x["task"]["draw_date"],
                        "transcript_sha256": x["sha"]}
                       for x in earlier_within(cands, task, W)),
                      key=lambda x: by_bytes(x["task_id"]))
        rep.check(name, "earlier = the earlier cases within the larger window %d (§4, §6)" % W,
                  ann.get("earlier"), mine, "earlier")
    # chain among the cases
    by_seq = {loaded[n]["announcement"]["chain"]["seq"]: n for n in cases}
    rep.truth("all", "cases have distinct chain.seq", len(by_seq) == len(cases))
    for seq in sorted(by_seq):
        n = by_seq[seq]
        prev = loaded[n]["announcement"]["chain"]["prev"]
        if seq - 1 in by_seq:
            p = by_seq[seq - 1]
            rep.check(n, "chain.prev = announcement digest of %s (seq %d) (§6)" % (p, seq - 1),
                      prev, announcement_digest(loaded[p]["announcement"]).hex())
        elif seq == 1:
            rep.check(n, "chain.prev is null at seq 1 (§6)", prev, None)
        else:
            rep.info(n, "chain.seq %d: the previous announcement is not a case; checked "
                     "against the feed" % seq)


def check_feed(rep, path, cases, loaded, pubkey):
    if not os.path.isfile(path):
        rep.fail("feed", "feed.json", "missing")
        return
    feed = read_json(path)
    rep.check("feed", "format (§16)", feed.get("format"), FEED_FORMAT)
    rep.truth("feed", "members format, department, announcements, signer, signature (§16)",
              set(feed) == {"format", "department", "announcements", "signer", "signature"},
              "members %s" % sorted(feed))
    check_signature(rep, "feed", "feed.json", feed, pubkey)
    anns = feed.get("announcements") or []
    rep.check("feed", "announcements numbered 1..n without a gap (%d) (§16)" % len(anns),
              [a.get("chain", {}).get("seq") for a in anns], list(range(1, len(anns) + 1)))
    links = []
    for i, a in enumerate(anns):
        want = None if i == 0 else announcement_digest(anns[i - 1]).hex()
        if a.get("chain", {}).get("prev") != want:
            links.append("seq %d: prev %s, expected %s" % (i + 1, a.get("chain", {}).get("prev"),
                                                           want))
    rep.problems("feed", "first prev null, each prev = digest of the one before (§16)", links)
    rep.truth("feed", "every announcement names the feed's department (§16)",
              all(a.get("department") == feed.get("department") for a in anns))
    rep.truth("feed", "every announcement has format %s (§16)" % ANN_FORMAT,
              all(a.get("format") == ANN_FORMAT for a in anns))
    for n in cases:
        c = loaded[n]
        if c["transcript"] is None:
            continue
        if c["draw"] is not None:
            a = announcement_from_transcript(transcript_from_document(c["draw"]))
            src = "draw.json"
        else:
            a = announcement_from_transcript(c["transcript"])
            src = "transcript.json"
        seq = a["chain"]["seq"]
        if not 1 <= seq <= len(anns):
            rep.fail(n, "announcement in the feed (§16)", "chain.seq %d not in the feed" % seq)
            continue
        rep.check(n, "announcement rebuilt from %s has the digest of the feed's at seq %d "
                     "(§16)" % (src, seq), announcement_digest(anns[seq - 1]).hex(),
                  announcement_digest(a).hex())
        rep.truth(n, "feed's announcement at seq %d is announcement.json byte for byte" % seq,
                  canonical_bytes(anns[seq - 1]) + b"\n" == c["announcement_raw"])


# ---------------------------------------------------------------------------------------------
# Self-tests of this script's own reading of the spec (no vector needed)


def self_tests(rep, with_shell):
    S = "self"
    rep.check(S, "PAD32 layouts (§8, §9): tag lengths 16, 17, 14; 64-byte first block",
              [len(b"yaohao:ticket:v2"), len(b"yaohao:officer:v2"), len(b"yaohao:pair:v2"),
               len(bytes(32) + PAD32("yaohao:ticket:v2"))], [16, 17, 14, 64])
    rep.check(S, "TAG(\"yaohao:task:v1\") is 15 bytes (§ notation)", len(TAG("yaohao:task:v1")),
              15)
    with tempfile.TemporaryDirectory() as tmp:
        good = ",".join(COLUMNS["conflicts"]) + "\n"
        path = os.path.join(tmp, "conflicts.csv")
        with open(path, "wb") as f:
            f.write(utf8(good))
        ok = read_register(path, "conflicts")[2]
        with open(path, "wb") as f:
            f.write(utf8(good) + b"\"x\x00y\"" + b"," * (len(COLUMNS["conflicts"]) - 1) + b"\n")
        nul = read_register(path, "conflicts")[2]
    rep.check(S, "a register file with a NUL byte inside a field is refused (§1)",
              [ok, nul], [[], ["line 2: a NUL byte inside a field"]])
    rep.check(S, "rates (§5): 12.5% = 125/1000, 0.05 = 5/100, 1 = 1/1, 0 = 0/1",
              [parse_rate(x) for x in ("12.5%", "0.05", "1", "0")],
              [(125, 1000), (5, 100), (1, 1), (0, 1)])
    refused = []
    for x in (".5", "5.", "5 %", "101%", "1.000000001", "", "%", "1.5"):
        try:
            parse_rate(x)
        except ValueError:
            refused.append(x)
    rep.check(S, "rates refused (§5)", refused,
              [".5", "5.", "5 %", "101%", "1.000000001", "", "%", "1.5"])
    rep.check(S, "rounding (§5): ceil/floor/half_up of 66x5%, 43x10%, 5x50%",
              [round_frac(n, parse_rate(r), m) for n, r in ((66, "5%"), (43, "10%"), (5, "50%"))
               for m in ("ceil", "floor", "half_up")], [4, 3, 3, 5, 4, 4, 3, 2, 3])
    rep.check(S, "stratum key escaping (§5)",
              [escape_key_value(v) for v in ("", "-", "a/b", "5%", "%2F", "--")],
              ["-", "%2D", "a%2Fb", "5%25", "%252F", "--"])
    astral, bmp = "\U0001F600", "\uFF01"
    rep.check(S, "JCS key order by UTF-16 code units, not code points (§3)",
              canonical({bmp: 1, astral: 2, "a": 3}), '{"a":3,"%s":2,"%s":1}' % (astral, bmp))
    rep.check(S, "JCS escapes (§3)", canonical({"k": "\"\\\b\f\n\r\t\x01\x1f/é"}),
              '{"k":"\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f/é"}')
    # Merkle: 7 leaves is 4 + (2 + 1), nothing duplicated; against an explicit expansion
    L = [leaf_hash(bytes([i])) for i in range(7)]
    n = lambda a, b: sha256(b"\x01", a, b)
    rep.check(S, "Merkle tree shape for 7 leaves: 4 + (2 + 1) (§2)", mth(L).hex(),
              n(n(n(L[0], L[1]), n(L[2], L[3])), n(n(L[4], L[5]), L[6])).hex())
    rep.check(S, "MTH of no leaves = SHA-256(\"\") (§2)", mth([]).hex(),
              hashlib.sha256(b"").hexdigest())
    rep.check(S, "row leaf data (§2)", leaf_data(["ab", "", "é"]).hex(),
              "00000002616200000000" + "00000002c3a9")
    paths_ok = all(verify_inclusion(L[i], i, m, audit_path(L[:m], i), mth(L[:m]))
                   for m in range(1, 8) for i in range(m))
    rep.truth(S, "RFC 6962 audit paths verify by RFC 9162 for trees of 1..7 leaves (§14)",
              paths_ok)
    if not with_shell:
        return
    seed = hashlib.sha256(b"self-test seed").hexdigest()
    eid, oid = "92330109MA53QQ247E", "33010020210001"

    def sh(script):
        return subprocess.run(["bash", "-c", script], capture_output=True, check=True,
                              env=dict(os.environ, SEED_HEX=seed, ID=eid, OID=oid)
                              ).stdout.decode().split()[0]
    try:
        rep.check(S, "ticket = the §8 shell one-liner", sh(
            "(printf %s \"$SEED_HEX\" | xxd -r -p; printf 'yaohao:ticket:v2'; "
            "head -c 16 /dev/zero; printf %s \"$ID\") | sha256sum"),
            ticket(bytes.fromhex(seed), eid).hex())
        rep.check(S, "officer ticket = the §9 layout in a shell (level 3)", sh(
            "(printf %s \"$SEED_HEX\" | xxd -r -p; printf 'yaohao:officer:v2'; "
            "head -c 15 /dev/zero; printf '\\0\\0\\0\\3'; printf %s \"$OID\") | sha256sum"),
            officer_ticket(bytes.fromhex(seed), 3, oid).hex())
        rep.check(S, "pair ticket = the §9 layout in a shell", sh(
            "(printf %s \"$SEED_HEX\" | xxd -r -p; printf 'yaohao:pair:v2'; "
            "head -c 18 /dev/zero; printf %s \"$ID$OID\") | sha256sum"),
            pair_ticket(bytes.fromhex(seed), eid, oid).hex())
        rep.check(S, "commitment = the §12 shell form", sh(
            "(printf 'yaohao:commit:v1\\0'; printf %s \"$SEED_HEX\" | xxd -r -p) | sha256sum"),
            commitment(bytes.fromhex(seed)).hex())
    except (OSError, subprocess.CalledProcessError, IndexError) as err:
        rep.skip(S, "shell one-liners", "bash, xxd or sha256sum unavailable (%s)" % err)


# ---------------------------------------------------------------------------------------------


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(os.path.dirname(os.path.dirname(here)), "fixtures", "vectors")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("vectors_dir", nargs="?", default=default)
    ap.add_argument("--self-test", action="store_true",
                    help="also check the byte layouts against the spec's shell one-liners")
    args = ap.parse_args()
    rep = Report()
    self_tests(rep, args.self_test)

    vd = args.vectors_dir
    key_file = os.path.join(vd, "test-key.pub")
    pubkey = None
    try:
        pubkey = read_public_key(key_file)
        what = "test-key.pub is the key of seed SHA-256(\"yaohao test vector key\") (§15)"
        derived = test_key_public()
        if derived is None:
            rep.skip("key", what, "PyNaCl (python3-nacl) is not importable")
        else:
            rep.check("key", what, pubkey.hex(), derived)
    except (OSError, ValueError) as err:
        rep.fail("key", "test-key.pub", str(err))

    names = sorted(c for c in os.listdir(vd)
                   if os.path.isfile(os.path.join(vd, c, "announcement.json")))
    if not names:
        rep.fail(vd, "cases", "no case directory with an announcement.json")
    loaded = {}
    for n in names:
        try:
            loaded[n] = load_case(os.path.join(vd, n))
            tr = loaded[n]["transcript"]
            loaded[n]["sha"] = transcript_sha256(tr) if tr is not None else None
        except (OSError, ValueError) as err:
            rep.fail(n, "case files", "%s: %s" % (type(err).__name__, err))

    def seq_of(n):
        try:
            return (0, loaded[n]["announcement"]["chain"]["seq"], n)
        except (KeyError, TypeError):
            return (1, 0, n)
    cases = sorted(loaded, key=seq_of)
    rep.info("all", "cases in chain order: %s" % ", ".join(cases))
    history = {}
    for n in cases:
        try:
            check_case(rep, n, loaded[n], history, pubkey)
        except Exception as err:                          # a malformed case is a failure
            rep.fail(n, "case", "%s: %s" % (type(err).__name__, err))
        c = loaded[n]
        if c["transcript"] is not None:
            history[c["sha"]] = {"task": c["transcript"]["task"], "transcript": c["transcript"],
                                 "sha": c["sha"]}
    try:
        check_history(rep, cases, loaded)
    except Exception as err:
        rep.fail("all", "history", "%s: %s" % (type(err).__name__, err))
    try:
        check_feed(rep, os.path.join(vd, "feed.json"), cases, loaded, pubkey)
    except Exception as err:
        rep.fail("feed", "feed", "%s: %s" % (type(err).__name__, err))
    tail = ", %d skipped" % rep.skipped if rep.skipped else ""
    print("%d passed, %d failed%s" % (rep.passed, rep.failed, tail))
    return 1 if rep.failed else 0


def test_key_public():
    """§15: the test vectors' key has seed SHA-256("yaohao test vector key"); derived with
    PyNaCl when available, None otherwise."""
    try:
        import nacl.signing
    except ImportError:
        return None
    sk = nacl.signing.SigningKey(hashlib.sha256(b"yaohao test vector key").digest())
    return bytes(sk.verify_key).hex()


if __name__ == "__main__":
    sys.exit(main())

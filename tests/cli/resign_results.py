#!/usr/bin/env python3
"""resign_results.py IN OUT KEYFILE --draw DRAW [edits] — a test helper that plays a department
rewriting a results document (docs/spec.md §18.4) with its own key, so that the tests can show
what `yaohao verify` still catches.

Edits, applied in this order:
  --entry SEQ PATH=JSON    set a member of entry SEQ's payload (PATH dotted: officers.0)
  --replacement SEQ ID     entry SEQ (a reassign) names officer ID (a row of --inspectors) as the
                           replacement, with its team in pair-ticket order (§9 step 5)
  --reserve SEQ ORDER      entry SEQ (a substitute) takes reserve ORDER of its stratum instead,
                           its team in that entity's pair-ticket order, and later entries name it
  --drop SEQ               leave entry SEQ out
Then every entry from the first one touched on is re-linked — its payload's `prev` to the task's
previous entry kept, its `prev_hash` to the entry before it when their seqs are consecutive —
re-hashed (§11) and re-signed, unless --no-rechain (then only the touched entries are re-hashed
and re-signed, and nothing is re-linked).  --relist rebuilds `inspections` and `summary` from the
entries (no rule applied: a department's own, consistent, listing).  --set PATH=JSON sets a
member of the document afterwards.  The document is signed again at the end (§13).  Needs PyNaCl.
"""
import argparse
import csv
import hashlib
import json
import os
import sys

import nacl.signing

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vectors"))
import check_spec as cs  # noqa: E402  (canonical, the §11 hash, pair tickets, the listing)


def set_path(node, path, value):
    *parents, last = path.split(".")
    for p in parents:
        node = node[int(p)] if isinstance(node, list) else node[p]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def entry(doc, seq):
    return next(e for e in doc["entries"] if e["seq"] == seq)


def ordered(seed, eid, ids):
    return sorted(ids, key=lambda o: (cs.pair_ticket(seed, eid, o), o.encode()))


def relist(doc, draw):
    """The listing and summary the entries give, by their own word (no rule checked)."""
    st = cs.AfterDraw(draw)
    for e in doc["entries"]:
        p, kind = e["payload"], e["kind"]
        if kind == "disclose":
            st.counts["disclosures"] += 1
            continue
        x = next(i for i in reversed(st.insp) if i["id"] == p["entity_id"])
        if kind == "result":
            x["result"], x["result_seq"] = p, e["seq"]
            x["nresults"] += 1
            if "replaces" in p:
                st.counts["corrections"] += 1
        elif kind == "reassign":
            members = [m for m in x["team"] if m["id"] != p["officer"]] + [dict(p["replacement"])]
            x["team"] = [next(m for m in members if m["id"] == i) for i in p["team"]]
            st.counts["reassignments"] += 1
        elif kind == "substitute":
            x["substituted_by"] = p["substitute"]["id"]
            st.insp.append({"id": p["substitute"]["id"], "name": p["substitute"]["name"],
                            "stratum": p["stratum"], "rank": None,
                            "team": [dict(m) for m in p["team"]], "removed": [], "result": None,
                            "result_seq": None, "nresults": 0, "substitutes_for": x["id"],
                            "reserve_order": p["reserve_order"]})
            st.counts["substitutions"] += 1
    doc["inspections"], doc["summary"] = st.listing(), st.summary()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("keyfile")
    ap.add_argument("--draw", required=True)
    ap.add_argument("--inspectors")
    ap.add_argument("--entry", nargs=2, action="append", default=[], metavar=("SEQ", "EDIT"))
    ap.add_argument("--replacement", nargs=2, action="append", default=[], metavar=("SEQ", "ID"))
    ap.add_argument("--reserve", nargs=2, action="append", default=[], metavar=("SEQ", "ORDER"))
    ap.add_argument("--drop", type=int, action="append", default=[])
    ap.add_argument("--no-rechain", action="store_true")
    ap.add_argument("--relist", action="store_true")
    ap.add_argument("--set", action="append", default=[])
    a = ap.parse_args()
    doc = json.load(open(a.src, encoding="utf-8"))
    draw = json.load(open(a.draw, encoding="utf-8"))
    seed = bytes.fromhex(draw["seed"])
    lines = open(a.keyfile, encoding="ascii").read().split()
    key = nacl.signing.SigningKey(bytes.fromhex(lines[1]))
    touched = set()

    for seq, edit in a.entry:
        path, value = edit.split("=", 1)
        set_path(entry(doc, int(seq))["payload"], path, json.loads(value))
        touched.add(int(seq))
    for seq, oid in a.replacement:
        row = next(r for r in csv.DictReader(open(a.inspectors, encoding="utf-8")) if r["id"] == oid)
        p = entry(doc, int(seq))["payload"]
        ids = [i for i in p["team"] if i != p["replacement"]["id"]] + [oid]
        p["replacement"] = {"id": oid, "name": row["name"], "department": row["department"]}
        p["team"] = ordered(seed, p["entity_id"], ids)
        touched.add(int(seq))
    for seq, order in a.reserve:
        p = entry(doc, int(seq))["payload"]
        r = next(r for r in draw["reserves"]
                 if r["stratum"] == p["stratum"] and r["order"] == int(order))
        old = p["substitute"]["id"]
        p["substitute"] = {"id": r["id"], "name": r["name"]}
        p["reserve_order"] = r["order"]
        ids = ordered(seed, r["id"], [m["id"] for m in p["team"]])
        p["team"] = [next(m for m in p["team"] if m["id"] == i) for i in ids]
        touched.add(int(seq))
        for e in doc["entries"]:
            if e["seq"] > int(seq) and e["payload"].get("entity_id") == old:
                e["payload"]["entity_id"] = r["id"]
                touched.add(e["seq"])
    for seq in a.drop:
        doc["entries"] = [e for e in doc["entries"] if e["seq"] != seq]
        touched.add(seq)

    first = min(touched) if touched else None
    remap, task_prev, before = {}, draw["ledger"]["draw_entry_hash"], None
    for e in doc["entries"]:
        redo = e["seq"] in touched
        if first is not None and e["seq"] > first and not a.no_rechain:
            e["payload"]["prev"] = task_prev
            if before is not None and e["seq"] == before["seq"] + 1:
                e["prev_hash"] = before["hash"]
            redo = True
        if redo:
            h = cs.ledger_hash(e["seq"], bytes.fromhex(e["prev_hash"]), e["kind"],
                               cs.canonical_bytes(e["payload"]))
            remap[e["hash"]] = h.hex()
            e["hash"] = h.hex()
            e["signature"] = key.sign(cs.TAG("yaohao:ledger-signature:v1") + h).signature.hex()
        task_prev, before = e["hash"], e

    if a.relist:
        relist(doc, draw)
    for edit in a.set:
        path, value = edit.split("=", 1)
        set_path(doc, path, json.loads(value))
    doc.pop("signature", None)
    doc["signature"] = key.sign(cs.canonical_bytes(doc)).signature.hex()
    with open(a.dst, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")


main()

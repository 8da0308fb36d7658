#!/usr/bin/env python3
"""The peer a user would otherwise script: the same tickets and per-stratum selection as a
yaohao draw (docs/spec.md §8), in the Python standard library, over the raw register CSV.

    peer.py ENTITIES.csv TRANSCRIPT.json [OUT]

Reads the seed and each stratum's k from the transcript, hashes every active entity's id,
keeps the k lowest tickets per risk stratum (heapq.nsmallest, in the style of Rivest's
consistent sampling), and writes the selected ids, one per line, sorted, to OUT."""
import csv
import hashlib
import heapq
import json
import sys


def main():
    entities, transcript = sys.argv[1], sys.argv[2]
    out = sys.argv[3] if len(sys.argv) > 3 else None
    tr = json.load(open(transcript, encoding="utf-8"))
    prefix = bytes.fromhex(tr["seed"]) + b"yaohao:ticket:v2".ljust(32, b"\0")  # docs/spec.md §8
    k = {s["key"]: s["selected"] for s in tr["strata"]}
    tickets = {key: [] for key in k}
    with open(entities, encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        col_id, col_risk, col_status = (header.index(h) for h in ("统一社会信用代码", "风险等级", "登记状态"))
        for row in rows:
            if row[col_status] not in ("存续", "在业", "开业"):
                continue
            key = row[col_risk] or "-"
            tickets[key].append((hashlib.sha256(prefix + row[col_id].encode()).digest(), row[col_id]))
    selected = sorted(i for key, n in k.items() for _, i in heapq.nsmallest(n, tickets[key]))
    if out:
        with open(out, "w", encoding="utf-8") as f:
            f.write("\n".join(selected) + "\n")
    print("peer: %d selected" % len(selected), file=sys.stderr)


if __name__ == "__main__":
    main()

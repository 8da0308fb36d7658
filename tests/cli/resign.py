#!/usr/bin/env python3
"""resign.py IN OUT KEYFILE [PATH=JSON ...] — a test helper: IN (a signed yaohao document or
feed) with the members at PATH (dotted, e.g. load_cap or task.title) set to the JSON values
given, signed again with the secret key file KEYFILE, as docs/spec.md §13 says: Ed25519 over
the canonical (JCS, §3) text without "signature".  It plays a department that re-signs what it
changed, so that the tests can show what the verifier still catches.  Needs PyNaCl."""
import json
import sys

import nacl.signing


def canonical(v):
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical(v[k]) for k in keys) + "}"
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    return json.dumps(v, ensure_ascii=False)


def main():
    src, dst, keyfile, edits = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    doc = json.load(open(src, encoding="utf-8"))
    for edit in edits:
        path, value = edit.split("=", 1)
        *parents, last = path.split(".")
        node = doc
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        if isinstance(node, list):
            node[int(last)] = json.loads(value)
        else:
            node[last] = json.loads(value)
    lines = open(keyfile, encoding="ascii").read().split()
    key = nacl.signing.SigningKey(bytes.fromhex(lines[1]))
    doc.pop("signature", None)
    doc["signature"] = key.sign(canonical(doc).encode()).signature.hex()
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")


main()

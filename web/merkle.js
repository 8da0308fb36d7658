/* merkle.js — register digests: RFC 6962 Merkle tree roots (docs/spec.md §2).
 *
 *   leaf hash = SHA-256(0x00 ‖ leaf data)
 *   node hash = SHA-256(0x01 ‖ left ‖ right)
 *   the root of no leaves is SHA-256("")
 *
 * RFC 6962 splits n leaves at the largest power of two below n.  Pairing the nodes of each
 * level from the left and carrying a lone last node up unchanged builds that same tree
 * (7 leaves: 4 + (2 + 1)), which lets every level be hashed in parallel batches.
 *
 * The leaf data of a register row is its fields in column order, each as
 * u32(length in bytes) ‖ bytes.
 */
"use strict";

/* 0x00 ‖ leaf data of a row (the message of its leaf hash). */
function rowLeafMessage(fields) {
  const parts = [new Uint8Array([0])];
  for (const f of fields) {
    const b = utf8(f);
    parts.push(u32(b.length), b);
  }
  return concatBytes(...parts);
}

/* The root (hex) of `count` leaves, leafMessageAt(i) giving 0x00 ‖ leaf data of leaf i.
 * progress(fraction) is awaited now and then. */
async function merkleRoot(count, leafMessageAt, progress) {
  if (count === 0) return sha256Hex(new Uint8Array(0));
  const total = 2 * count; // about as many node hashes as leaf hashes
  let done = 0;
  const report = progress ? (n) => progress((done + n) / total) : null;
  let level = await sha256EachBytes(count, leafMessageAt, report);
  done += count;
  const node = new Uint8Array(65);
  node[0] = 1;
  while (level.length > 1) {
    const pairs = Math.floor(level.length / 2), below = level;
    const up = await sha256EachBytes(pairs, (i) => {
      const m = node.slice();
      m.set(below[2 * i], 1);
      m.set(below[2 * i + 1], 33);
      return m;
    }, report);
    done += pairs;
    if (level.length % 2 === 1) up.push(level[level.length - 1]);
    level = up;
  }
  return toHex(level[0]);
}

/* Whether the leaf hash `leafHash` (bytes) at 0-based `index` of a tree of `size` leaves,
 * with the audit path `path` (sibling hashes from the leaf up, bytes), leads to `rootHex`:
 * RFC 9162 §2.1.3.2, with plain arithmetic instead of bit operations (sizes up to 2^53). */
async function merkleInclusionHolds(leafHash, index, size, path, rootHex) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index, sn = size - 1, r = leafHash;
  const node = (left, right) => sha256(new Uint8Array([1]), left, right);
  const odd = (n) => n % 2 === 1;
  for (const p of path) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = await node(p, r);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else r = await node(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && toHex(r) === rootHex;
}

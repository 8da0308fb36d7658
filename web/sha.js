/* sha.js — SHA-256 through the browser's own WebCrypto, and the byte helpers the
 * hashes of docs/spec.md are built from (notation of the spec's opening section).
 *
 *   TAG("x")   the ASCII bytes of x and one zero byte
 *   PAD32("x") the ASCII bytes of x and zero bytes up to 32 bytes in all
 *   u32(n), u64(n)  n as 4 and 8 bytes, big-endian
 *   hex        lower case
 */
"use strict";

const utf8Encoder = new TextEncoder();

/* The UTF-8 bytes of a string. */
function utf8(s) {
  return utf8Encoder.encode(s);
}

function tagBytes(name) {
  const b = new Uint8Array(name.length + 1);
  b.set(utf8(name));
  return b;
}

function pad32(name) {
  const b = new Uint8Array(32);
  b.set(utf8(name));
  return b;
}

function u32(n) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

function u64(n) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

/* The concatenation of byte arrays (and strings, taken as their UTF-8 bytes). */
function concatBytes(...parts) {
  const arrays = parts.map((p) => (typeof p === "string" ? utf8(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function toHex(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i]];
  return s;
}

/* The bytes of lower-case hex of exactly `len` bytes, or null when it is not that. */
function fromHex(s, len) {
  if (typeof s !== "string" || !/^([0-9a-f]{2})*$/.test(s)) return null;
  if (len !== undefined && s.length !== 2 * len) return null;
  const b = new Uint8Array(s.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(s.substr(2 * i, 2), 16);
  return b;
}

/* SHA-256 of the concatenated parts: a promise of the 32 bytes. */
async function sha256(...parts) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", concatBytes(...parts)));
}

async function sha256Hex(...parts) {
  return toHex(await sha256(...parts));
}

/* SHA-256 of `count` messages, messageAt(i) giving the i-th, `batch` at a time in parallel; a
 * promise of the hex digests in order.  `progress(done)` is awaited between batches, which
 * also hands the page back to the browser so that it never freezes. */
async function sha256Each(count, messageAt, progress, batch = 8192, raw = false) {
  const out = new Array(count);
  for (let i = 0; i < count; i += batch) {
    const end = Math.min(count, i + batch);
    const jobs = [];
    for (let j = i; j < end; j++) jobs.push(crypto.subtle.digest("SHA-256", messageAt(j)));
    const done = await Promise.all(jobs);
    for (let j = i; j < end; j++) out[j] = raw ? new Uint8Array(done[j - i]) : toHex(done[j - i]);
    if (progress) await progress(end);
  }
  return out;
}

/* The same, giving the digests as bytes (Uint8Array), not hex. */
function sha256EachBytes(count, messageAt, progress) {
  return sha256Each(count, messageAt, progress, 8192, true);
}

/* The same for messages held in a list. */
function sha256Many(messages, progress) {
  return sha256Each(messages.length, (i) => messages[i], progress);
}

/* Gives the browser a turn (to paint, to take a click) between chunks of work. */
function yieldToBrowser() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/* Compares two strings by their UTF-8 bytes, as memcmp/strcmp do (docs/spec.md: "sorted"),
 * which is the order of code points.  JavaScript's `<` compares UTF-16 code units; the two
 * differ only where one string has a surrogate (a character above U+FFFF) and the other a
 * character from U+E000 to U+FFFF at the first difference. */
function compareUtf8(a, b) {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // surrogates (D800–DFFF) stand for code points above FFFF: move them above E000–FFFF
        x = x < 0xe000 ? x + 0x2000 : x - 0x800;
        y = y < 0xe000 ? y + 0x2000 : y - 0x800;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length - b.length;
}

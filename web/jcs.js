/* jcs.js — canonical JSON text (RFC 8785, "JCS"), as docs/spec.md §3 defines it.
 *
 * yaohao hashes and signs every JSON document in this form: object members sorted by
 * name compared as UTF-16 code units, no whitespace, strings with only `"`, `\` and
 * characters below U+0020 escaped, integers in plain decimal.  yaohao's documents hold no
 * floating-point numbers and no integers beyond ±2^53, so a number that is not a safe
 * integer is refused rather than guessed at.
 *
 * JavaScript strings are UTF-16, and `<` on strings compares UTF-16 code units, so the
 * default Array.prototype.sort() is exactly the order RFC 8785 asks for (and *not* the
 * code point order, which differs for characters above U+FFFF).
 */
"use strict";

/* The JSON text of a string: `"`, `\`, \b \f \n \r \t, other characters below U+0020 as
 * \u00xx (lower-case hex); everything else as it is. */
function jcsString(s) {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c < 0x20) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += s[i];
  }
  return out + '"';
}

/* The canonical text of a JSON value (as JSON.parse gives it). */
function canonicalJson(v) {
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v))
      throw new Error("a number that is not an integer within ±2^53: " + v);
    return Object.is(v, -0) ? "0" : String(v);
  }
  if (typeof v === "string") return jcsString(v);
  if (Array.isArray(v)) return "[" + v.map(canonicalJson).join(",") + "]";
  if (typeof v === "object") {
    const names = Object.keys(v).sort(); // UTF-16 code unit order
    return "{" + names.map((k) => jcsString(k) + ":" + canonicalJson(v[k])).join(",") + "}";
  }
  throw new Error("not a JSON value: " + typeof v);
}

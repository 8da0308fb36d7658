# test_results_verify.sh — `yaohao verify RESULTS --draw DRAW` on the results vectors
# (fixtures/vectors/{bind,joint}/results.json, docs/spec.md §18) and on tampered copies: a result
# code changed, an officer swapped, a reassignment's replacement changed, a substitute changed,
# a correction dropped — each also re-signed with the department's key, entries re-hashed and
# re-chained and the listing made consistent, so that it is the rule that catches it.
source "$TESTLIB"

RESIGN="$(dirname "$TESTLIB")/resign_results.py"
V="$FIXTURES/vectors"
# Debian's python3 has PyNaCl (./dev installs python3-nacl); another python3 on PATH may not.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
"$PY" -c "import nacl.signing" 2>/dev/null || { echo "0 passed, 1 failed: PyNaCl is missing (./dev installs python3-nacl)"; exit 1; }
# The test vectors' key (docs/spec.md §15): seed SHA-256("yaohao test vector key").
printf 'yaohao-secret-key-v1\n%s\n' "$(printf 'yaohao test vector key' | sha256sum | cut -c 1-64)" > vk.key
chmod 600 vk.key

# rewrite CASE OUT EDITS...: the department's rewrite of CASE's results document, re-signed
rewrite() {
	local c=$1 out=$2
	shift 2
	"$PY" "$RESIGN" "$V/$c/results.json" "$out" vk.key --draw "$V/$c/draw.json" \
		--inspectors "$V/$c/inspectors.csv" "$@" || echo "rewrite failed: $*" >&2
}
# verify_results CASE FILE [--registers]
verify_results() {
	local c=$1 f=$2
	if [ "${3:-}" = --registers ]; then
		yh verify "$f" --draw "$V/$c/draw.json" --inspectors "$V/$c/inspectors.csv" \
			--conflicts "$V/$c/conflicts.csv"
	else
		yh verify "$f" --draw "$V/$c/draw.json"
	fi
}

# The ids the tampering below names, read from the vectors (mkvectors.c tells the story).
entry_seq() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print([e["seq"] for e in d["entries"] if e["kind"] == sys.argv[2]][int(sys.argv[3])])' "$@"; }
FIRST=$(entry_seq "$V/bind/results.json" result 0)            # the first result (code 1)
CORR=$("$PY" -c 'import json,sys; print([e["seq"] for e in json.load(open(sys.argv[1]))["entries"] if "replaces" in e["payload"]][0])' "$V/bind/results.json")
REASSIGN=$(entry_seq "$V/bind/results.json" reassign 2)       # after an officer became unavailable
SUBST=$(entry_seq "$V/joint/results.json" substitute 0)

# ---- the originals ---------------------------------------------------------------------
for c in bind joint; do
	verify_results $c "$V/$c/results.json" --registers
	assert_exit 0 "$c: the results document verifies with the frozen registers"
	assert_check ok entries "ledger entries, each hashed and signed" "$c: every entry's hash and signature"
	assert_check ok rules "in one chain from the draw" "$c: every rule holds"
	assert_check ok replacements "recomputed from the officer register and conflicts" \
		"$c: the reassignments and substitutions are recomputed"
	assert_check ok inspections "are exactly what the entries give" "$c: the listing is the replay's"
done
verify_results bind "$V/bind/results.json"
assert_exit 0 "without the registers the document still verifies"
assert_check skipped replacements "need the officer register and conflicts" \
	"without the registers the picks are reported as not checked"
yh verify "$V/bind/results.json" --draw "$V/joint/draw.json"
assert_exit 1 "the results of one task against the draw of another: exit 1"
assert_check FAILED document "the draw of task 'T-2026-12-JOINT'" "the results document names another draw"

# ---- a result code changed -------------------------------------------------------------
# Without re-signing: the entry's hash no longer covers its payload, nor the signature the text.
"$PY" -c 'import json,sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["entries"][0]["payload"]["result"] = "8"
d["inspections"][0]["result"]["code"] = "8"
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=2)' "$V/bind/results.json" code.json
verify_results bind code.json --registers
assert_exit 1 "a result code changed: exit 1"
assert_check FAILED signature "" "a result code changed: the document's signature fails"
assert_check FAILED entries "ledger entry $FIRST): its hash is not the hash of its fields" \
	"a result code changed: the entry's hash fails"

# Re-signed (the entry re-hashed, every later entry re-chained and re-signed, the document
# signed), the listing left as it was: the listing is not what the entries give.
rewrite bind code-signed.json --entry "$FIRST" 'result="8"'
verify_results bind code-signed.json --registers
assert_exit 1 "a result code changed and re-signed: exit 1"
assert_check ok entries "" "re-signed: every entry's hash and signature hold"
assert_check ok rules "" "re-signed: code 8 is a code, so every rule holds"
assert_check FAILED inspections "the listed inspections" "re-signed: the listing no longer follows from the entries"

# Re-signed, the listing showing the same code, with a code that is not one of §18.1's (5 was
# an old category): the rule catches it.
rewrite bind code-5.json --entry "$FIRST" 'result="5"' --set 'inspections.0.result.code="5"'
verify_results bind code-5.json --registers
assert_exit 1 "a result code changed to 5, re-signed, listing consistent: exit 1"
assert_check FAILED rules "(ledger entry $FIRST): result: unknown result code '5'" \
	"re-signed and consistent: an unknown code breaks the rule"
# The documented limit: a result changed to another valid code, every entry re-chained and
# re-signed and the listing rebuilt, is a history the department signed; nothing in the
# document can show it is not the one it recorded (the store's audit, or an earlier edition
# whose SHA-256 a later `disclose` entry records, can).
rewrite bind code-8.json --entry "$FIRST" 'result="8"' --relist
verify_results bind code-8.json --registers
assert_exit 0 "limit: a consistent rewrite to another valid code, fully re-signed, verifies"

# ---- an officer swapped for one not on the team (re-signed, listing consistent) ----------
NOT_ON=33010020230006
rewrite bind swap.json --entry "$FIRST" "officers.1=\"$NOT_ON\"" --relist
verify_results bind swap.json
assert_exit 1 "an officer swapped, re-signed: exit 1"
assert_check FAILED rules "result: officer '$NOT_ON' is not on the team of entity" \
	"an officer swapped: the rule (on the team as it stands) fails, even without the registers"

# ---- a reassignment's replacement changed to another eligible officer --------------------
# Re-signed, the team reordered by pair ticket, the listing consistent: only the recomputation
# from the frozen registers shows it.
rewrite bind repl.json --replacement "$REASSIGN" "$NOT_ON" --relist
verify_results bind repl.json
assert_exit 0 "a replacement changed, without the registers: nothing in the document shows it"
assert_check skipped replacements "need the officer register and conflicts" \
	"without the registers the picks are not checked, and the report says so"
verify_results bind repl.json --registers
assert_exit 1 "a replacement changed, re-signed, with the registers: exit 1"
assert_check FAILED rules "(ledger entry $REASSIGN): reassign: the replacement of" \
	"the replacement is recomputed and differs"
assert_stdout_contains "by the rule, not '$NOT_ON'" "the message names the officer the rule gives instead"

# ---- a substitution's substitute changed to the stratum's second reserve ----------------
rewrite joint subst.json --reserve "$SUBST" 2 --relist
verify_results joint subst.json --registers
assert_exit 1 "the substitute changed to reserve 2, re-signed: exit 1"
assert_check FAILED rules "(ledger entry $SUBST): substitute: the substitute of '" \
	"the substitute is the first unused reserve, not the second"
assert_stdout_contains "is reserve 1 of stratum '33'" "the message names the reserve the rule gives"

# ---- a correction dropped ---------------------------------------------------------------
# Dropped and the document re-signed, the listing consistent, the later entries left as they
# were: the next entry's `prev` names the dropped one.
rewrite bind drop.json --drop "$CORR" --no-rechain --relist
verify_results bind drop.json --registers
assert_exit 1 "a correction dropped, re-signed: exit 1"
assert_check FAILED rules "prev is not the hash of the task's previous entry" \
	"a correction dropped: the task's chain of entries breaks"
# The documented limit: every later entry re-chained, re-hashed and re-signed is a rewrite of
# the task's history with the department's key, which the document alone cannot tell from the
# one it recorded; the store's audit (the ledger's own chain) and an earlier edition can.
rewrite bind drop-all.json --drop "$CORR" --relist
verify_results bind drop-all.json --registers
assert_exit 0 "limit: a correction dropped and every later entry re-chained and re-signed verifies"

finish

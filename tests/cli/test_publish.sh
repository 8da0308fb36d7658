# test_publish.sh — yaohao publish (docs/spec.md §13): the signed public
# document of a drawn task, and its errors: an unknown task, a task not drawn,
# no -o, no key or the wrong key; publish never changes the store.
source "$TESTLIB"

TASK_ID=T-2026-12-FOOD
# Exit codes (cli/cli.h, cli/common.c): cli_fail maps YH_ENOTFOUND, YH_ESTORE
# and YH_EEXIST to 4, YH_EDATA and YH_EIO to 3; usage errors are 2.
EXIT_STORE=4
EXIT_USAGE=2
EXIT_DATA=3

demo_draw d1
assert_exit 0 "demo exits 0"
DB=d1/yaohao.db
yh key show --db "$DB"
PUB=$(printf '%s\n' "$STDOUT" | sed -n 's/^public key \([^ ]*\)$/\1/p')
KID=$(printf '%s\n' "$STDOUT" | sed -n 's/^key id  *\([^ ]*\)$/\1/p')
N=$(db_count "$DB" ledger)
before=$(sql_dump "$DB")

# ---- the document --------------------------------------------------------------------

yh publish --db "$DB" "$TASK_ID" -o doc.json
assert_exit 0 "publish exits 0"
assert_stdout_contains "published the draw of $TASK_ID to doc.json"
assert_stderr_empty "publish prints nothing on stderr"
assert_eq "$before" "$(sql_dump "$DB")" "publish does not change the store (no ledger entry)"
assert_eq "$(cat d1/draw.json)" "$(cat doc.json)" "publishing again gives the same bytes (the demo's draw.json)"
assert_eq 1 "$(json_valid doc.json)" "the document is well-formed JSON"
assert_eq "" "$(tail -c 1 doc.json | tr -d '\n')" "the file ends with LF"
assert_eq '{' "$(head -n 1 doc.json)" "the document is indented JSON"
assert_eq yaohao-draw/2 "$(json_get doc.json '$.format')" "format yaohao-draw/2"
assert_eq "$PUB|$KID" "$(json_get doc.json '$.signer.public_key')|$(json_get doc.json '$.signer.key_id')" "signer: the store's public key and key id"
assert_eq "$(sql "$DB" "select seq from ledger where kind = 'commit'")|$(sql "$DB" "select seq from ledger where kind = 'draw'")|$(sql "$DB" "select $(sql_hex hash) from ledger where kind = 'draw'")" \
	"$(json_get doc.json '$.ledger.commit_seq')|$(json_get doc.json '$.ledger.draw_seq')|$(json_get doc.json '$.ledger.draw_entry_hash')" \
	"ledger: the commit and draw entries and the draw entry's hash"
assert_eq 128 "$(json_get doc.json '$.signature' | tr -d '\n' | wc -c)" "the signature is 64 bytes of hex"
# The document is the transcript plus ledger, signer and signature.
yh transcript --db "$DB" "$TASK_ID"
if [ "$RC" = 0 ]; then
	printf '%s\n' "$STDOUT" > tr.json
	assert_eq "$(sqlite3 :memory: "select json_remove(json_set(readfile('tr.json'), '\$.format', 'yaohao-draw/2'))")" \
		"$(sqlite3 :memory: "select json_remove(readfile('doc.json'), '\$.ledger', '\$.signer', '\$.signature')")" \
		"the document is the transcript with format, ledger, signer and signature"
fi
yh verify --pubkey "$PUB" doc.json
assert_exit 0 "the published document verifies with the store's key"

# The signature checked outside yaohao, as spec §13 describes: the JCS text of
# the document without its signature (Python's json.dumps), Ed25519 (openssl).
if command -v python3 >/dev/null && command -v openssl >/dev/null && command -v xxd >/dev/null; then
	python3 -c '
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
open(sys.argv[2], "w").write(doc.pop("signature"))
open(sys.argv[3], "wb").write(json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())' doc.json sig.hex msg.bin
	xxd -r -p sig.hex > sig.bin
	printf '302a300506032b6570032100%s' "$PUB" | xxd -r -p > pub.der
	if openssl pkeyutl -verify -pubin -inkey pub.der -keyform DER -rawin -in msg.bin -sigfile sig.bin >/dev/null 2>&1; then
		_pass "openssl verifies the signature over Python's canonical text of the document"
	else
		_fail "openssl verifies the signature over Python's canonical text of the document"
	fi
	printf ' ' >> msg.bin
	if openssl pkeyutl -verify -pubin -inkey pub.der -keyform DER -rawin -in msg.bin -sigfile sig.bin >/dev/null 2>&1; then
		_fail "openssl refuses the signature over other bytes"
	else
		_pass "openssl refuses the signature over other bytes"
	fi
else
	echo "note: no python3 or openssl: the signature is not checked outside yaohao"
fi

# --output and --key FILE.
cp -p d1/yaohao.db.key elsewhere.key
yh publish --db "$DB" --key elsewhere.key "$TASK_ID" --output doc2.json
assert_exit 0 "publish --key FILE --output FILE exits 0"
assert_eq "$(cat doc.json)" "$(cat doc2.json)" "the same document"
YAOHAO_DB="$DB" yh publish "$TASK_ID" -o doc3.json
assert_exit 0 "publish uses \$YAOHAO_DB (and DB.key beside it)"
assert_eq "$(cat doc.json)" "$(cat doc3.json)" "the same document again"

# ---- errors --------------------------------------------------------------------------

# An unknown task.
yh publish --db "$DB" T-NONE -o none.json
assert_exit "$EXIT_STORE" "publish of an unknown task exits $EXIT_STORE (YH_ENOTFOUND)"
assert_stderr_contains "'T-NONE'" "the message names the task"
assert_stderr_contains "no such task" "the message says there is no such task (as draw and plan show say)"
assert_stderr_not_contains "run 'yaohao draw'" "an unknown task is not sent to 'yaohao draw'"
assert_no_file none.json "no document for an unknown task"
assert_eq "" "$STDOUT" "nothing on stdout"

# A task that is planned, then committed, but not drawn.
yh init --department 330100-SCJG --db c.db
for r in entities inspectors conflicts; do
	yh import --db c.db "$r" "$FIXTURES/$r.csv"
done
yh plan add --db c.db "$FIXTURES/task-food.json"
assert_exit 0 "plan add in c.db"
yh publish --db c.db "$TASK_ID" -o planned.json
assert_exit "$EXIT_STORE" "publish of a planned task exits $EXIT_STORE"
assert_stderr_contains "'$TASK_ID'" "a planned task: the message names the task"
printf '%s\n' "$STDERR" | grep -qE "not drawn|no draw" && _pass "a planned task: the message says it is not drawn" ||
	_fail "a planned task: the message says it is not drawn" "stderr: $STDERR"
assert_no_file planned.json "no document for a planned task"
yh commit --db c.db "$TASK_ID" --entropy-source "test value" -o ann.json
assert_exit 0 "commit in c.db"
cbefore=$(sql_dump c.db)
yh publish --db c.db "$TASK_ID" -o committed.json
assert_exit "$EXIT_STORE" "publish of a committed task not drawn exits $EXIT_STORE"
assert_stderr_contains "'$TASK_ID'" "a committed task: the message names the task"
printf '%s\n' "$STDERR" | grep -qE "not drawn|no draw" && _pass "a committed task: the message says it is not drawn" ||
	_fail "a committed task: the message says it is not drawn" "stderr: $STDERR"
assert_stderr_contains "yaohao draw" "a committed task: the message points at 'yaohao draw'"
assert_no_file committed.json "no document for a task not drawn"
assert_eq "$cbefore" "$(sql_dump c.db)" "a refused publish changes nothing"
yh draw --db c.db "$TASK_ID" --entropy "test value" -o tr-c.json
yh publish --db c.db "$TASK_ID" -o drawn.json
assert_exit 0 "after the draw, publish exits 0"
yh verify drawn.json
assert_exit 0 "c.db's document verifies"

# No -o.
yh publish --db "$DB" "$TASK_ID"
assert_exit "$EXIT_USAGE" "publish without -o exits $EXIT_USAGE"
assert_stderr_contains "-o FILE is required"
assert_stderr_contains "yaohao publish --help"
assert_eq "" "$STDOUT" "publish without -o prints no document"
yh publish --db "$DB" -o x.json
assert_exit "$EXIT_USAGE" "publish without a task exits $EXIT_USAGE"
yh publish --db "$DB" "$TASK_ID" other -o x.json
assert_exit "$EXIT_USAGE" "publish with two tasks exits $EXIT_USAGE"
yh publish --db "$DB" --frob "$TASK_ID" -o x.json
assert_exit "$EXIT_USAGE" "publish with an unknown option exits $EXIT_USAGE"
assert_no_file x.json "no document after a usage error"
yh publish --help
assert_exit 0 "publish --help exits 0"
assert_stdout_contains "usage: yaohao publish"

# No key, the wrong key, a key others can read.
mv d1/yaohao.db.key away.key
yh publish --db "$DB" "$TASK_ID" -o nokey.json
assert_exit "$EXIT_STORE" "publish without the key file exits $EXIT_STORE"
assert_stderr_contains "the store's secret key is not at 'd1/yaohao.db.key'" "the message names the key file looked for"
assert_no_file nokey.json "no document without the key"
yh publish --db "$DB" --key missing.key "$TASK_ID" -o nokey.json
assert_exit "$EXIT_STORE" "publish with a missing --key exits $EXIT_STORE"
assert_stderr_contains "missing.key"
assert_no_file nokey.json "no document with a missing --key"
yh publish --db "$DB" --key c.db.key "$TASK_ID" -o wrongkey.json
assert_exit "$EXIT_STORE" "publish with another store's key exits $EXIT_STORE"
assert_stderr_contains "is not the signing key of this store" "the message says the key is not the store's"
assert_no_file wrongkey.json "no document signed by another key"
mv away.key d1/yaohao.db.key
chmod 644 d1/yaohao.db.key
yh publish --db "$DB" "$TASK_ID" -o readable.json
assert_exit "$EXIT_STORE" "publish with a key file readable by others exits $EXIT_STORE"
assert_stderr_contains "readable by others"
assert_no_file readable.json "no document with an exposed key"
chmod 600 d1/yaohao.db.key

# A missing store; an output that cannot be written.
yh publish --db "$T/none.db" "$TASK_ID" -o x.json
assert_exit "$EXIT_STORE" "publish on a missing store exits $EXIT_STORE"
assert_no_store "$T/none.db" "publish creates no store"
yh publish --db "$DB" "$TASK_ID" -o "$T/no/such/dir/doc.json"
assert_exit "$EXIT_DATA" "publish to a folder that does not exist exits $EXIT_DATA"
assert_stderr_contains "$T/no/such/dir/doc.json" "the message names the output"

# The public page: one self-contained HTML file with the document embedded (tests/web/run.sh
# checks it in a browser).
yh publish --db "$DB" "$TASK_ID" --html page.html
assert_exit 0 "publish --html exits 0"
assert_file_exists page.html
grep -q '<script type="application/json" id="draw-document">' page.html
assert_eq 0 $? "the page embeds the draw document"
grep -q "default-src 'none'" page.html
assert_eq 0 $? "the page forbids network requests"
grep -qiE '(src|href)=' page.html
assert_eq 1 $? "the page loads nothing from outside"

assert_eq "$N" "$(db_count "$DB" ledger)" "after everything the demo ledger still has $N entries"
assert_eq "$before" "$(sql_dump "$DB")" "after everything the demo store is unchanged"

finish

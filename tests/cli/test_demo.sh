# test_demo.sh — yaohao demo: the whole job on the bundled fixtures.
source "$TESTLIB"
# On PostgreSQL (tests/pg) the store DIR/yaohao.db is a database: yaohao-on-pg gives the demo
# --db URI --key DIR/yaohao.db.key.

# --dir DIR (created if missing).
yh demo --dir d1
assert_exit 0 "demo --dir d1 exits 0"
assert_stdout_contains "demo folder: d1"
assert_stdout_contains "$ yaohao init --department 330100-SCJG --db d1/yaohao.db"
for r in entities inspectors conflicts items; do
	assert_stdout_contains "$ yaohao import $r " "demo imports $r"
done
assert_stdout_contains "300 rows, 300 added, 0 changed, 0 unchanged, 0 closed" "demo: 300 entities added"
assert_stdout_contains "40 rows, 40 added"
assert_stdout_contains "15 rows, 15 added"
assert_stdout_contains "8 rows, 8 added"
assert_stdout_contains "$ yaohao stats"
assert_stdout_contains "entities: 300 (on the abnormal-operations list: 15)" "demo prints the statistics"
assert_stdout_contains "浙江省"
assert_stdout_contains "inspectors: 40"
assert_stdout_contains "conflicts (回避): 15"
assert_stdout_contains "check items: 8"
assert_stdout_contains "try: yaohao log --db d1/yaohao.db"
assert_store_exists d1/yaohao.db "demo leaves d1/yaohao.db"
# The demo's ledger: init, the signing key, the four imports, then the task, its commitment
# and its draw; nine days later the calendar, 14 results, a reassignment, the entity register
# with one entity deregistered, its substitution, the substitute's result and the disclosure.
DEMO_KINDS="init key import import import import task commit draw calendar$(printf ' result%.0s' $(seq 14)) reassign import substitute result disclose"
DEMO_N=$(printf '%s\n' "$DEMO_KINDS" | wc -w)
assert_eq "$DEMO_N" "$(db_count d1/yaohao.db ledger)" "the demo store has the draw and what followed ($DEMO_N entries)"
# The draw is the food test vector's (its pinned secret and value): the same transcript.
assert_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([s["id"] for s in d["selected"]], d["seed"])' "$FIXTURES/vectors/food/draw.json")" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([s["id"] for s in d["selected"]], d["seed"])' d1/draw.json)" \
	"the demo's draw is the food test vector's (seed and selection)"
# After the draw: results imported, one reassignment, one substitution, the disclosure verified.
assert_stdout_contains "recorded 14 results and 0 corrections" "demo imports fixtures/results.csv"
assert_stdout_contains "replaces 33010020190003 by the draw's rule" "demo reassigns one officer"
assert_stdout_contains "reserve 1 of stratum -, 9133011382786654X7, takes its place" "demo substitutes the deregistered entity"
assert_stdout_contains "15 result(s), 0 correction(s), 1 reassignment(s), 1 substitution(s)" "demo verifies the results document"
assert_stdout_contains "every reassignment and substitution is the one the rules give" "demo recomputes the replacements"
assert_stdout_contains "T-2026-12-FOOD: results, 15 of 17 results, 1 disclosure(s)" "demo shows the dashboard"
assert_file_exists d1/results.json "demo leaves the results document"
assert_eq "统一社会信用代码,企业名称,抽查任务编号,抽查类型,抽查机关,检查日期,检查结果,后续处置,公示日期" \
	"$(head -1 d1/results-disclosure.csv)" "the disclosure CSV's header"
assert_eq 16 "$(wc -l < d1/results-disclosure.csv)" "the disclosure CSV: a header and 15 results"
# The store signs its ledger with a new key beside it, as 'yaohao init' does.
assert_stdout_contains "created signing key " "demo creates a signing key"
assert_file_exists d1/yaohao.db.key "demo leaves the secret key d1/yaohao.db.key"
assert_eq 600 "$(stat -c %a d1/yaohao.db.key)" "the demo's key file has mode 600"
assert_eq "$(db_count d1/yaohao.db ledger)" \
	"$(sql d1/yaohao.db "select count(*) from ledger where length(signature) = 64 and key_id = (select $(jx payload '$.key_id') from ledger where kind = 'key')")" \
	"every entry of the demo ledger is signed by the demo's key"
yh verify d1/results.json --draw d1/draw.json --inspectors d1/inspectors.frozen.csv --conflicts d1/conflicts.frozen.csv
assert_exit 0 "the demo's results document verifies with the CLI"
yh audit --db d1/yaohao.db
assert_exit 0 "the demo store passes the audit"

# The store is a normal store: other commands use it, with the same statistics.
yh stats --db d1/yaohao.db
assert_exit 0 "stats on the demo store"
assert_stdout_contains "entities: 300 (on the abnormal-operations list: 15)"
yh log --db d1/yaohao.db
assert_exit 0 "log on the demo store"
assert_eq "$DEMO_KINDS" "$(printf '%s\n' "$STDOUT" | awk '{ print $2 }' | tr '\n' ' ' | sed 's/ $//')" \
	"the demo ledger: the draw and what followed"
# The demo's key is the store's key: later writes with it are accepted.
yh import --db d1/yaohao.db --dry-run items "$FIXTURES/items.csv"
assert_exit 0 "the demo store accepts its key file (DB.key)"

# The same draw and what followed, byte for byte: the demo again with d1's key, its store a
# SQLite file (on PostgreSQL: the same job on the other backend gives the same files).
yh_sqlite demo --dir same --signing-key d1/yaohao.db.key
assert_exit 0 "demo --signing-key: the demo again with d1's key, on SQLite"
assert_stdout_contains "signing with key $(sql d1/yaohao.db "select $(jx payload '$.key_id') from ledger where kind = 'key'") from 'd1/yaohao.db.key'" \
	"demo --signing-key names the key it signs with"
PUBLIC="announcement.json conflicts.frozen.csv draw.html draw.json entities.frozen.csv feed.json inspectors.frozen.csv public-key.txt results-disclosure.csv results.html results.json transcript.json"
assert_eq "$PUBLIC" "$(cd same && ls -- *.json *.csv *.html *.txt | tr '\n' ' ' | sed 's/ $//')" "the demo's public files"
for f in $PUBLIC; do
	if cmp -s "d1/$f" "same/$f"; then _pass "$f: the same bytes on SQLite and $(on_pg && echo PostgreSQL || echo SQLite)"
	else _fail "$f: the same bytes on SQLite and $(on_pg && echo PostgreSQL || echo SQLite)" "$(cmp "d1/$f" "same/$f" 2>&1)"; fi
done
assert_no_file same/yaohao.db.key "demo --signing-key writes no key file"
yh demo --dir sk --signing-key "$T/missing.key"
assert_exit 4 "demo --signing-key with a missing key file exits 4"
assert_stderr_contains "$T/missing.key" "the message names the missing key file"
assert_no_store sk/yaohao.db "no store without its key"
yh demo --dir sk --key a.key --signing-key d1/yaohao.db.key
assert_exit 2 "demo --key and --signing-key together exit 2"

# --db and --key: the store and the new key where they are named (the public files in DIR).
yh demo --draw-only --dir dd --db other.db
assert_exit 0 "demo --db other.db"
assert_store_exists other.db "demo --db: the store is where --db says"
assert_no_store dd/yaohao.db "demo --db: no store in DIR"
assert_file_exists other.db.key "demo --db: its key beside it (DB.key)"
assert_file_exists dd/draw.json "demo --db: the public files in DIR"
yh demo --draw-only --dir dk2 --db other2.db --key k2.key
assert_exit 0 "demo --db --key"
assert_file_exists k2.key "demo --key: the new key where --key says"
assert_no_file other2.db.key "demo --key: no key file at the default path"

# A URI given as such (yaohao itself, not tests/pg's wrapper): the key's default is
# DIR/<database name>.key, and a database that holds a store already is refused.
if on_pg; then
	yh stats --db du.db # (the wrapper makes the database, empty)
	run "$YAOHAO_BIN" demo --draw-only --dir du --db "$(store_arg du.db)"
	assert_exit 0 "demo --db URI"
	name=$(store_arg du.db | sed 's|^postgresql:///||; s|?.*||')
	assert_file_exists "du/$name.key" "demo --db URI: the key is DIR/<database name>.key"
	assert_stdout_contains "$ yaohao init --department 330100-SCJG --db $(store_arg du.db)" "demo --db URI: the store is the database"
	run "$YAOHAO_BIN" demo --draw-only --dir du2 --db "$(store_arg du.db)"
	assert_exit 4 "demo --db URI of a database that holds a store exits 4"
	assert_stderr_contains "store exists already" "the message says the store exists"
	assert_no_file "du2/$name.key" "the refused demo leaves no key file"
fi

# Again on the same DIR: the store exists, exit 4, the store and key untouched.
before=$(sql_dump d1/yaohao.db)
before_key=$(cat d1/yaohao.db.key)
yh demo --dir d1
assert_exit 4 "demo on a DIR that holds a store exits 4"
assert_stderr_contains "d1/yaohao.db" "the message names the existing store"
assert_stderr_contains "exists"
assert_eq "$before" "$(sql_dump d1/yaohao.db)" "the existing demo store is unchanged"
assert_eq "$before_key" "$(cat d1/yaohao.db.key)" "the existing demo key file is unchanged"

# A DIR that holds a key file but no store: refused like 'yaohao init' refuses
# it (exit 4, naming the key file), the key file untouched and no store left
# behind (a store without its key could never be written).
mkdir dk
printf 'not mine\n' > dk/yaohao.db.key
yh demo --dir dk
assert_exit 4 "demo on a DIR that holds a key file exits 4"
assert_stderr_contains "dk/yaohao.db.key" "the message names the existing key file"
assert_eq "not mine" "$(cat dk/yaohao.db.key)" "the existing key file is unchanged"
assert_no_store dk/yaohao.db "no store without its key is left behind"

# An existing empty folder is fine.
mkdir d2
yh demo --dir d2 --fixtures "$FIXTURES"
assert_exit 0 "demo in an existing empty folder with --fixtures"
assert_store_exists d2/yaohao.db

# $YAOHAO_FIXTURES, and a fixtures folder that does not exist.
YAOHAO_FIXTURES="$FIXTURES" yh demo --dir d3
assert_exit 0 "demo with \$YAOHAO_FIXTURES"
assert_stdout_contains "fixtures:    $FIXTURES"
yh demo --dir d4 --fixtures "$T/no-fixtures"
assert_exit 3 "demo with a missing fixtures folder exits 3"
assert_stderr_contains "$T/no-fixtures"
assert_no_store d4/yaohao.db "no store without fixtures"

# Without --dir: a new temporary folder, whose path is printed.
mkdir tmp
TMPDIR="$T/tmp" yh demo
assert_exit 0 "demo without --dir exits 0"
dir=$(printf '%s\n' "$STDOUT" | sed -n 's/^demo folder: //p')
assert_ne "" "$dir" "demo prints its folder"
case $dir in
"$T/tmp/"*) _pass "the demo folder is under \$TMPDIR" ;;
*) _fail "the demo folder is under \$TMPDIR" "got: $dir" ;;
esac
assert_store_exists "$dir/yaohao.db" "the printed folder holds yaohao.db"
assert_eq 300 "$(sql "$dir/yaohao.db" "select count(*) from entity where valid_to is null")" "the temporary store has 300 entities"
rm -rf -- "$dir"
assert_no_file "$dir" "the temporary demo folder is removed"

# Two runs without --dir use two folders.
TMPDIR="$T/tmp" yh demo
dir1=$(printf '%s\n' "$STDOUT" | sed -n 's/^demo folder: //p')
TMPDIR="$T/tmp" yh demo
dir2=$(printf '%s\n' "$STDOUT" | sed -n 's/^demo folder: //p')
assert_exit 0 "a second demo without --dir"
assert_ne "$dir1" "$dir2" "each demo without --dir gets its own folder"
rm -rf -- "$dir1" "$dir2"

yh demo extra
assert_exit 2 "demo with an argument exits 2"

finish

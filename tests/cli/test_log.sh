# test_log.sh — yaohao log lists the ledger: init first, then the key entry,
# then the imports in order.
source "$TESTLIB"

yh init --department 330100-SCJG --db l.db
yh log --db l.db
assert_exit 0 "log on a new store"
assert_eq "1 init
2 key" "$(printf '%s\n' "$STDOUT" | awk '{ print $1, $2 }')" \
	"a new store has two ledger entries: init, then the key entry"
assert_stdout_contains '"department":"330100-SCJG"' "the init entry records the department"
# The entries a new store starts with (init and key): the imports follow them.
NEW=$(printf '%s\n' "$STDOUT" | wc -l)

for r in entities inspectors conflicts items; do
	yh import --db l.db "$r" "$FIXTURES/$r.csv"
	assert_exit 0 "import $r"
done
yh import --db l.db --dry-run entities "$FIXTURES/entities.csv"
yh import --db l.db entities "$FIXTURES/broken/entities-mixed.csv"
assert_exit 3 "a failed import"

N=$((NEW + 4))
yh log --db l.db
assert_exit 0 "log exits 0"
assert_stderr_empty "log prints nothing on stderr"
assert_eq "$N" "$(printf '%s\n' "$STDOUT" | wc -l)" "$N entries: init + key + 4 imports (no dry run, no failed import)"
assert_eq "1 init
2 key
3 import
4 import
5 import
6 import" "$(printf '%s\n' "$STDOUT" | awk '{ print $1, $2 }')" "sequence numbers and kinds in order"
assert_eq "entities inspectors conflicts items" \
	"$(printf '%s\n' "$STDOUT" | sed -n 's/.*"register":"\([a-z]*\)".*/\1/p' | tr '\n' ' ' | sed 's/ $//')" \
	"the imports are listed in the order they were made"
assert_stdout_contains '"file":"entities.csv"'
assert_stdout_contains "\"sha256\":\"$(sha256sum "$FIXTURES/entities.csv" | cut -d' ' -f1)\"" "the entry records the file's sha256"
hashes=$(printf '%s\n' "$STDOUT" | awk '{ print $3 }')
assert_eq "$N" "$(printf '%s\n' "$hashes" | grep -c '^[0-9a-f]\{16\}$')" "each entry shows a 16-digit hash prefix"
assert_eq "$N" "$(printf '%s\n' "$hashes" | sort -u | wc -l)" "the entry hashes differ"

# --json: one valid object per line, in order, with the hash chain in the store.
yh log --db l.db --json
assert_exit 0 "log --json exits 0"
assert_eq "$N" "$(printf '%s\n' "$STDOUT" | wc -l)" "log --json: one line per entry"
n=0
ok=1
while IFS= read -r line; do
	n=$((n + 1))
	printf '%s\n' "$line" > entry.json
	[ "$(json_valid entry.json)" = 1 ] || ok=0
	[ "$(json_get entry.json '$.seq')" = "$n" ] || ok=0
	[ "$(json_get entry.json '$.hash' | wc -c)" = 65 ] || ok=0
done <<<"$STDOUT"
assert_eq 1 "$ok" "log --json: each line is valid JSON with seq 1..$N and a 64-digit hash"
printf '%s\n' "$STDOUT" | head -n 1 > first.json
assert_eq init "$(json_get first.json '$.kind')" "the first entry is init"
assert_eq 330100-SCJG "$(json_get first.json '$.payload.department')"
printf '%s\n' "$STDOUT" | sed -n 2p > second.json
assert_eq key "$(json_get second.json '$.kind')" "the second entry is the key entry"
printf '%s\n' "$STDOUT" | sed -n "$((NEW + 1))p" > import1.json
assert_eq "import entities 300 full" "$(for k in kind payload.register payload.added payload.mode; do printf '%s ' "$(json_get import1.json "\$.$k")"; done | sed 's/ $//')" \
	"the entry after the key entry is the entities import"
assert_eq "$(sql l.db "select $(sql_hex hash) from ledger where seq = $N")" \
	"$(printf '%s\n' "$STDOUT" | tail -n 1 > last.json; json_get last.json '$.hash')" "log --json shows the stored hash"
assert_eq "$N" "$(json_get last.json '$.seq')" "the last line is entry $N"
assert_eq $((N - 1)) "$(sql l.db "select count(*) from ledger a join ledger b on b.seq = a.seq + 1 where b.prev_hash = a.hash")" \
	"each entry's prev_hash is the previous entry's hash"

# Errors.
yh log --db l.db extra
assert_exit 2 "log with an argument exits 2"
yh log --db l.db --frob
assert_exit 2 "log with an unknown option exits 2"

finish

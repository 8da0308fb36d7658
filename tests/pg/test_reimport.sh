# test_reimport.sh — imports into a register with rows on PostgreSQL (register_writer.c: rows
# added through a COPY of each chunk, closes gathered into batched UPDATEs) give what SQLite
# gives: the same ledger entries and counts, and the same register as of every entry.  The
# register is large enough for several chunks (1 MiB of rows each) and several batches of
# closes (64 keys each, the last one partly filled); a full re-import adds, changes, closes; a
# partial one changes, adds, and keeps a name holding COPY's escaped bytes.
source "$TESTLIB"

CLUSTER=${CLUSTER:?CLUSTER must name tests/pg/cluster.sh}
: "${YAOHAO_GEN:?YAOHAO_GEN must name yaohao-gen}"
export SOURCE_DATE_EPOCH=1796083200
PGDIR=$(mktemp -d /tmp/yaohao-pg.XXXXXX)
trap 'bash "$CLUSTER" stop "$PGDIR" >/dev/null 2>&1; rm -rf "$PGDIR"; _lib_exit' EXIT
bash "$CLUSTER" start "$PGDIR" >/dev/null
rc=$?
if [ "$rc" -eq 77 ]; then echo "no PostgreSQL server: skipped"; _finished=1; exit 77; fi
assert_eq 0 "$rc" "the throwaway cluster starts"
PG=$(bash "$CLUSTER" createdb "$PGDIR" reimport)

"$YAOHAO_GEN" entities 30000 --seed 11 --regions "$FIXTURES/regions.csv" > all.csv
head -n 12001 all.csv > v1.csv
# 1 row in 97 gone, 1 in 89 renamed, rows 12,001 to 30,000 new
awk -F, -v OFS=, 'NR > 1 && NR % 97 == 0 { next } NR > 1 && NR % 89 == 0 { $2 = $2 "（更名）" } { print }' \
	all.csv > v2.csv
# partial: 1 row in 50 of v2 renamed again, one name with a backslash, a tab and a newline
# escape in its text, and the rows gone from v2 back
awk -F, -v OFS=, 'NR == 1 { print; next } NR % 97 == 0 { print; next } NR % 50 == 0 { $2 = $2 "（再）"; if (NR == 1000) $2 = $2 "\\t\\n\\\\"; print }' \
	all.csv > v3.csv
assert_eq 1 "$(grep -c '\\t\\n\\\\' v3.csv)" "v3.csv has a name with backslashes"
# full, over v1: all.csv with v1's first 100 keys in key order and its 11,000th renamed.  The
# first 64 closes go in a full batch, the 36 others with the first COPY (of 1 MiB of the 18,000
# rows added, the new versions of the 100 among them), the last one alone, after: that batch's
# unused slots must match nothing, not the keys of the batches before
tail -n +2 v1.csv | cut -d, -f1 | LC_ALL=C sort | sed -n '1,100p;11000p' > v4.ids
awk -F, -v OFS=, 'NR == FNR { ids[$1] = 1; next } FNR > 1 && ($1 in ids) { $2 = $2 "（四）" } { print }' \
	v4.ids all.csv > v4.csv

run "$YAOHAO" init --department 330100-SCJG --db lite.db --key lite.key
assert_exit 0 "init on SQLite"
run "$YAOHAO" init --department 330100-SCJG --db "$PG" --key pg.key
assert_exit 0 "init on PostgreSQL"

entries= n=0
for step in "v1.csv" "v2.csv" "--partial v3.csv" "v1.csv" "v4.csv"; do
	# shellcheck disable=SC2086 # $step is the arguments
	run "$YAOHAO" import entities $step --db lite.db --key lite.key
	lite=$(printf '%s\n%s' "$STDOUT" "$RC")
	# shellcheck disable=SC2086
	run "$YAOHAO" import entities $step --db "$PG" --key pg.key
	assert_exit 0 "import $step on PostgreSQL"
	assert_eq "$lite" "$(printf '%s\n%s' "$STDOUT" "$RC")" "import $step: the same entry, counts and SHA-256"
	n=$((n + 1)); printf '%s\n' "$lite" > "lite.import.$n"; printf '%s\n%s\n' "$STDOUT" "$RC" > "pg.import.$n"
	entries="$entries $(printf '%s' "$STDOUT" | grep -o 'ledger entry [0-9]*' | grep -o '[0-9]*$')"
done
for e in $entries; do
	run "$YAOHAO" export entities --as-of "$e" --db lite.db -o "lite.$e.csv"
	run "$YAOHAO" export entities --as-of "$e" --db "$PG" -o "pg.$e.csv"
	assert_exit 0 "export as of entry $e on PostgreSQL"
	if cmp -s "lite.$e.csv" "pg.$e.csv"; then _pass "the register as of entry $e: the same bytes"
	else _fail "the register as of entry $e differs"; diff "lite.$e.csv" "pg.$e.csv" | head -5; fi
done
set -- $entries
assert_eq 12000 "$(($(wc -l < "pg.$1.csv") - 1))" "v1: 12,000 rows"
assert_eq "$(($(wc -l < v2.csv) - 1))" "$(($(wc -l < "pg.$2.csv") - 1))" "v2: the register is the file"
assert_eq 1 "$(grep -c '\\t\\n\\\\' "pg.$3.csv")" "the name with backslashes came back as it went in"
assert_eq 101 "$(grep -c '（四）' "pg.$5.csv")" "v4: its 101 renamed rows current"
# the first full re-import closed 1 row of v1 in 97 and changed 1 in 89: batches of closes, chunks of rows
case "$(cat pg.import.2)" in
# (of v1's 12,000 rows 123 gone and 133 renamed, one of the 134 renamed being gone; 186 of the
# 18,000 new rows gone too)
*"29691 rows, 17814 added, 133 changed, 11744 unchanged, 123 closed"*) _pass "v2: 123 closed, 133 changed, 17,814 added" ;;
*) _fail "v2: not 123 closed, 133 changed, 17,814 added" "$(cat pg.import.2)" ;;
esac
case "$(cat pg.import.5)" in
*"30000 rows, 18000 added, 101 changed, 11899 unchanged, 0 closed"*) _pass "v4: 101 changed, 18,000 added" ;;
*) _fail "v4: not 101 changed, 18,000 added" "$(cat pg.import.5)" ;;
esac
finish

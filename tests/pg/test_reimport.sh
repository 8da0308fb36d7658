# test_reimport.sh — imports into a register with rows on PostgreSQL (register_writer.c: rows
# added through a COPY of each chunk, closes gathered into batched UPDATEs) give what SQLite
# gives: the same ledger entries and counts, and the same register as of every entry.  The
# register is large enough for several chunks (1 MiB of rows each) and several batches of
# closes (64 keys each, the last one partly filled); a full re-import adds, changes, closes; a
# partial one changes, adds, and keeps a name holding COPY's escaped bytes.  Then the same
# imports by a department's role under row-level security (the roles and grants of
# docs/operations.md), where COPY fills a temporary table and INSERT ... SELECT moves each chunk:
# the same again (its closes one UPDATE per key), every row the department's, none seen by the
# other department; a department without TEMPORARY keeps the INSERTs.
DOC=${DOC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/docs/operations.md}
source "$TESTLIB"

CLUSTER=${CLUSTER:?CLUSTER must name tests/pg/cluster.sh}
: "${YAOHAO_GEN:?YAOHAO_GEN must name yaohao-gen}"
export SOURCE_DATE_EPOCH=1796083200
pg_throwaway_cluster
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
# the imports of 10,000 rows or more renewed the planner's statistics (the superuser owns the
# table); autovacuum's are counted apart
assert_eq t "$("$(_pg_bin)/psql" -X -q -A -t "$PG" -c "SELECT analyze_count >= 2 FROM pg_stat_user_tables WHERE relname = 'entity'")" \
	"the big imports analyzed the register's table"
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

# ---- the same imports by a department's role, under row-level security ---------------------------

PSQL="$(_pg_bin)/psql"
D1=330100-SCJG D2=330200-SCJG
pg_operations_setup
DB1=$(pg_uri yaohao yh_330100_scjg) DB2=$(pg_uri yaohao yh_330200_scjg)
run "$YAOHAO" init --department $D1 --db "$DB1" --key d1.key
assert_exit 0 "$D1 makes its space, as its role"
run "$YAOHAO" init --department $D2 --db "$DB2" --key d2.key
assert_exit 0 "$D2 makes its space, as its role"
# the statements of D1's sessions in the server's log: which way the rows went
pg_as yaohao -c "ALTER ROLE yh_330100_scjg SET log_statement = 'all'"
assert_exit 0 "D1's statements logged"
log0=$(wc -l < "$PGDIR/server.log")

n=0
for step in "v1.csv" "v2.csv" "--partial v3.csv" "v1.csv" "v4.csv"; do
	n=$((n + 1)) before=$(wc -l < "$PGDIR/server.log")
	# shellcheck disable=SC2086
	run "$YAOHAO" import entities $step --db "$DB1" --key d1.key
	copies[n]=$(tail -n +"$((before + 1))" "$PGDIR/server.log" | grep -c 'COPY pg_temp.yh_stage_entity (')
	assert_exit 0 "$D1 imports $step"
	assert_eq "$(cat "lite.import.$n")" "$(printf '%s\n%s' "$STDOUT" "$RC")" \
		"$D1's import $step: the same entry, counts and SHA-256 as on SQLite"
done
for e in $entries; do
	run "$YAOHAO" export entities --as-of "$e" --db "$DB1" -o "rls.$e.csv"
	assert_exit 0 "$D1 exports as of entry $e"
	if cmp -s "lite.$e.csv" "rls.$e.csv"; then _pass "$D1's register as of entry $e: SQLite's bytes"
	else _fail "$D1's register as of entry $e differs from SQLite's"; diff "lite.$e.csv" "rls.$e.csv" | head -5; fi
done
log=$(tail -n +"$((log0 + 1))" "$PGDIR/server.log")
# v1 into the empty register, 12,000 rows, and v2 into it with rows, 17,814 added: over 1 MiB each
assert_eq 1 "$([ "${copies[1]}" -ge 2 ] && [ "${copies[2]}" -ge 2 ] && echo 1)" \
	"$D1's rows went by chunks through COPY into the temporary table (v1: ${copies[1]} COPYs, v2: ${copies[2]})"
ncopy=$(grep -c 'COPY pg_temp.yh_stage_entity (' <<<"$log")
moves=$(grep -c 'INSERT INTO entity (.*) SELECT .* FROM pg_temp.yh_stage_entity' <<<"$log")
assert_eq "$ncopy" "$moves" "each COPY followed by its INSERT ... SELECT"
assert_eq 0 "$(grep -c 'INSERT INTO entity (.*) VALUES' <<<"$log")" "no row through INSERT ... VALUES"
assert_eq 0 "$(grep -c 'COPY entity' <<<"$log")" "no COPY into the register itself"
assert_eq 1 "$([ "$(grep -c 'UPDATE entity SET valid_to = .* AND id = ' <<<"$log")" -gt 0 ] && echo 1)" \
	"$D1's closes: one key to an UPDATE"
assert_eq 0 "$(grep -c 'UPDATE entity SET valid_to = .* IN (' <<<"$log")" "… never the 64-key UPDATE"
# every version in the register is D1's, as many as the superuser's store holds; D2 sees none
run "$PSQL" -X -q -A -t "$PG" -c "SELECT count(*) FROM entity"
versions=$STDOUT
pg_as yh_audit -c "SELECT dept || ' ' || count(*) FROM entity GROUP BY dept"
assert_eq "$D1 $versions" "$STDOUT" "the auditor: all $versions versions of entity are $D1's"
pg_as yh_330100_scjg -c "SELECT count(*) FROM entity"
assert_eq "$versions" "$STDOUT" "$D1's role sees them"
pg_as yh_330200_scjg -c "SELECT count(*) FROM entity"
assert_eq 0 "$STDOUT" "$D2's role sees none of them"
run "$YAOHAO" export entities --db "$DB2" -o d2.csv
assert_exit 0 "$D2 exports its entities"
assert_eq 1 "$(wc -l < d2.csv)" "$D2's register: the header alone"

# a role that may not make temporary tables keeps the INSERTs, with the same result
pg_as yaohao -c "REVOKE TEMPORARY ON DATABASE yaohao FROM PUBLIC" \
	-c "ALTER ROLE yh_330200_scjg SET log_statement = 'all'"
assert_exit 0 "no temporary tables for the departments"
before=$(wc -l < "$PGDIR/server.log")
run "$YAOHAO" import entities v1.csv --db "$DB2" --key d2.key
assert_exit 0 "$D2 imports v1.csv"
assert_eq "$(cat lite.import.1)" "$(printf '%s\n%s' "$STDOUT" "$RC")" "$D2's import: the same entry and counts"
log=$(tail -n +"$((before + 1))" "$PGDIR/server.log")
assert_eq 0 "$(grep -c 'COPY' <<<"$log")" "$D2's rows: no COPY"
assert_eq 1 "$([ "$(grep -c 'INSERT INTO entity (.*) VALUES' <<<"$log")" -gt 0 ] && echo 1)" "… but INSERTs"
set -- $entries
run "$YAOHAO" export entities --as-of "$1" --db "$DB2" -o d2.csv
assert_exit 0 "$D2 exports as of entry $1"
cmp -s "lite.$1.csv" d2.csv && _pass "$D2's register: SQLite's bytes" || _fail "$D2's register differs from SQLite's"
pg_as yh_330100_scjg -c "SELECT count(*) FROM entity"
assert_eq "$versions" "$STDOUT" "$D1's role sees none of $D2's rows"
finish

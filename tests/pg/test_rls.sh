# test_rls.sh — two departments in one PostgreSQL database, kept apart by the database: the roles
# made by the SQL of docs/operations.md (taken from the file, not retyped: the English and the
# Chinese copies must agree), the schema made by its owner, each department's space made by its
# own role; then, with plain psql, one department's role tries to read and write the other's rows
# in every table (it must see none, in particular no commit secret, and every write must fail or
# change nothing), the auditor reads both and writes nothing, and the writers of the two
# departments do not wait for each other.
source "$TESTLIB"

CLUSTER=${CLUSTER:?CLUSTER must name tests/pg/cluster.sh}
DOC=${DOC:?DOC must name docs/operations.md}
export SOURCE_DATE_EPOCH=1796083200 # 2026-12-01T00:00:00Z
pg_throwaway_cluster
PSQL="$(_pg_bin)/psql"
D1=330100-SCJG D2=330200-SCJG
TASK=T-2026-12-FOOD

fail() { _fail "$1"; }
assert_not_contains() { # HAYSTACK NEEDLE DESC
	if grep -qF -- "$2" <<<"$1"; then _fail "$3"; else _pass "$3"; fi
}
# ---- the SQL of docs/operations.md ----------------------------------------------------------------

pg_operations_setup new-department
run "$YAOHAO" init --schema-only --db "$(pg_uri yaohao yaohao)"
assert_exit 4 "init --schema-only again: the database has it"
pg_as yaohao -c "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
assert_eq "yaohao_owner" "$STDOUT" "every table belongs to yaohao_owner"

# every table but the role and share maps holds department rows, under forced row-level security
pg_as yaohao -c "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_class c
	JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'
	AND c.relname NOT IN ('yh_role', 'yh_share')"
TABLES=$STDOUT
assert_eq 13 "$(wc -w <<<"$TABLES")" "13 department tables ($TABLES)"
pg_as yaohao -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT IN ('yh_role', 'yh_share')
	AND c.relrowsecurity AND c.relforcerowsecurity
	AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'dept')"
assert_eq 13 "$STDOUT" "each has a dept column and row-level security enabled and forced"

# ---- each department makes its space and works, as its own role ---------------------------------

DB1=$(pg_uri yaohao yh_330100_scjg) DB2=$(pg_uri yaohao yh_330200_scjg)
run "$YAOHAO" init --department $D1 --db "$DB1" --key d1.key
assert_exit 0 "$D1 makes its space, as its role"
run "$YAOHAO" init --department $D2 --db "$DB2" --key d2.key
assert_exit 0 "$D2 makes its space, as its role"
run "$YAOHAO" init --department $D2 --db "$DB2" --key d2b.key
assert_exit 4 "$D2 again: exists already"
assert_stderr_contains "store exists already"
run "$YAOHAO" init --department 330300-SCJG --db "$DB1" --key d3.key
assert_exit 4 "a department with no role: the department's role may not map one"
assert_stderr_contains "department 330300-SCJG has no role in the database"
for r in entities inspectors conflicts items; do
	run "$YAOHAO" import "$r" "$FIXTURES/$r.csv" --db "$DB1" --key d1.key
	assert_exit 0 "$D1 imports $r (row-level security: COPY into a temporary table, INSERT … SELECT)"
	run "$YAOHAO" import "$r" "$FIXTURES/$r.csv" --db "$DB2" --key d2.key
	assert_exit 0 "$D2 imports $r"
done
sed '2d' "$FIXTURES/entities.csv" > fewer.csv
run "$YAOHAO" import entities fewer.csv --db "$DB1" --key d1.key
assert_exit 0 "$D1 imports a register that closes a row (UPDATE valid_to)"
assert_stdout_contains "1 closed"
run "$YAOHAO" calendar import "$FIXTURES/calendar.csv" --db "$DB1" --key d1.key
assert_exit 0 "$D1 imports the calendar"
for k in 1 2; do
	db=$DB1
	[ $k = 2 ] && db=$DB2
	run "$YAOHAO" plan add "$FIXTURES/task-food.json" --db "$db" --key d$k.key
	assert_exit 0 "department $k plans the task"
	run "$YAOHAO" commit "$TASK" --entropy-source "test" --db "$db" --key d$k.key -o d$k.ann
	assert_exit 0 "department $k commits"
done
# the two ledgers are numbered on their own: both start at 1 and have their own heads
run "$YAOHAO" log --db "$DB1"
assert_stdout_contains "commit"
N1=$("$YAOHAO" log --db "$DB1" | wc -l) N2=$("$YAOHAO" log --db "$DB2" | wc -l)
pg_as yh_audit -c "SELECT dept, min(seq), max(seq) FROM ledger GROUP BY dept ORDER BY dept"
assert_eq "$D1|1|$N1
$D2|1|$N2" "$STDOUT" "the auditor sees both ledgers, each numbered from 1 ($N1 and $N2 entries)"
run "$YAOHAO" draw "$TASK" --entropy "public value" --db "$DB1" --key d1.key -o d1.tr
assert_exit 0 "$D1 draws (its secret forgotten: UPDATE secret)"
run "$YAOHAO" publish "$TASK" --db "$DB1" --key d1.key -o d1.json
assert_exit 0 "$D1 publishes"
E=$(json_get d1.json '$.selected[0].id')
O1=$(json_get d1.json '$.selected[0].team[0].id')
O2=$(json_get d1.json '$.selected[0].team[1].id')
SOURCE_DATE_EPOCH=1796601600 run "$YAOHAO" result add "$TASK" "$E" --result 1 --date 2026-12-05 --officer "$O1" --officer "$O2" \
	--db "$DB1" --key d1.key
assert_exit 0 "$D1 records a result (a task event)"
run "$YAOHAO" audit --db "$DB1"
assert_exit 0 "$D1's audit passes"
run "$YAOHAO" verify d1.json
assert_exit 0 "$D1's draw document verifies"

# every table now holds rows of D1; D2's pending commitment holds its sealed secret
for t in $TABLES; do
	pg_as yh_audit -c "SELECT count(*) FROM $t WHERE dept = '$D1'"
	[ "$STDOUT" -gt 0 ] || fail "$D1 has rows in $t"
done
pg_as yh_audit -c "SELECT encode(secret, 'hex') FROM task_commit WHERE dept = '$D2'"
SECRET2=$STDOUT
assert_eq 1 "$([ ${#SECRET2} -gt 64 ] && echo 1)" "$D2's pending secret is in the table (sealed), for the auditor"

# ---- D1's role against D2's rows, with plain SQL -------------------------------------------------

dump2() { # every row of D2, as the auditor reads them
	local t
	for t in $TABLES; do
		pg_as yh_audit -c "SELECT md5(string_agg(to_jsonb(x)::text, '|' ORDER BY to_jsonb(x)::text)),
			count(*) FROM $t x WHERE dept = '$D2'"
		printf '%s %s\n' "$t" "$STDOUT"
	done
}
dump2 > before.txt
for t in $TABLES; do
	pg_as yh_330100_scjg -c "SELECT count(*) FROM $t WHERE dept <> '$D1'"
	assert_eq 0 "$STDOUT" "$D1's role: SELECT on $t shows no row of another department"
	pg_as yh_330100_scjg -c "SELECT * FROM $t"
	assert_exit 0 "$D1's role: SELECT * FROM $t"
	assert_not_contains "$STDOUT" "$D2" "SELECT * FROM $t shows nothing of $D2"
done
pg_as yh_330100_scjg -c "SELECT encode(secret, 'hex') FROM task_commit" -c "TABLE task_commit"
assert_not_contains "$STDOUT" "$SECRET2" "$D1's role never sees $D2's commit secret"
# the session cannot choose its department: not by the setting, not by a table of its own
pg_as yh_330100_scjg -c "SET yaohao.department = '$D2'" -c "SELECT count(*) FROM task_commit WHERE dept = '$D2'"
assert_eq 0 "$STDOUT" "the session's yaohao.department does not open $D2's rows"
pg_as yh_330100_scjg -c "CREATE TEMP TABLE yh_role (role text, department text)" \
	-c "INSERT INTO yh_role VALUES ('yh_330100_scjg', '$D2')" \
	-c "SELECT count(*) FROM task_commit WHERE dept = '$D2'"
assert_eq 0 "$STDOUT" "a temporary yh_role of the session's does not open $D2's rows"
# nor through the planner's statistics of the other department's rows
pg_as yaohao -c "ANALYZE"
pg_as yaohao -c "SELECT count(*) FROM pg_stats WHERE tablename = 'task_commit'"
[ "$STDOUT" -gt 0 ] || fail "ANALYZE made statistics of task_commit"
pg_as yh_330100_scjg -c "SELECT count(*) FROM pg_stats WHERE schemaname = 'public' AND tablename <> 'yh_role'"
assert_eq 0 "$STDOUT" "$D1's role sees no statistics of the tables under row-level security"
pg_as yh_330100_scjg -c "SET ROLE yh_330200_scjg"
assert_exit_nonzero "$D1's role cannot take $D2's role"
pg_as yh_330100_scjg -c "INSERT INTO yh_role VALUES ('yh_330100_scjg', '$D2')"
assert_exit_nonzero "$D1's role cannot change the role map"
pg_as yh_330100_scjg -c "UPDATE yh_role SET department = '$D2' WHERE role = 'yh_330100_scjg'"
assert_exit_nonzero "$D1's role cannot rewrite the role map"
for t in $TABLES; do
	# one of D1's own rows, given to D2
	row="(SELECT to_jsonb(x) || jsonb_build_object('dept', '$D2') FROM $t x LIMIT 1)"
	pg_as yh_330100_scjg -c "INSERT INTO $t SELECT * FROM jsonb_populate_record(NULL::$t, $row)"
	assert_exit_nonzero "$D1's role: INSERT of a row of $D2 into $t refused"
	grep -q "row-level security\|permission denied" <<<"$STDERR" ||
		fail "INSERT into $t refused by the policy or the privileges (stderr: $STDERR)"
	pg_as yh_330100_scjg -c "DELETE FROM $t WHERE dept = '$D2'"
	[ "$RC" -ne 0 ] || [ "$STDOUT" = "" ] || fail "DELETE FROM $t changes nothing of $D2"
	pg_as yh_330100_scjg -c "TRUNCATE $t"
	assert_exit_nonzero "$D1's role: TRUNCATE $t refused"
done
for t in ledger task task_draw task_event meta drawn_entity drawn_pair; do
	pg_as yh_330100_scjg -c "UPDATE $t SET dept = dept WHERE dept = '$D2'"
	assert_exit_nonzero "$D1's role: UPDATE of $t refused (no privilege)"
	assert_stderr_contains "permission denied"
	pg_as yh_330100_scjg -c "DELETE FROM $t"
	assert_exit_nonzero "$D1's role: DELETE FROM $t refused, even of its own rows"
done
pg_as yh_330100_scjg -c "UPDATE task_commit SET secret = NULL WHERE dept = '$D2'" \
	-c "UPDATE entity SET valid_to = 1 WHERE dept = '$D2'"
assert_exit 0 "$D1's role: UPDATE of the columns it may update"
pg_as yh_330100_scjg -c "UPDATE task_commit SET secret = NULL WHERE dept = '$D2' RETURNING 1"
assert_eq "" "$STDOUT" "… reaches no row of $D2"
pg_as yh_330100_scjg -c "UPDATE entity SET dept = '$D2'"
assert_exit_nonzero "$D1's role: moving its rows to $D2 refused"
pg_as yh_330100_scjg -c "UPDATE entity SET valid_to = valid_to WHERE valid_to IS NOT NULL RETURNING dept" \
	-c "ROLLBACK"
dump2 > after.txt
assert_eq "$(cat before.txt)" "$(cat after.txt)" "every row of $D2 is as it was"

# ---- the auditor: reads both, writes nothing -----------------------------------------------------

for t in $TABLES; do
	pg_as yh_audit -c "SELECT count(DISTINCT dept) FROM $t WHERE dept IN ('$D1', '$D2')"
	[ "$STDOUT" -ge 1 ] || fail "the auditor reads $t"
	row="(SELECT to_jsonb(x) FROM $t x LIMIT 1)"
	pg_as yh_audit -c "INSERT INTO $t SELECT * FROM jsonb_populate_record(NULL::$t, $row)"
	assert_exit_nonzero "the auditor: INSERT into $t refused"
	assert_stderr_contains "permission denied"
	pg_as yh_audit -c "UPDATE $t SET dept = dept"
	assert_exit_nonzero "the auditor: UPDATE of $t refused"
	pg_as yh_audit -c "DELETE FROM $t"
	assert_exit_nonzero "the auditor: DELETE FROM $t refused"
	pg_as yh_audit -c "TRUNCATE $t"
	assert_exit_nonzero "the auditor: TRUNCATE $t refused"
done
pg_as yh_audit -c "SELECT count(DISTINCT dept) FROM ledger"
assert_eq 2 "$STDOUT" "the auditor reads both departments' ledgers"
dump2 > after2.txt
assert_eq "$(cat before.txt)" "$(cat after2.txt)" "every row of $D2 is still as it was"

# ---- the department chosen, and refused ----------------------------------------------------------

run "$YAOHAO" log --db "$DB1" --department $D2
assert_exit 4 "$D1's role acting for $D2: refused"
assert_stderr_contains "may not act for department $D2"
YAOHAO_DEPARTMENT=$D2 run "$YAOHAO" stats --db "$DB1"
assert_exit 4 "\$YAOHAO_DEPARTMENT=$D2 with $D1's role: refused"
ZHANG=$(pg_uri yaohao zhang_san)
run "$YAOHAO" log --db "$ZHANG"
assert_exit 0 "a member of $D1's role, no department named: acts for $D1"
assert_eq "$(grep -c . <<<"$STDOUT")" "$("$YAOHAO" log --db "$DB1" | grep -c .)" "the same ledger as $D1's role"
run "$YAOHAO" import items "$FIXTURES/items.csv" --db "$ZHANG" --department $D1 --key d1.key
assert_exit 0 "a member of $D1's role writes for $D1"
run "$YAOHAO" log --db "$ZHANG" --department $D2
assert_exit 4 "a member of $D1's role acting for $D2: refused"
# the auditor reads one department at a time through yaohao, and writes nothing
AUD=$(pg_uri yaohao yh_audit)
run "$YAOHAO" log --db "$AUD" --department $D1
assert_exit 0 "the auditor reads $D1's ledger"
assert_eq "$(cat <<<"$STDOUT")" "$("$YAOHAO" log --db "$DB1")" "the auditor's log of $D1 is $D1's own, nothing of $D2's"
run "$YAOHAO" export entities --db "$AUD" --department $D2 -o aud-d2.csv
assert_exit 0 "the auditor exports $D2's register"
"$YAOHAO" export entities --db "$DB2" -o d2.csv
assert_eq "$(sha256sum < d2.csv)" "$(sha256sum < aud-d2.csv)" "the same bytes as $D2's own export"
for d in $D1 $D2; do
	run "$YAOHAO" audit --db "$AUD" --department $d
	assert_exit 0 "the auditor audits $d"
	assert_stdout_contains "verified: every check passed"
done
run "$YAOHAO" audit --db "$AUD"
assert_exit 2 "the auditor naming no department: usage"
assert_stderr_contains "an auditor reads one department at a time: name it (--department D)"
run "$YAOHAO" import items "$FIXTURES/items.csv" --db "$AUD" --department $D1 --key d1.key
assert_exit 4 "the auditor cannot act for a department"
run "$YAOHAO" log --db "$AUD" --department 330900-NONE
assert_exit 4 "the auditor naming a department the database lacks"
assert_stderr_contains "no department 330900-NONE in the database"
# the setting that narrows the auditor's reads widens nothing for a department's role
pg_as yh_330100_scjg -c "SET yaohao.audit = '$D2'" -c "SELECT count(*) FROM ledger WHERE dept = '$D2'"
assert_eq 0 "$STDOUT" "$D1's role setting yaohao.audit to $D2 reads none of $D2's rows"
SUPER=$(pg_uri yaohao yaohao)
run "$YAOHAO" log --db "$SUPER"
assert_exit 2 "a superuser naming no department where there are two: usage (exit 2)"
assert_stderr_contains "several departments ($D1, $D2)"
run "$YAOHAO" log --db "$SUPER" --department $D2
assert_exit 0 "a superuser naming $D2: it takes $D2's role"
assert_eq "$("$YAOHAO" log --db "$DB2")" "$STDOUT" "and sees $D2's ledger, as $D2's role does"
run "$YAOHAO" init --department 330300-SCJG --db "$SUPER" --key d3.key
assert_exit 4 "a superuser making a department of its own in a database of two: refused"
assert_stderr_contains "bypasses row-level security"
pg_as yaohao -c "SELECT count(*) FROM yh_role"
assert_eq 2 "$STDOUT" "… and the role map is as it was"
pg_as yaohao -f new-department.sql
assert_exit 0 "the new-department SQL of docs/operations.md"
run "$YAOHAO" init --department 330300-SCJG --db "$(pg_uri yaohao yh_330300_scjg)" --key d3.key
assert_exit 0 "the new department makes its space"

# ---- the writers of two departments do not wait for each other -----------------------------------

# D1's writers' lock held by another session of D1's (as yaohao takes it in yh_store_begin)
"$PSQL" -X "$DB1" -c "SELECT pg_advisory_lock(hashtext('yaohao ' || current_schema()), hashtext('$D1'))" \
	-c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 50); do
	pg_as yaohao -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
	[ "$STDOUT" = 1 ] && break
	sleep 0.2
done
assert_eq 1 "$STDOUT" "the lock is held"
start=$(date +%s)
run "$YAOHAO" import items "$FIXTURES/items.csv" --db "$DB2" --key d2.key
assert_exit 0 "$D2's import completes while $D1's lock is held"
assert_eq 1 "$([ $(($(date +%s) - start)) -lt 8 ] && echo 1)" "… without waiting for it"
run "$YAOHAO" import items "$FIXTURES/items.csv" --db "$DB1" --key d1.key
assert_exit 4 "$D1's import waits for its own department's lock, then gives up"
assert_stderr_contains "is another yaohao writing?"
pg_as yaohao -c "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
wait "$holder" 2>/dev/null
run "$YAOHAO" import items "$FIXTURES/items.csv" --db "$DB1" --key d1.key
assert_exit 0 "the lock released, $D1's import goes through"
run "$YAOHAO" audit --db "$DB2"
assert_exit 0 "$D2's audit passes"

finish

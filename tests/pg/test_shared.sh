# test_shared.sh — a shared entity register (docs/operations.md, "Shared registers"): a register
# office imports the province's entity register as a department of its own; the owner shares it
# with one department, which adopts it instead of importing, commits and draws from it while the
# office imports a new version, and sees the new rows only after adopting again.  The frozen
# register a draw publishes is the office's as of the adopted import, byte for byte, and the
# same as an SQLite store's that imported the same file; the audit checks every adoption and
# catches a shared row changed around the office's ledger.  With plain SQL the department sees
# the office's rows only through the owner's two views, and nothing of the office's else.
source "$TESTLIB"

CLUSTER=${CLUSTER:?CLUSTER must name tests/pg/cluster.sh}
DOC=${DOC:?DOC must name docs/operations.md}
export SOURCE_DATE_EPOCH=1796083200 # 2026-12-01T00:00:00Z
pg_throwaway_cluster
PSQL="$(_pg_bin)/psql"
REG=330000-DJK D1=330100-SCJG D2=330200-SCJG
TASK=T-2026-12-FOOD
ENTROPY="drand quicknet round 24000000"

pg_operations_setup shared-register
run "$PSQL" -X -q -v ON_ERROR_STOP=1 "$(pg_uri yaohao yaohao)" -f shared-register.sql
assert_exit 0 "the register office and the share of docs/operations.md"

DBR=$(pg_uri yaohao yh_330000_djk) DB1=$(pg_uri yaohao yh_330100_scjg) DB2=$(pg_uri yaohao yh_330200_scjg)
yh init --department $REG --db "$DBR" --key reg.key
assert_exit 0 "the register office makes its space"
yh init --department $D1 --db "$DB1" --key d1.key
assert_exit 0 "$D1 makes its space"
yh init --department $D2 --db "$DB2" --key d2.key
assert_exit 0 "$D2 makes its space"

yh adopt --db "$DB1" --key d1.key
assert_exit 4 "an adoption before the office's first import"
assert_stderr_contains "department $REG has imported no entity register yet"
yh import entities "$FIXTURES/entities.csv" --db "$DBR" --key reg.key
assert_exit 0 "the office imports the entity register"
pg_as yaohao -c "SELECT seq FROM ledger WHERE dept = '$REG' AND kind = 'import'"
S1=$STDOUT

# ---- adopting -------------------------------------------------------------------------------------

yh adopt --db "$DB1" --key d1.key 330200-SCJG
assert_exit 2 "adopting another department's register than the one shared"
assert_stderr_contains "may draw from the entity register of $REG, not of 330200-SCJG"
yh adopt --db "$DB1" --key d1.key --json
assert_exit 0 "$D1 adopts the shared register"
printf '%s\n' "$STDOUT" > adopt1.json
assert_eq "$S1" "$(json_get adopt1.json '$.register_seq')" "it adopts the office's import entry"
assert_eq 300 "$(json_get adopt1.json '$.count')" "300 rows"
A1=$(json_get adopt1.json '$.seq')
pg_as yaohao -c "SELECT (CAST(l.payload AS jsonb) ->> 'entry_hash') = encode(r.hash, 'hex')
	AND (CAST(l.payload AS jsonb) ->> 'root') = (CAST(r.payload AS jsonb) ->> 'root')
	FROM ledger l JOIN ledger r ON r.dept = '$REG' AND r.seq = $S1 WHERE l.dept = '$D1' AND l.seq = $A1"
assert_eq t "$STDOUT" "the adopt entry records the office's entry hash and root"
yh adopt --db "$DB1" --key d1.key
assert_exit 0 "adopting again"
assert_stdout_contains "unchanged: the entity register of $REG as of its entry $S1 (300 rows) is adopted already"
pg_as yaohao -c "SELECT count(*) FROM ledger WHERE dept = '$D1' AND kind = 'adopt'"
assert_eq 1 "$STDOUT" "an unchanged adoption writes no entry"
yh import entities "$FIXTURES/entities.csv" --db "$DB1" --key d1.key
assert_exit 2 "a department that adopted imports no entity register"
assert_stderr_contains "department $D1 draws from the shared entity register of $REG"
yh adopt --db "$DB2" --key d2.key
assert_exit 2 "a department with no share adopts nothing"
assert_stderr_contains "no entity register is shared with department $D2"
yh stats --db "$DB1"
assert_exit 0 "stats of $D1"
assert_stdout_contains "entities: 300 (on the abnormal-operations list: 15)" "$D1's statistics are the shared register's"

# ---- what the department's role sees with plain SQL ----------------------------------------------

pg_as yh_330100_scjg -c "SELECT count(*) FROM entity"
assert_eq 0 "$STDOUT" "$D1's own entity table: none of the office's rows"
pg_as yh_330100_scjg -c "SELECT count(*) FROM ledger WHERE dept <> '$D1'"
assert_eq 0 "$STDOUT" "$D1's ledger: none of the office's entries"
pg_as yh_330100_scjg -c "SELECT count(*) FROM shared_entity"
assert_eq 300 "$STDOUT" "$D1 reads the shared register through the view"
pg_as yh_330100_scjg -c "SELECT string_agg(DISTINCT kind, ',') FROM shared_ledger"
assert_eq import "$STDOUT" "$D1 reads the office's import entries only"
pg_as yh_330100_scjg -c "SELECT count(*) FROM meta WHERE dept = '$REG'"
assert_eq 0 "$STDOUT" "$D1 reads nothing else of the office's"
pg_as yh_330100_scjg -c "INSERT INTO shared_entity SELECT * FROM shared_entity LIMIT 1"
assert_exit_nonzero "$D1 cannot write the shared register through the view"
assert_stderr_contains "permission denied"
pg_as yh_330100_scjg -c "UPDATE entity SET valid_to = 1 WHERE dept = '$REG' RETURNING 1"
assert_eq "" "$STDOUT" "$D1 cannot close the office's rows"
pg_as yh_330200_scjg -c "SELECT count(*) FROM shared_entity"
assert_eq 0 "$STDOUT" "$D2, not shared with, reads nothing through the view"

# ---- a draw from the shared register while the office imports a new version --------------------

for r in inspectors conflicts items; do
	yh import $r "$FIXTURES/$r.csv" --db "$DB1" --key d1.key
	assert_exit 0 "$D1 imports its $r"
done
yh plan add --db "$DB1" --key d1.key "$FIXTURES/task-food.json"
assert_exit 0 "$D1 plans the task"
yh commit --db "$DB1" --key d1.key "$TASK" --entropy-source "$ENTROPY" -o ann.json
assert_exit 0 "$D1 commits"
assert_stdout_contains "eligible entities 136 of 300" "the commit reads the shared register"
FREEZE=$(json_get ann.json '$.freeze_seq')
yh import entities "$FIXTURES/entities-2026-12-08.csv" --db "$DBR" --key reg.key
assert_exit 0 "the office imports a new version of the register"
yh draw --db "$DB1" --key d1.key "$TASK" --entropy "$ENTROPY value"
assert_exit 0 "$D1 draws"
yh publish --db "$DB1" --key d1.key "$TASK" -o draw.json
assert_exit 0 "$D1 publishes"
for r in entities inspectors conflicts; do
	yh export $r --db "$DB1" --as-of "$FREEZE" -o $r.frozen.csv
	assert_exit 0 "$D1 exports the frozen $r"
done
yh export entities --db "$DBR" --as-of "$S1" -o office.csv
assert_exit 0 "the office exports its register as of the adopted import"
assert_eq "$(sha256sum < office.csv)" "$(sha256sum < entities.frozen.csv)" \
	"the frozen register is the office's as of the adopted import, byte for byte"
yh verify draw.json --entities entities.frozen.csv --inspectors inspectors.frozen.csv --conflicts conflicts.frozen.csv
assert_exit 0 "the published draw verifies with the frozen files"

# The same register imported into an SQLite store: the same frozen bytes and entity root.
yh init --department $D1 --db lite.db
yh import entities "$FIXTURES/entities.csv" --db lite.db
assert_exit 0 "the same file into an SQLite store"
yh export entities --db lite.db -o lite.csv
assert_eq "$(sha256sum < lite.csv)" "$(sha256sum < entities.frozen.csv)" "SQLite's register, byte for byte"
yh adopt --db lite.db
assert_exit 2 "no adoption on SQLite"
assert_stderr_contains "a shared register needs a PostgreSQL store"

# The department sees the office's new version only once it adopts again.
yh stats --db "$DB1" --json
printf '%s\n' "$STDOUT" > stats1.json
yh adopt --db "$DB1" --key d1.key
assert_exit 0 "$D1 adopts the new version"
assert_stdout_contains "adopted the entity register of $REG as of its entry"
yh export entities --db "$DB1" -o now.csv
yh export entities --db "$DBR" -o office-now.csv
assert_eq "$(sha256sum < office-now.csv)" "$(sha256sum < now.csv)" "after adopting again: the office's current register"
assert_ne "$(sha256sum < office-now.csv)" "$(sha256sum < entities.frozen.csv)" "which is not the one frozen"
yh export entities --db "$DB1" --as-of "$FREEZE" -o again.csv
assert_eq "$(sha256sum < entities.frozen.csv)" "$(sha256sum < again.csv)" "the frozen point is unchanged"

# ---- the audit -------------------------------------------------------------------------------------

yh audit --db "$DB1"
assert_exit 0 "$D1's audit passes"
assert_stdout_contains "2 adoption(s) of a shared entity register" "the audit checks both adoptions"
yh audit --db "$DBR"
assert_exit 0 "the office's audit passes"
yh audit --db "$(pg_uri yaohao yh_audit)" --department $D1
assert_exit 0 "the auditor's audit of $D1 passes"
assert_stdout_contains "2 adoption(s) of a shared entity register" "the auditor reads the shared register too"

# a share may not change once adopted: the earlier draws read the first register
pg_as yaohao -c "SET ROLE yaohao_owner" -c "UPDATE yh_share SET register = '$D2' WHERE department = '$D1'"
assert_exit 0 "the owner shares $D2's register with $D1 instead"
yh adopt --db "$DB1" --key d1.key
assert_exit 2 "$D1 adopting another register than before: refused"
assert_stderr_contains "department $D1 adopted the entity register of $REG before, and the owner now shares that of $D2"
yh audit --db "$DB1"
assert_exit 1 "$D1's audit fails while the share is changed"
assert_stdout_contains "which the owner no longer shares with this department"
pg_as yaohao -c "SET ROLE yaohao_owner" -c "UPDATE yh_share SET register = '$REG' WHERE department = '$D1'"
yh audit --db "$DB1"
assert_exit 0 "the share put back: $D1's audit passes again"

# the owner of the database changes one shared row around the office's ledger
pg_as yaohao -c "SET session_replication_role = replica" \
	-c "UPDATE entity SET name = name || ' ' WHERE dept = '$REG' AND valid_from = $S1 AND id = (SELECT min(id) FROM entity WHERE dept = '$REG' AND valid_from = $S1 AND valid_to IS NULL)"
assert_exit 0 "a shared row changed around the ledger"
yh audit --db "$DB1"
assert_exit 1 "$D1's audit fails"
assert_stdout_contains "entry $A1 (adopt): the entity register of $REG as of its entry $S1" "at the first adoption"
assert_stdout_contains "gives 300 rows and another root than this adoption records" "it names the changed root"
yh audit --db "$(pg_uri yaohao yh_audit)" --department $D1
assert_exit 1 "the auditor's audit of $D1 fails too"
yh adopt --db "$DB1" --key d1.key
assert_exit 4 "an adoption of the changed register: refused"
assert_stderr_contains "its rows were changed around its ledger (run its audit)"

# the department's own rows beside the shared ones are caught too
pg_as yh_330100_scjg -c "INSERT INTO entity (id, name, type, region, industry, risk, status, abnormal, valid_from)
	SELECT id, name, type, region, industry, risk, status, abnormal, $A1 FROM shared_entity LIMIT 1"
assert_exit 0 "$D1's role writes an entity row of its own with plain SQL"
yh adopt --db "$DB1" --key d1.key
assert_exit 2 "a department with entity rows of its own adopts nothing"
assert_stderr_contains "department $D1 has an entity register of its own"

# the tables' owner acting for a department: the owner's policies would show it the shared rows
# in its own tables, so it adopts nothing (a database whose owner is also a department's role)
D3=330300-SCJG
pg_as yaohao -c "SET ROLE yaohao_owner" -c "INSERT INTO yh_role VALUES ('yaohao_owner', '$D3')" \
	-c "INSERT INTO yh_share VALUES ('$D3', '$REG')"
assert_exit 0 "the owner maps itself to $D3 and shares the register with it"
OWNER="$(pg_uri yaohao yaohao)&options=-c%20role%3Dyaohao_owner"
yh init --department $D3 --db "$OWNER" --key d3.key
assert_exit 0 "$D3 makes its space as the owner"
yh adopt --db "$OWNER" --department $D3 --key d3.key
assert_exit 2 "the tables' owner adopts nothing"
assert_stderr_contains "the session's role owns the tables"

finish

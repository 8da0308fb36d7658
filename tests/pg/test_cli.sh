# test_cli.sh — the CLI on a PostgreSQL store (a throwaway cluster, tests/pg/cluster.sh): init,
# import, stats, plan, commit, draw, publish, verify, export, audit, log, each giving the same
# bytes as on SQLite (the commit secret apart: it comes from the CSPRNG, so the announcement,
# the transcript and what follows from them are compared for their shape, and the draw's bytes
# by pg.vectors), and a store on PostgreSQL refusing what a file store refuses.
source "$TESTLIB"

CLUSTER=${CLUSTER:?CLUSTER must name tests/pg/cluster.sh}
export SOURCE_DATE_EPOCH=1796083200 # 2026-12-01T00:00:00Z: the same ledger times on both
# outside $T: the server's unprivileged user must reach the folder of its socket
pg_throwaway_cluster
PG=$(bash "$CLUSTER" createdb "$PGDIR" yaohao_cli)
TASK=T-2026-12-FOOD

# Runs one command on both stores ($1: a label), each with its own key; keeps stdout, stderr
# and the exit code of each, with the store's name replaced by STORE.
both() {
	local label=$1; shift
	run "$YAOHAO" "$@" --db lite.db
	printf '%s\n%s\nexit %s\n' "$STDOUT" "$STDERR" "$RC" | sed "s|lite.db|STORE|g" > "lite.$label"
	run "$YAOHAO" "$@" --db "$PG"
	printf '%s\n%s\nexit %s\n' "$STDOUT" "$STDERR" "$RC" | sed "s|$PG|STORE|g" > "pg.$label"
}
same() { # same LABEL DESC
	assert_eq "$(cat "lite.$1")" "$(cat "pg.$1")" "$2"
}

run "$YAOHAO" init --department 330100-SCJG --db lite.db --key lite.key
assert_exit 0 "init on SQLite"
run "$YAOHAO" init --department 330100-SCJG --db "$PG" --key pg.key
assert_exit 0 "init on PostgreSQL"
assert_stdout_contains "created store 'postgresql:///yaohao_cli?host="
run "$YAOHAO" init --department 330100-SCJG --db "$PG" --key pg2.key
assert_exit 4 "init again on the same database: refused (exit 4)"
assert_stderr_contains "store exists already"

for r in entities inspectors conflicts items; do
	run "$YAOHAO" import "$r" "$FIXTURES/$r.csv" --db lite.db --key lite.key
	printf '%s\n%s\n' "$STDOUT" "$RC" > "lite.import.$r"
	run "$YAOHAO" import "$r" "$FIXTURES/$r.csv" --db "$PG" --key pg.key
	printf '%s\n%s\n' "$STDOUT" "$RC" > "pg.import.$r"
	same "import.$r" "import $r: the same entry, counts and SHA-256"
done
assert_stdout_contains "as ledger entry 6: 8 rows, 8 added"
# a second import of a changed register: rows closed and added, the same on both
sed '2d' "$FIXTURES/entities.csv" > fewer.csv
run "$YAOHAO" import entities fewer.csv --db lite.db --key lite.key
printf '%s\n%s\n' "$STDOUT" "$RC" > lite.import.fewer
run "$YAOHAO" import entities fewer.csv --db "$PG" --key pg.key
printf '%s\n%s\n' "$STDOUT" "$RC" > pg.import.fewer
same import.fewer "a full import that closes a row: the same on both"
assert_stdout_contains "1 closed"

both stats stats
same stats "stats: the same bytes"
both stats5 stats --as-of 5
same stats5 "stats as of entry 5: the same bytes"
for r in entities inspectors conflicts items; do
	both "export.$r" export "$r" --as-of 6
	same "export.$r" "export $r as of entry 6: the same bytes"
done
run "$YAOHAO" plan add "$FIXTURES/task-food.json" --db lite.db --key lite.key
printf '%s\n%s\n' "$STDOUT" "$RC" > lite.plan
run "$YAOHAO" plan add "$FIXTURES/task-food.json" --db "$PG" --key pg.key
printf '%s\n%s\n' "$STDOUT" "$RC" > pg.plan
same plan "plan add: the same output"
both planlist plan list
same planlist "plan list: the same bytes"

run "$YAOHAO" commit "$TASK" --entropy-source "test: a fixed public value" --db lite.db --key lite.key -o lite.ann
assert_exit 0 "commit on SQLite"
run "$YAOHAO" commit "$TASK" --entropy-source "test: a fixed public value" --db "$PG" --key pg.key -o pg.ann
assert_exit 0 "commit on PostgreSQL"
# the frozen registers and strata are the same; the commitment (a fresh secret) is not
if command -v python3 >/dev/null; then
	keys() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [d.pop(k,None) for k in ("commitment","signature","signer","chain","previous")]; print(json.dumps(d,sort_keys=True))' "$1"; }
	assert_eq "$(keys lite.ann)" "$(keys pg.ann)" "the announcements agree but for the commitment, signer and chain"
fi
run "$YAOHAO" draw "$TASK" --entropy "public value" --db lite.db --key lite.key -o lite.tr
assert_exit 0 "draw on SQLite"
run "$YAOHAO" draw "$TASK" --entropy "public value" --db "$PG" --key pg.key -o pg.tr
assert_exit 0 "draw on PostgreSQL"
run "$YAOHAO" draw "$TASK" --entropy "public value" --db "$PG" --key pg.key -o pg.tr2
assert_exit_nonzero "a second draw of the task is refused on PostgreSQL"
run "$YAOHAO" publish "$TASK" --db "$PG" --key pg.key -o pg.doc
assert_exit 0 "publish on PostgreSQL"
run "$YAOHAO" key show --db "$PG"
PUB=$(printf '%s\n' "$STDOUT" | sed -n 's/^public key \([^ ]*\)$/\1/p')
run "$YAOHAO" verify --pubkey "$PUB" pg.doc
assert_exit 0 "the document published from PostgreSQL verifies"
run "$YAOHAO" transcript "$TASK" --db "$PG"
assert_exit 0 "transcript on PostgreSQL"
assert_eq "$(cat pg.tr)" "$STDOUT" "the transcript read back from PostgreSQL is the one the draw wrote"
run "$YAOHAO" audit --db "$PG"
assert_exit 0 "audit on PostgreSQL: the ledger and every draw replay"
run "$YAOHAO" log --db "$PG"
assert_exit 0 "log on PostgreSQL"
assert_eq "$("$YAOHAO" log --db lite.db | wc -l)" "$(printf '%s\n' "$STDOUT" | wc -l)" "the ledgers have as many entries"

# the ledger is append-only in the database itself, for any SQL
if command -v psql >/dev/null; then
	run psql "$PG" -v ON_ERROR_STOP=1 -c "UPDATE ledger SET kind = 'x' WHERE seq = 1"
	assert_exit_nonzero "UPDATE of the ledger refused by its trigger"
	assert_stderr_contains "the ledger is append-only"
	run psql "$PG" -v ON_ERROR_STOP=1 -c "DELETE FROM task_draw"
	assert_exit_nonzero "DELETE of a draw refused"
fi

# writers queue (an advisory lock of the store's schema and department), readers do not wait:
# with the lock held by another session, stats runs and an import gives up after the busy
# timeout (10 s)
if command -v psql >/dev/null; then
	psql "$PG" -c "SELECT pg_advisory_lock(hashtext('yaohao ' || current_schema()), hashtext('330100-SCJG'))" \
		-c "SELECT pg_sleep(30)" >/dev/null 2>&1 &
	holder=$!
	for _ in $(seq 50); do
		[ "$(psql "$PG" -Atc "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" = 1 ] && break
		sleep 0.2
	done
	run "$YAOHAO" stats --db "$PG"
	assert_exit 0 "a reader does not wait for the writer's lock"
	run "$YAOHAO" import items "$FIXTURES/items.csv" --db "$PG" --key pg.key
	assert_exit 4 "a writer gives up while another holds the lock (exit 4)"
	assert_stderr_contains "is another yaohao writing?"
	psql "$PG" -Atc "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'" \
		>/dev/null 2>&1
	wait "$holder" 2>/dev/null
	run "$YAOHAO" import items "$FIXTURES/items.csv" --db "$PG" --key pg.key
	assert_exit 0 "the lock released, the import goes through"
	run "$YAOHAO" import items "$FIXTURES/items.csv" --db lite.db --key lite.key # the ledgers in step
fi

run "$YAOHAO" stats --db "${PG/yaohao_cli/no_such_db}"
assert_exit 4 "a database that does not exist: exit 4"
assert_stderr_contains "cannot open the store"
run "$YAOHAO" stats --db "postgresql://yaohao:secret@/yaohao_cli?host=$PGDIR"
assert_stderr_not_contains "secret" "a password in the URI is not shown"
# libpq's message on a URI it refuses quotes the URI, or a token of it, whole; and libpq takes a
# user part up to an '@' before any '/', so a password may hold a '?'
for uri in "postgresql://yaohao:secret@[::1/yaohao_cli" "postgresql://yaohao:secret@[::1]x/yaohao_cli" \
	"postgresql://yaohao:se%zzcret@/yaohao_cli?host=$PGDIR" \
	"postgresql:///yaohao_cli?host=$PGDIR&password=se%zzcret" \
	"postgresql://yaohao:se?cret@/no_such_db?host=$PGDIR" \
	"postgresql:///no_such_db?host=$PGDIR&sslpassword=secret" \
	"postgresql:///yaohao_cli?host=$PGDIR&sslpassword=se%zzcret"; do
	run "$YAOHAO" stats --db "$uri"
	assert_exit 4 "a URI that cannot be used: exit 4 ($uri)"
	assert_stderr_contains "cannot open the store"
	assert_stderr_not_contains "cret" "its password is not shown ($uri)"
done
# each empty password= grows by its "***" as it is shown: forty of them outgrew the buffer
run "$YAOHAO" stats --db "postgresql:///no_such_db?host=$PGDIR$(for i in $(seq 40); do printf '&password='; done)"
assert_exit 4 "a URI with forty empty passwords: exit 4, no crash"
assert_stderr_contains "password=***&password=***"
PG2=$(bash "$CLUSTER" createdb "$PGDIR" empty)
run "$YAOHAO" stats --db "$PG2"
assert_exit 4 "a database without a store: exit 4"
assert_stderr_contains "no store in the database"

# a register larger than a scan's batch (db_pg.c reads scans through a cursor, 8192 rows at a
# time): the import's root, a full re-import's merge with the current rows (rows changed and
# closed across batches) and the export, the same on both
if [ -n "${YAOHAO_GEN:-}" ]; then
	"$YAOHAO_GEN" entities 20000 --seed 7 --regions "$FIXTURES/regions.csv" > big.csv
	# the re-import: every 997th row dropped, every 1009th renamed
	awk -F, -v OFS=, 'NR == 1 || (NR - 1) % 997 != 0 { if (NR > 1 && (NR - 1) % 1009 == 0) $2 = $2 "（更名）"; print }' \
		big.csv > big2.csv
	for f in big big2; do
		run "$YAOHAO" import entities $f.csv --db lite.db --key lite.key
		printf '%s\n%s\n' "$STDOUT" "$RC" | sed 's/^imported .* into/imported into/' > lite.import.$f
		run "$YAOHAO" import entities $f.csv --db "$PG" --key pg.key
		printf '%s\n%s\n' "$STDOUT" "$RC" | sed 's/^imported .* into/imported into/' > pg.import.$f
		same import.$f "import of $f.csv (20,000 rows): the same entry, counts and SHA-256"
	done
	assert_stdout_contains "20 closed"
	assert_stdout_contains "19 changed"
	both export.big export entities
	same export.big "export of the 20,000-row register: the same bytes"
	assert_eq 19980 "$(grep -c '^[0-9A-Z]\{18\},' pg.export.big)" "the export holds 19,980 rows (20,000 less 20 closed)"
fi

# without --key, the key of a store on PostgreSQL is "<database>.key" in the working directory
PG3=$(bash "$CLUSTER" createdb "$PGDIR" keyed)
run "$YAOHAO" init --department 330100-SCJG --db "$PG3"
assert_exit 0 "init on PostgreSQL without --key"
assert_file_exists keyed.key "the key is keyed.key, after the database's name"
run "$YAOHAO" import items "$FIXTURES/items.csv" --db "$PG3"
assert_exit 0 "an import without --key finds keyed.key"

# a register with no current rows goes in through COPY on PostgreSQL: its text form escapes
# backslashes, which must come back as they went in
awk -F, -v OFS=, 'NR == 2 { $2 = $2 "\\n\\t\\\\x" } { print }' "$FIXTURES/entities.csv" > slash.csv
assert_eq 1 "$(grep -c '\\n\\t\\\\x' slash.csv)" "the file has a name with backslashes"
run "$YAOHAO" init --department 330100-SCJG --db keyed.db
run "$YAOHAO" import entities slash.csv --db keyed.db
printf '%s\n%s\n' "$STDOUT" "$RC" | sed 's/ledger entry [0-9]*/ENTRY/' > lite.import.slash
run "$YAOHAO" import entities slash.csv --db "$PG3"
printf '%s\n%s\n' "$STDOUT" "$RC" | sed 's/ledger entry [0-9]*/ENTRY/' > pg.import.slash
same import.slash "an import through COPY: the same counts and SHA-256 as SQLite's"
run "$YAOHAO" export entities --db keyed.db
lite_export=$STDOUT
run "$YAOHAO" export entities --db "$PG3"
assert_eq "$lite_export" "$STDOUT" "the register exported from PostgreSQL is the one SQLite holds, backslashes and all"

finish

# lib.sh — a tiny assertion library for the yaohao CLI tests.
#
# Sourced by every tests/cli/test_*.sh, which ctest runs with bash and these
# environment variables (tests/CMakeLists.txt):
#   YAOHAO     the yaohao binary
#   FIXTURES   the fixtures/ folder
#   TEST_DATA  tests/data
#   TESTLIB    this file
#
# Each script gets a fresh temporary folder, $T, which is also the working
# directory and $TMPDIR, and which is removed on exit.  Nothing here uses the
# network; the tools used are bash, coreutils, grep, sed, awk and sqlite3 (and psql and pg_dump
# when the stores are on PostgreSQL, below).
#
#   run CMD ARGS...         runs CMD with stdin from /dev/null; sets $STDOUT,
#                           $STDERR and $RC (stdout/stderr also in $T/.stdout, $T/.stderr)
#   yh ARGS...              run "$YAOHAO" ARGS...
#   assert_exit N [DESC]
#   assert_exit_nonzero [DESC]
#   assert_stdout_contains STR [DESC]      fixed strings (grep -F)
#   assert_stdout_not_contains STR [DESC]
#   assert_stderr_contains STR [DESC]
#   assert_stderr_not_contains STR [DESC]
#   assert_stderr_empty [DESC]
#   assert_eq EXPECTED ACTUAL [DESC]
#   assert_ne UNEXPECTED ACTUAL [DESC]
#   assert_file_exists PATH [DESC]  /  assert_no_file PATH [DESC]
#   json_valid FILE         prints 1 if FILE is well-formed JSON (sqlite3 json_valid)
#   json_get FILE PATH      prints the value at a JSON path, e.g. '$.entities.total'
#   db_count DB TABLE       rows in TABLE (all versions)
#   uscc_check_char FIRST17 prints the GB 32100 check character
#   hold_store DB           a reader (sqlite3, in a read transaction) holds DB open, so that its
#                           -wal and -shm stay, until release_store (SQLite only)
#   release_store
#   finish                  prints "N passed, M failed" (and ", K skipped (SQLite only)" when
#                           some were); exits 1 if M > 0
#
# The store's backend.  Run by tests/pg (cli_suite.sh, ctest pg.cli_suite), $YAOHAO is
# tests/pg/yaohao-on-pg and $YAOHAO_PG_CLUSTER names the cluster: every store file DB is then a
# PostgreSQL database of its own.  The store is read only through these:
#   on_pg                   true when the stores are on PostgreSQL
#   store_arg DB            what yaohao itself takes as --db for the store DB: DB, or on
#                           PostgreSQL its database's URI (for "$YAOHAO_BIN", below)
#   YAOHAO_BIN              the yaohao binary itself, not the wrapper (to signal it)
#   yh_sqlite ARGS...       yaohao ARGS with its stores as SQLite files, whatever the backend
#                           (on PostgreSQL: $YAOHAO_REAL), to compare the two
#   sql DB QUERY            runs QUERY on the store DB (sqlite3 on the file, psql on its
#                           database); rows one a line, columns joined by '|', as sqlite3 prints
#   jx COLUMN PATH          SQL fragment: the JSON member PATH ('$.a.b[1]') of COLUMN as text
#   sql_agg EXPR SEP        SQL fragment: group_concat / string_agg of EXPR joined by SEP
#   sql_hex EXPR            SQL fragment: a blob in lowercase hex
#   sql_blob HEX            SQL fragment: a blob literal
#   sql_text_hex EXPR       SQL fragment: a text's bytes (UTF-8) in lowercase hex
#   sql_octets EXPR         SQL fragment: a text's length in bytes
#   sql_dump DB             every row of the store, to compare before and after a refusal
#   store_copy DB COPY      a copy of the store, over any COPY (sqlite3's .backup, mode 0600; a
#                           database made from DB as its template)
#   sql_unlocked DB TABLES SQL
#                           SQL run with the append-only triggers of TABLES (names, space
#                           separated) lifted, then put back, and foreign keys off (on
#                           PostgreSQL: no trigger nor foreign key fires in that session)
#   pg_flip_bit DB COPY TABLE BYTE BIT
#                           PostgreSQL only: COPY made from DB file by file (none of its pages in
#                           the server's buffers), then bit BIT of byte BYTE of TABLE's first
#                           data file flipped on disk, as a failing disk would
#   demo_draw DIR [ARGS]    yaohao demo --draw-only --dir DIR, its store DIR/yaohao.db (on
#                           PostgreSQL too: the same draw, byte for byte)
#   assert_store_exists DB [DESC] / assert_no_store DB [DESC]
#                           the file; on PostgreSQL its database, holding the ledger
# Checks about the SQLite file itself (its mode, -wal, copies of it, a kill mid-write, sqlite3's
# own view of it) are marked, greppable as "sqlite_only":
#   if sqlite_only "WHY"; then ...checks...; fi
#                           runs the checks on SQLite; on PostgreSQL prints "skip WHY (SQLite
#                           only)" and counts the block as skipped, never as passed
#   sqlite_only_script WHY  the whole script is about the file: on PostgreSQL it prints why and
#                           exits 77 (skipped)
#
# A script that ends without calling finish (e.g. killed by set -u) fails.

set -u

: "${YAOHAO:?YAOHAO must name the yaohao binary}"
: "${FIXTURES:?FIXTURES must name the fixtures folder}"
: "${TEST_DATA:=}"

# The environment of the caller must not leak into the commands under test.
unset YAOHAO_DB YAOHAO_FIXTURES
export LC_ALL=C

T=$(mktemp -d "${TMPDIR:-/tmp}/yaohao-cli.XXXXXX") || { echo "cannot create a temp folder" >&2; exit 1; }
export TMPDIR="$T"
cd "$T" || exit 1

_passed=0
_failed=0
_skipped=0
_finished=0
STDOUT=
STDERR=
RC=
CMD=

_lib_exit() {
	local rc=$?

	cd / && rm -rf "$T"
	if [ "$_finished" -ne 1 ]; then
		echo "FAIL: the script ended early (exit $rc) after $_passed passed, $_failed failed" >&2
		exit 1
	fi
}
trap _lib_exit EXIT

run() {
	CMD="$*"
	"$@" </dev/null >"$T/.stdout" 2>"$T/.stderr"
	RC=$?
	STDOUT=$(cat "$T/.stdout")
	STDERR=$(cat "$T/.stderr")
	return 0
}

yh() {
	run "$YAOHAO" "$@"
}

_pass() {
	_passed=$((_passed + 1))
	echo "ok   $1"
}

# _fail DESC [DETAIL...]
_fail() {
	_failed=$((_failed + 1))
	echo "FAIL $1"
	shift
	local line
	for line in "$@"; do
		printf '       %s\n' "$line"
	done
	if [ -n "$CMD" ]; then
		printf '       last command: %s (exit %s)\n' "$CMD" "$RC"
		printf '       stdout: %s\n' "$(printf '%s' "$STDOUT" | head -c 600)"
		printf '       stderr: %s\n' "$(printf '%s' "$STDERR" | head -c 600)"
	fi
}

# ---- the verification reports (verify, verify-proof, audit) ----

# The line of one check in the text report.
check_line() { printf '%s\n' "$STDOUT" | grep -E "^(ok|FAILED|skipped) +$1  " | head -n 1; }
# assert_check STATUS CHECK TEXT DESC: the check's line has STATUS and contains TEXT.
assert_check() {
	local line
	line=$(check_line "$2")
	case $line in
	"$1 "*) ;;
	*) _fail "$4" "the '$2' line is not '$1': ${line:-(no such line)}"; return ;;
	esac
	if [ -n "$3" ] && ! printf '%s' "$line" | grep -qF -- "$3"; then
		_fail "$4" "the '$2' line lacks: $3" "it is: $line"
		return
	fi
	_pass "$4"
}

# flip_last HEX: the same hex with its last digit changed.
flip_last() { printf '%s%s' "${1%?}" "$(printf '%s' "${1: -1}" | tr 0123456789abcdef 1032547698badcfe)"; }

assert_exit() {
	local want=$1 desc=${2:-"exit code $1"}
	if [ "$RC" = "$want" ]; then _pass "$desc"; else _fail "$desc" "expected exit $want, got $RC"; fi
}

assert_exit_nonzero() {
	local desc=${1:-"non-zero exit"}
	if [ "$RC" != 0 ]; then _pass "$desc"; else _fail "$desc" "expected a non-zero exit, got 0"; fi
}

assert_stdout_contains() {
	local desc=${2:-"stdout contains '$1'"}
	if printf '%s\n' "$STDOUT" | grep -qF -- "$1"; then _pass "$desc"; else _fail "$desc" "stdout lacks: $1"; fi
}

assert_stdout_not_contains() {
	local desc=${2:-"stdout does not contain '$1'"}
	if printf '%s\n' "$STDOUT" | grep -qF -- "$1"; then _fail "$desc" "stdout has: $1"; else _pass "$desc"; fi
}

assert_stderr_contains() {
	local desc=${2:-"stderr contains '$1'"}
	if printf '%s\n' "$STDERR" | grep -qF -- "$1"; then _pass "$desc"; else _fail "$desc" "stderr lacks: $1"; fi
}

assert_stderr_not_contains() {
	local desc=${2:-"stderr does not contain '$1'"}
	if printf '%s\n' "$STDERR" | grep -qF -- "$1"; then _fail "$desc" "stderr has: $1"; else _pass "$desc"; fi
}

assert_stderr_empty() {
	local desc=${1:-"stderr is empty"}
	if [ -z "$STDERR" ]; then _pass "$desc"; else _fail "$desc" "stderr is not empty"; fi
}

assert_eq() {
	local desc=${3:-"'$2' = '$1'"}
	if [ "$1" = "$2" ]; then
		_pass "$desc"
	else
		_fail "$desc" "expected: $(printf '%s' "$1" | head -c 400)" \
			"actual:   $(printf '%s' "$2" | head -c 400)"
	fi
}

assert_ne() {
	local desc=${3:-"'$2' != '$1'"}
	if [ "$1" != "$2" ]; then _pass "$desc"; else _fail "$desc" "both are: $(printf '%s' "$1" | head -c 400)"; fi
}

assert_file_exists() {
	local desc=${2:-"file exists: $1"}
	if [ -e "$1" ]; then _pass "$desc"; else _fail "$desc" "no such file: $1"; fi
}

assert_no_file() {
	local desc=${2:-"no file: $1"}
	if [ -e "$1" ]; then _fail "$desc" "file exists: $1"; else _pass "$desc"; fi
}

# SQL string literal for a path.
_sql_str() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

json_valid() {
	sqlite3 :memory: "select json_valid(readfile($(_sql_str "$1")));"
}

json_get() {
	sqlite3 :memory: "select json_extract(readfile($(_sql_str "$1")), $(_sql_str "$2"));"
}

on_pg() { [ -n "${YAOHAO_PG_CLUSTER:-}" ]; }

YAOHAO_BIN=${YAOHAO_REAL:-$YAOHAO}
on_pg || YAOHAO_BIN=$YAOHAO

store_arg() {
	if on_pg; then
		printf 'postgresql:///%s?host=%s&user=yaohao' "$(_pg_db "$1")" "$YAOHAO_PG_CLUSTER"
	else
		printf '%s' "$1"
	fi
}

yh_sqlite() {
	if on_pg; then run "${YAOHAO_REAL:?}" "$@"; else yh "$@"; fi
}

# _pg_db DB: the database yaohao-on-pg maps the store file DB to (one per absolute path).
_pg_db() { printf 't%s' "$(printf '%s' "$(realpath -m -- "$1")" | sha256sum | cut -c1-20)"; }

_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

sql() {
	if on_pg; then
		# -A -t: unaligned, no headers, columns joined by '|' as sqlite3's default; booleans t/f
		"$(_pg_bin)/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$YAOHAO_PG_CLUSTER" -U yaohao \
			-d "$(_pg_db "$1")" -c "$2"
	else
		sqlite3 "$1" "$2"
	fi
}

jx() {
	if on_pg; then
		# '$.a.b[1]' -> '{a,b,1}' (the payloads are canonical JSON: json keeps their text)
		local p
		p=$(printf '%s' "${2#\$}" | sed -e 's/\[\([0-9]*\)\]/.\1/g' -e 's/^\.//' -e 's/\./,/g')
		printf "(%s::json #>> '{%s}')" "$1" "$p"
	else
		printf "json_extract(%s, '%s')" "$1" "$2"
	fi
}

sql_hex() {
	if on_pg; then printf "encode(%s, 'hex')" "$1"; else printf "lower(hex(%s))" "$1"; fi
}

sql_blob() {
	if on_pg; then printf "'%s%s'::bytea" '\x' "$1"; else printf "x'%s'" "$1"; fi
}

sql_text_hex() {
	if on_pg; then printf "encode(convert_to(%s, 'UTF8'), 'hex')" "$1"; else printf "lower(hex(%s))" "$1"; fi
}

sql_octets() {
	if on_pg; then printf "octet_length(%s)" "$1"; else printf "length(cast(%s as blob))" "$1"; fi
}

sql_agg() {
	if on_pg; then printf "string_agg((%s)::text, '%s')" "$1" "$2"; else printf "group_concat(%s, '%s')" "$1" "$2"; fi
}

sql_dump() {
	if on_pg; then
		# pg_dump's \restrict lines carry a random key: the rest is the data, in a fixed order
		"$(_pg_bin)/pg_dump" -a -h "$YAOHAO_PG_CLUSTER" -U yaohao "$(_pg_db "$1")" |
			grep -v '^\\\(un\)\{0,1\}restrict '
	else
		sqlite3 "$1" .dump
	fi
}

# _store_exists DB: the store is there: the file, or a database holding the ledger (yaohao-on-pg
# makes the database before init, so an init refused leaves one, empty).
_store_exists() {
	if on_pg; then
		[ "$(sql "$1" "select count(*) from information_schema.tables where table_name = 'ledger'" 2>/dev/null)" = 1 ]
	else
		[ -e "$1" ]
	fi
}

assert_store_exists() {
	local desc=${2:-"store exists: $1"}
	if _store_exists "$1"; then _pass "$desc"; else _fail "$desc" "no such store: $1"; fi
}

assert_no_store() {
	local desc=${2:-"no store: $1"}
	if _store_exists "$1"; then _fail "$desc" "the store exists: $1"; else _pass "$desc"; fi
}

store_copy() {
	if on_pg; then
		# a database made from the other as its template; yaohao-on-pg then finds it made
		"$(_pg_bin)/dropdb" -h "$YAOHAO_PG_CLUSTER" -U yaohao --if-exists "$(_pg_db "$2")" 2>/dev/null &&
			"$(_pg_bin)/createdb" -h "$YAOHAO_PG_CLUSTER" -U yaohao -T "$(_pg_db "$1")" "$(_pg_db "$2")" &&
			: >"$(realpath -m -- "$2").pgdb"
	else
		# 0600, as yaohao makes its stores (and accepts no other)
		rm -f "$2" && sqlite3 "$1" ".backup '$2'" && chmod 600 "$2"
	fi
}

# A throwaway PostgreSQL cluster for the test ($CLUSTER: tests/pg/cluster.sh) in $PGDIR,
# stopped and removed when the script ends; exits 77 (skipped) when no server is installed.
pg_throwaway_cluster() {
	PGDIR=$(mktemp -d /tmp/yaohao-pg.XXXXXX)
	trap 'bash "$CLUSTER" stop "$PGDIR" >/dev/null 2>&1; rm -rf "$PGDIR"; _lib_exit' EXIT
	bash "$CLUSTER" start "$PGDIR" >/dev/null
	local rc=$?
	if [ "$rc" -eq 77 ]; then echo "no PostgreSQL server: skipped"; _finished=1; exit 77; fi
	assert_eq 0 "$rc" "the throwaway cluster starts"
}

# pg_uri DATABASE ROLE: the throwaway cluster's URI of DATABASE for ROLE
pg_uri() { printf 'postgresql:///%s?host=%s&user=%s' "$1" "$PGDIR" "$2"; }

# pg_as ROLE PSQL-ARGS...: psql as ROLE on the database yaohao (STDOUT, STDERR, RC)
pg_as() {
	local role=$1; shift
	run "$(_pg_bin)/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$(pg_uri yaohao "$role")" "$@"
}

# pg_doc_sql NAME [PART]: the SQL block after "<!-- sql: NAME -->" in $DOC (docs/operations.md),
# in its English (1, the default) or Chinese (2) part
pg_doc_sql() {
	awk -v name="$1" -v part="${2:-1}" '
		/^## 中文/ { p = 2 } /^## English/ { p = 1 }
		p == part && $0 == "<!-- sql: " name " -->" { want = 1; next }
		want && /^```sql/ { inside = 1; next }
		inside && /^```/ { exit }
		inside { print }' "$DOC"
}

# pg_operations_setup BLOCK...: in the throwaway cluster, the database of docs/operations.md as
# its SQL makes it: each BLOCK (besides roles and grants) written to BLOCK.sql, each block the
# same in English and Chinese; the roles made, the schema by its owner, the grants given
pg_operations_setup() {
	local b
	for b in roles grants "$@"; do
		pg_doc_sql "$b" > "$b.sql"
		[ -s "$b.sql" ] || _fail "docs/operations.md has the SQL block '$b'"
		assert_eq "$(cat "$b.sql")" "$(pg_doc_sql "$b" 2)" "the SQL block '$b' is the same in English and Chinese"
	done
	run "$(_pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 "$(pg_uri postgres yaohao)" -f roles.sql
	assert_exit 0 "the roles of docs/operations.md are made"
	# the schema, as its owner: a superuser taking the owner's role at connection, as the doc says
	run "$YAOHAO" init --schema-only --db "$(pg_uri yaohao yaohao)&options=-c%20role%3Dyaohao_owner"
	assert_exit 0 "init --schema-only, as the owner"
	assert_stdout_contains "created the store schema"
	pg_as yaohao -f grants.sql
	assert_exit 0 "the grants of docs/operations.md"
}

pg_flip_bit() {
	local file byte
	"$(_pg_bin)/dropdb" -h "$YAOHAO_PG_CLUSTER" -U yaohao --if-exists "$(_pg_db "$2")" 2>/dev/null &&
		"$(_pg_bin)/createdb" -h "$YAOHAO_PG_CLUSTER" -U yaohao -S file_copy -T "$(_pg_db "$1")" "$(_pg_db "$2")" &&
		: >"$(realpath -m -- "$2").pgdb" || return 1
	file=$YAOHAO_PG_CLUSTER/data/$(sql "$2" "select pg_relation_filepath('$3')") || return 1
	byte=$(dd if="$file" bs=1 skip="$4" count=1 2>/dev/null | xxd -p)
	printf '%02x' $((0x$byte ^ (1 << $5))) | xxd -r -p | dd of="$file" bs=1 seek="$4" conv=notrunc 2>/dev/null
}

# sql_unlocked DB TABLES SQL: runs SQL on DB with the append-only triggers of TABLES lifted,
# then puts them back, foreign keys not enforced (as a store's owner with direct access could).
sql_unlocked() {
	if on_pg; then
		# the session as a replica: no user trigger fires (nor a foreign key's, as with SQLite's
		# foreign keys off), for this session only
		sql "$1" "set session_replication_role = replica; $3"
	else
		local triggers in
		in=$(printf "'%s'," $2)
		in=${in%,}
		triggers=$(sqlite3 "$1" "select sql || ';' from sqlite_master where type = 'trigger' and tbl_name in ($in)")
		sqlite3 "$1" "PRAGMA foreign_keys = OFF; $(sqlite3 "$1" "select 'drop trigger ' || name || ';' from sqlite_master where type = 'trigger' and tbl_name in ($in)") $3; $triggers"
	fi
}

# demo_draw DIR [ARGS]: `yaohao demo --draw-only --dir DIR ARGS` (on PostgreSQL too: yaohao-on-pg
# gives it its store DIR/yaohao.db; the same draw, the food vector's).  Sets $RC as run does.
demo_draw() {
	local dir=$1
	shift
	yh demo --draw-only --dir "$dir" "$@"
}

sqlite_only() {
	on_pg || return 0
	_skipped=$((_skipped + 1))
	echo "skip $1 (SQLite only)"
	return 1
}

sqlite_only_script() {
	on_pg || return 0
	_finished=1
	echo "skip the whole script: $1 (SQLite only)"
	exit 77
}

db_count() {
	sql "$1" "select count(*) from $2;"
}

uscc_check_char() {
	local alphabet=0123456789ABCDEFGHJKLMNPQRTUWXY s=0 w=1 i c v rest check
	for ((i = 0; i < 17; i++)); do
		c=${1:i:1}
		rest=${alphabet%%"$c"*}
		v=${#rest}
		s=$(((s + v * w) % 31))
		w=$((w * 3 % 31))
	done
	check=$(((31 - s) % 31))
	printf '%s' "${alphabet:check:1}"
}

hold_store() {
	rm -f "$T/.reader.fifo" "$T/.reader.out"
	mkfifo "$T/.reader.fifo"
	sqlite3 "$1" < "$T/.reader.fifo" > "$T/.reader.out" &
	_reader=$!
	exec 7> "$T/.reader.fifo"
	printf 'begin; select count(*) from sqlite_master;\n.print reading\n' >&7
	for _ in $(seq 50); do grep -q reading "$T/.reader.out" && break; sleep 0.1; done
}

release_store() {
	printf 'commit;\n' >&7
	exec 7>&-
	wait "$_reader"
}

finish() {
	_finished=1
	if [ "$_skipped" -gt 0 ]; then
		echo "$_passed passed, $_failed failed, $_skipped skipped (SQLite only)"
	else
		echo "$_passed passed, $_failed failed"
	fi
	if [ "$_failed" -gt 0 ] || [ "$_passed" -eq 0 ]; then
		exit 1
	fi
	exit 0
}

# other_draw_fixtures DIR: a copy of the fixtures in DIR whose demo draw is another draw of the
# same task (the demo draws the food vector's public value; this one names another value).
other_draw_fixtures() {
	rm -rf "$1"
	cp -r "$FIXTURES" "$1"
	printf 'another public value\n' >"$1/vectors/food/entropy.txt"
}

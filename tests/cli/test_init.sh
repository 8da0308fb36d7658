# test_init.sh — yaohao init: creating a store, refusing to overwrite, the
# department code, $YAOHAO_DB and --db, and commands on a missing store.
source "$TESTLIB"

# A new store: exit 0, the file exists, the ledger holds the init entry and,
# right after it, the entry that adopts the signing key (DB.key, beside it).
yh init --department 330100-SCJG --db a.db
assert_exit 0 "init creates a store"
assert_stdout_contains "created store 'a.db' for department 330100-SCJG"
assert_stdout_contains "created signing key " "init reports the signing key it created"
assert_store_exists a.db
assert_file_exists a.db.key "init creates the secret key file beside the store"
assert_eq 1 "$(sql a.db "select count(*) from ledger where kind = 'init'")" "one init entry in the ledger"
assert_eq "1|init
2|key" "$(sql a.db "select seq, kind from ledger order by seq")" \
	"the ledger holds only the init entry and then the key entry"
assert_eq 0 "$(db_count a.db entity)" "a new store has no entities"

# Never overwrite an existing store; the message names the path.  (--key names
# a new key file, so that it is the store, not its key file, that is refused.)
before=$(sql_dump a.db)
before_key=$(cat a.db.key)
yh init --department 330100-STHJ --db a.db --key other.key
assert_exit 4 "init on an existing store exits 4"
assert_stderr_contains "a.db" "the message names the existing store"
assert_stderr_contains "exists"
assert_eq "$before" "$(sql_dump a.db)" "the existing store is unchanged"
assert_no_file other.key "no key file is created for a store that is refused"
# The same with the default key file, which exists too: refused, both unchanged.
yh init --department 330100-STHJ --db a.db
assert_exit 4 "init on an existing store and key file exits 4"
assert_stderr_contains "a.db" "the message names the existing store or its key file"
assert_stderr_contains "exists"
assert_eq "$before" "$(sql_dump a.db)" "the existing store is still unchanged"
assert_eq "$before_key" "$(cat a.db.key)" "the existing key file is unchanged"

# Nor any other existing file.
if sqlite_only "init refuses an existing file that is not a store"; then
	printf 'precious\n' > notes.txt
	yh init --department 330100-SCJG --db notes.txt
	assert_exit 4 "init on an existing non-store file exits 4"
	assert_stderr_contains "notes.txt"
	assert_eq precious "$(cat notes.txt)" "the existing file is unchanged"
	assert_no_file notes.txt.key "no key file is left for a refused store"
fi

# Department codes: upper-case letters, digits and '-'.
for bad in bad 330100-scjg '330100 SCJG' '330100_SCJG' '' '部门'; do
	yh init --department "$bad" --db bad.db
	assert_exit 2 "bad department code '$bad' exits 2"
	assert_no_store bad.db "no store is left behind for department '$bad'"
	assert_no_file bad.db.key "no key file is left behind for department '$bad'"
done
yh init --department bad --db bad.db
assert_stderr_contains "invalid department code 'bad'"

# --department is required.
yh init --db nodept.db
assert_exit 2 "missing --department exits 2"
assert_stderr_contains "--department is required"
assert_stderr_contains "yaohao init --help"
assert_no_store nodept.db

# Stray arguments and options.
yh init --department 330100-SCJG --db x.db extra
assert_exit 2 "an extra argument exits 2"
assert_stderr_contains "extra"
assert_no_store x.db
yh init --department 330100-SCJG --db x.db --frobnicate
assert_exit 2 "an unknown option exits 2"
assert_no_store x.db

# A folder that does not exist: a store problem, nothing created.
yh init --department 330100-SCJG --db "$T/no/such/dir/x.db"
assert_exit 4 "init in a missing folder exits 4"
assert_stderr_contains "$T/no/such/dir/x.db"

# $YAOHAO_DB is used when --db is absent ...
mkdir env && cd env || exit 1
YAOHAO_DB=from-env.db yh init --department 330100-SCJG
assert_exit 0 "init with \$YAOHAO_DB"
assert_store_exists from-env.db "\$YAOHAO_DB names the store"
assert_file_exists from-env.db.key "the key file follows \$YAOHAO_DB"
assert_no_store yaohao.db "no ./yaohao.db when \$YAOHAO_DB is set"

# ... and --db overrides it.
YAOHAO_DB=from-env2.db yh init --department 330100-SCJG --db from-option.db
assert_exit 0 "init with --db and \$YAOHAO_DB"
assert_store_exists from-option.db "--db wins over \$YAOHAO_DB"
assert_no_store from-env2.db "\$YAOHAO_DB is ignored when --db is given"

# Other commands follow the same rule.
YAOHAO_DB=from-env.db yh log
assert_exit 0 "log finds the store through \$YAOHAO_DB"
assert_stdout_contains "init"
YAOHAO_DB=missing.db yh log --db from-option.db
assert_exit 0 "log --db wins over a \$YAOHAO_DB that does not exist"

# Neither: ./yaohao.db (an empty $YAOHAO_DB counts as unset).
YAOHAO_DB="" yh init --department 330100-SCJG
assert_exit 0 "init with neither --db nor \$YAOHAO_DB"
assert_store_exists yaohao.db "the default store is ./yaohao.db"
assert_file_exists yaohao.db.key "the default key file is ./yaohao.db.key"
yh stats
assert_exit 0 "stats finds ./yaohao.db by default"
cd "$T" || exit 1

# Commands on a missing store exit 4 with a hint to run 'yaohao init'.
for cmd in "stats" "log" "import entities $FIXTURES/entities.csv"; do
	# shellcheck disable=SC2086
	yh $cmd --db missing.db
	assert_exit 4 "$cmd on a missing store exits 4"
	assert_stderr_contains "missing.db" "$cmd: the message names the missing store"
	assert_stderr_contains "yaohao init" "$cmd: the message hints at 'yaohao init'"
	assert_no_store missing.db "$cmd does not create a store"
done
YAOHAO_DB=missing-env.db yh stats
assert_exit 4 "stats on a missing \$YAOHAO_DB store exits 4"
assert_stderr_contains "missing-env.db"
assert_no_store missing-env.db

# A file that is not a store.
printf 'this is not sqlite\n' > junk.db
yh stats --db junk.db
assert_exit 4 "stats on a file that is not a store exits 4"
assert_stderr_contains "junk.db"

# The department a command acts for: --department, else $YAOHAO_DEPARTMENT.  A file holds one
# department and refuses another (a PostgreSQL database refuses a department it has no space for:
# tests/pg/test_rls.sh tries one with a space of its own).
yh init --department 330100-SCJG --db dept.db
assert_exit 0 "init dept.db"
yh log --db dept.db --department 330100-SCJG
assert_exit 0 "log --department naming the store's department"
YAOHAO_DEPARTMENT=330100-SCJG yh stats --db dept.db
assert_exit 0 "\$YAOHAO_DEPARTMENT naming the store's department"
yh log --db dept.db --department 330200-SCJG
assert_exit 4 "log --department naming another department: exit 4"
assert_stderr_contains "330200-SCJG"
if sqlite_only "the message of a file's store"; then
	assert_stderr_contains "the store is department 330100-SCJG's, not 330200-SCJG's: 'dept.db'"
fi
YAOHAO_DEPARTMENT=330200-SCJG yh import items "$FIXTURES/items.csv" --db dept.db
assert_exit 4 "\$YAOHAO_DEPARTMENT naming another department: exit 4"
yh log --db dept.db
assert_eq 2 "$(printf '%s\n' "$STDOUT" | wc -l)" "nothing was imported"
YAOHAO_DEPARTMENT=330200-SCJG yh log --db dept.db --department 330100-SCJG
assert_exit 0 "--department wins over \$YAOHAO_DEPARTMENT"
yh log --db dept.db --department 'not a code'
assert_exit 2 "an invalid department code: exit 2"
assert_stderr_contains "invalid department code 'not a code'"
yh verify --department 330100-SCJG x.json
assert_exit 2 "a command with no store takes no --department"

finish

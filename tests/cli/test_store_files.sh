# test_store_files.sh — the store's files on disk: the store and its -wal and -shm are 0600
# whatever the umask; a store that group or others may read is refused (as ssh refuses such a
# key); a store is made under a temporary name and appears whole; an init that was interrupted
# is finished by running it again.
source "$TESTLIB"

E="$FIXTURES/entities.csv"
mode() { stat -c %a "$1"; }

# ---- 0600 whatever the umask -----------------------------------------------------------

for mask in 022 000 077; do
	(umask "$mask" && "$YAOHAO" init --department 330100-SCJG --db "m$mask.db" >/dev/null)
	assert_eq 600 "$(mode "m$mask.db")" "under umask $mask the new store is 0600"
done

# -wal and -shm exist while a connection holds the store open: a reader (sqlite3, in a read
# transaction) keeps them there while an import writes, and both have the store's mode.
(umask 022 && "$YAOHAO" init --department 330100-SCJG --db a.db >/dev/null)
mkfifo reader.fifo
sqlite3 a.db < reader.fifo > reader.out &
reader=$!
exec 7> reader.fifo
printf 'begin; select count(*) from ledger;\n.print reading\n' >&7
for _ in $(seq 50); do grep -q reading reader.out && break; sleep 0.1; done
(umask 022 && "$YAOHAO" import --db a.db entities "$E" >/dev/null)
assert_file_exists a.db-wal "the write-ahead log exists while a reader holds the store"
assert_file_exists a.db-shm "the shared-memory file exists while a reader holds the store"
assert_eq 600 "$(mode a.db-wal)" "the -wal file is 0600 under umask 022"
assert_eq 600 "$(mode a.db-shm)" "the -shm file is 0600 under umask 022"
# A -wal others may read is refused as the store itself is.
chmod 644 a.db-wal
yh stats --db a.db
assert_exit 4 "a store whose -wal others may read is refused (exit 4)"
assert_stderr_contains "readable by others (mode 0644): 'a.db-wal'" "the message names the -wal file and its mode"
chmod 600 a.db-wal
printf 'commit;\n' >&7
exec 7>&-
wait "$reader"

# ---- a store others may read is refused -----------------------------------------------

yh import --db a.db inspectors "$FIXTURES/inspectors.csv"
assert_exit 0 "a 0600 store is used"
before=$(sqlite3 a.db .dump)
for m in 644 640 604 660; do
	chmod "$m" a.db
	for cmd in "stats" "log" "import conflicts $FIXTURES/conflicts.csv" "audit"; do
		# shellcheck disable=SC2086
		yh $cmd --db a.db
		assert_exit 4 "mode $m: $cmd is refused (exit 4)"
	done
	assert_stderr_contains "store file is readable by others (mode 0$m): 'a.db'" "mode $m: the message names the store and its mode"
	assert_stderr_contains "chmod 600 'a.db'" "mode $m: the message says how to fix it"
done
assert_eq "$before" "$(sqlite3 a.db .dump)" "a refused store is unchanged"
chmod 600 a.db
yh audit --db a.db
assert_exit 0 "chmod 600 makes the store usable again"

# ---- created whole, under a temporary name --------------------------------------------

# A killed creation's leftover (a temporary file and its journal, no process holding them) is
# taken over: init succeeds and removes it.
printf 'half a store' > b.db.creating
printf 'a journal' > b.db.creating-journal
yh init --department 330100-SCJG --db b.db
assert_exit 0 "init succeeds over a killed creation's leftover"
assert_no_file b.db.creating "the leftover temporary file is gone"
assert_no_file b.db.creating-journal "the leftover journal is gone"
yh audit --db b.db
assert_exit 0 "the store made over a leftover audits"

# A creation under way (its temporary file locked) is left alone.
: > c.db.creating
mkfifo locker.fifo
flock c.db.creating cat locker.fifo &
locker=$!
exec 8> locker.fifo
for _ in $(seq 50); do flock -n c.db.creating true || break; sleep 0.1; done
yh init --department 330100-SCJG --db c.db
assert_exit 4 "init while another creation holds the temporary file exits 4"
assert_stderr_contains "another yaohao is creating this store now: 'c.db'"
assert_no_file c.db "no store appears"
assert_no_file c.db.key "no key file is left"
assert_file_exists c.db.creating "the other creation's file is left alone"
exec 8>&-
wait "$locker"

# The folder cannot be written: nothing is left.
mkdir ro && chmod 555 ro
if [ "$(id -u)" != 0 ]; then
	yh init --department 330100-SCJG --db ro/x.db
	assert_exit 4 "init in a read-only folder exits 4"
	assert_stderr_contains "Permission denied" "the message names the cause"
	assert_eq "" "$(ls ro)" "nothing is left in the folder"
fi
chmod 755 ro

# ---- an interrupted init is finished by running it again --------------------------------

# The store was linked into place but the key never adopted (made here by undoing what the key
# did, around the ledger's triggers).
strip_key() {
	local triggers
	triggers=$(sqlite3 "$1" "select sql || ';' from sqlite_master where type = 'trigger' and tbl_name = 'ledger'")
	sqlite3 "$1" "drop trigger ledger_no_update; drop trigger ledger_no_delete;
		delete from ledger where kind = 'key'; update ledger set signature = null, key_id = null;
		delete from meta where key = 'public_key'; $triggers"
}
yh init --department 330100-SCJG --db d.db
strip_key d.db
rm d.db.key
yh init --department 330100-SCJG --db d.db
assert_exit 0 "init finishes a store left without a key"
assert_stdout_contains "finishing store 'd.db' for department 330100-SCJG (an earlier init was interrupted)"
assert_stdout_contains "created signing key"
assert_eq "init key" "$(sqlite3 d.db "select group_concat(kind, ' ') from ledger")" "the ledger: init, key"
yh audit --db d.db
assert_exit 0 "the finished store audits"

# Killed after the key file was written, before the store adopted it: the key file is adopted.
yh init --department 330100-SCJG --db e.db
kid=$(sqlite3 e.db "select key_id from ledger where seq = 2")
strip_key e.db
yh init --department 330100-SCJG --db e.db
assert_exit 0 "init finishes a store whose key file was written"
assert_stdout_contains "adopted signing key $kid from 'e.db.key'"
assert_eq "init key" "$(sqlite3 e.db "select group_concat(kind, ' ') from ledger")" "the ledger: init, key"
yh audit --db e.db
assert_exit 0 "the store finished with its key file audits"

# Killed while the key file was being written: a key file that is not a key says what to do.
yh init --department 330100-SCJG --db f.db
strip_key f.db
: > f.db.key
yh init --department 330100-SCJG --db f.db
assert_exit 4 "an empty key file beside an unfinished store exits 4"
assert_stderr_contains "not a yaohao secret key file: 'f.db.key'"
assert_stderr_contains "move it away and run 'yaohao init' again" "the message says what to do"
rm f.db.key
yh init --department 330100-SCJG --db f.db
assert_exit 0 "after moving the broken key file away, init finishes"

# Only an unfinished store of the same department is finished; anything else exists already.
yh init --department 330100-STHJ --db d.db --key other.key
assert_exit 4 "init over a finished store exits 4"
assert_stderr_contains "exists already"
assert_no_file other.key
yh init --department 330100-SCJG --db g.db
strip_key g.db
rm g.db.key
yh init --department 330100-STHJ --db g.db
assert_exit 4 "init over another department's unfinished store exits 4"
assert_stderr_contains "store exists already: 'g.db'"
assert_no_file g.db.key "no key file is made for it"

finish

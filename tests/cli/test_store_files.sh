# test_store_files.sh — the store's files on disk: the store and its -wal and -shm are 0600
# whatever the umask; a store that group or others may read is refused (as ssh refuses such a
# key); a store is made under a temporary name and appears whole; an init that was interrupted
# is finished by running it again.
source "$TESTLIB"
sqlite_only_script "the store file's mode, its -wal and -shm, its temporary name"

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
hold_store a.db
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
release_store

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

# init writes the key as KEY.creating, makes the store signed by it (it appears whole), then
# links the key file into place.  The states a kill can leave, made here by hand:

# Killed before the store appeared: a key no store uses, in KEY.creating.  It is taken up.
yh init --department 330100-SCJG --db k.db
kid=$(sqlite3 k.db "select key_id from ledger where seq = 2")
cp -p k.db.key d.db.key.creating
yh init --department 330100-SCJG --db d.db
assert_exit 0 "init after a kill before the store appeared"
assert_stdout_contains "created signing key $kid in 'd.db.key'" "the key written before the kill is used"
assert_eq "$(cat k.db.key)" "$(cat d.db.key)" "it is the key file"
assert_no_file d.db.key.creating
assert_eq "init key" "$(sqlite3 d.db "select group_concat(kind, ' ') from ledger")" "the ledger: init, key"
yh audit --db d.db
assert_exit 0 "the store audits"

# Killed while the key was written: a KEY.creating that is not a key is replaced.
: > e.db.key.creating
yh init --department 330100-SCJG --db e.db
assert_exit 0 "init after a kill while the key was written"
assert_no_file e.db.key.creating
assert_eq 600 "$(mode e.db.key)" "a fresh key file, 0600"
yh audit --db e.db
assert_exit 0 "the store audits"

# Killed after the store appeared, before its key file was put in place: it is put in place.
yh init --department 330100-SCJG --db f.db
kid=$(sqlite3 f.db "select key_id from ledger where seq = 2")
mv f.db.key f.db.key.creating
yh audit --db f.db
assert_exit 0 "the store audits before its key file is in place"
yh init --department 330100-SCJG --db f.db
assert_exit 0 "init finishes the store whose key file waits"
assert_stdout_contains "finished store 'f.db': its signing key $kid is in 'f.db.key' (an earlier init was interrupted)"
assert_no_file f.db.key.creating
yh import --db f.db entities "$E"
assert_exit 0 "the finished store is written with its key"

# Anything else at the store's path exists already; a waiting key that is not the store's is
# left alone.
cp -p e.db.key g.db.key.creating
yh init --department 330100-SCJG --db d.db --key g.db.key
assert_exit 4 "init over a store whose key is not the waiting one exits 4"
assert_stderr_contains "store exists already: 'd.db'"
assert_no_file g.db.key
assert_file_exists g.db.key.creating "the waiting key is left alone"
yh init --department 330100-STHJ --db d.db --key other.key
assert_exit 4 "init over a finished store exits 4"
assert_stderr_contains "store exists already: 'd.db'"
assert_no_file other.key
assert_no_file other.key.creating

finish

# test_output.sh — every -o FILE is written atomically (a temporary file beside it, synced,
# renamed over it): under a file size limit (ulimit -f, SIGXFSZ ignored) the previous file stays
# whole and the message says "File too large"; no temporary file is left; a link is followed, a
# device written in place, the previous file's mode kept; when commit or draw recorded their
# entry but could not write the file, they say so, exit 6 and name the command that writes it.
source "$TESTLIB"

TASK=T-2026-12-FOOD
yh init --department 330100-SCJG --db s.db
for r in entities inspectors conflicts items; do
	yh import --db s.db "$r" "$FIXTURES/$r.csv"
done
yh plan add --db s.db "$FIXTURES/task-food.json"
assert_exit 0 "a store with a task"

# ---- recorded, output not written: exit 6 ------------------------------------------------

n=$(sql s.db "select count(*) from ledger")
yh commit --db s.db "$TASK" --entropy-source "drand quicknet round 24000000" -o nodir/ann.json
assert_exit 6 "commit recorded but its -o not written exits 6"
assert_eq $((n + 1)) "$(sql s.db "select count(*) from ledger")" "the commit is recorded"
assert_stderr_contains "the commit of $TASK is recorded as ledger entry $((n + 1)), but the announcement could not be written to nodir/ann.json: No such file or directory; write it again with 'yaohao transcript --db s.db --announcement $TASK -o nodir/ann.json'"
mkdir nodir
yh transcript --db s.db --announcement "$TASK" -o nodir/ann.json
assert_exit 0 "the command named writes the announcement"
yh transcript --db s.db --announcement "$TASK"
assert_eq "$STDOUT" "$(cat nodir/ann.json)" "it is the recorded announcement"

yh draw --db s.db "$TASK" --entropy "drand round 24000000 randomness 8a6f" -o nodir2/tr.json
assert_exit 6 "draw recorded but its -o not written exits 6"
assert_stderr_contains "the draw of $TASK is recorded as ledger entry $((n + 2)), but the transcript could not be written to nodir2/tr.json: No such file or directory; write it again with 'yaohao transcript --db s.db $TASK -o nodir2/tr.json'"
yh draw --db s.db "$TASK" --entropy "drand round 24000000 randomness 8a6f"
assert_exit 4 "the draw is not repeated"
mkdir nodir2
YAOHAO_DB=s.db yh transcript "$TASK" -o nodir2/tr.json
assert_exit 0 "the transcript is written again"
assert_eq "yaohao-transcript/2" "$(json_get nodir2/tr.json '$.format')"
yh help
assert_stdout_contains "6 recorded in the store, but the output file (-o) not written" "the usage names exit code 6"

# ---- a file size limit: the previous file stays whole ------------------------------------

ENTITY=$(json_get nodir2/tr.json '$.selected[0].id')
# The outputs, each once in full: the "previous" files.
yh publish --db s.db "$TASK" -o doc.json
yh feed --db s.db -o feed.json
yh prove --db s.db "$TASK" "$ENTITY" -o proof.json
yh transcript --db s.db "$TASK" -o tr.json
yh export --db s.db entities -o ent.csv
yh key show --db s.db -o pub.txt
assert_exit 0 "every output written once"
for f in doc.json feed.json proof.json tr.json ent.csv pub.txt; do cp "$f" "$f.before"; done

# limited LIMIT ARGS...: yaohao ARGS under ulimit -f LIMIT (1 KiB blocks), SIGXFSZ ignored so
# that the write fails with EFBIG; its stderr goes through a pipe (a file would be limited too),
# its stdout nowhere.  A reader (sqlite3, in a read transaction) holds the store open meanwhile,
# so that its -shm exists at full size and the limit falls on the output alone.
limited() {
	local limit=$1
	shift
	CMD="ulimit -f $limit; yaohao $*"
	STDOUT=
	STDERR=$(bash -c 'trap "" XFSZ; ulimit -f "$0"; exec "$@"' "$limit" "$YAOHAO" "$@" 2>&1 >/dev/null </dev/null)
	RC=$?
}
hold_store s.db

check_limited() { # FILE DESC: the previous FILE whole, the cause named, no temporary file left
	assert_exit 3 "$2 under ulimit -f exits 3"
	assert_stderr_contains "cannot write the file: File too large: '$1'" "$2: the message names the cause"
	assert_eq "$(sha256sum < "$1.before")" "$(sha256sum < "$1")" "$2: the previous $1 is whole"
	assert_eq "" "$(ls "$1".tmp-* 2>/dev/null)" "$2: no temporary file is left"
}
limited 1 publish --db s.db "$TASK" -o doc.json
check_limited doc.json "publish -o"
limited 1 feed --db s.db -o feed.json
check_limited feed.json "feed -o"
limited 1 prove --db s.db "$TASK" "$ENTITY" -o proof.json
check_limited proof.json "prove -o"
limited 1 transcript --db s.db "$TASK" -o tr.json
check_limited tr.json "transcript -o"
limited 1 export --db s.db entities -o ent.csv
check_limited ent.csv "export -o"
limited 0 key show --db s.db -o pub.txt
check_limited pub.txt "key show -o"
# Under a limit the output fits in, the same commands write.
limited 100 export --db s.db entities -o ent.csv
assert_exit 0 "export under a limit it fits in"
assert_eq "$(sha256sum < ent.csv.before)" "$(sha256sum < ent.csv)" "the same bytes"
release_store

# ---- links, devices, modes -------------------------------------------------------------

mkdir real
cp doc.json real/doc.json
ln -s real/doc.json link.json
yh publish --db s.db "$TASK" -o link.json
assert_exit 0 "publish through a symbolic link"
if [ -L link.json ]; then _pass "the link stays a link"; else _fail "the link stays a link"; fi
assert_eq "$(sha256sum < doc.json)" "$(sha256sum < real/doc.json)" "the file it names is written"
assert_eq "" "$(ls real/*.tmp-* ./*.tmp-* 2>/dev/null)" "no temporary file is left"
yh publish --db s.db "$TASK" -o /dev/null
assert_exit 0 "publish to a device writes in place"
chmod 640 feed.json
yh feed --db s.db -o feed.json
assert_exit 0 "feed over a 0640 file"
assert_eq 640 "$(stat -c %a feed.json)" "the previous file's mode is kept"
rm -f new.json
(umask 022 && "$YAOHAO" publish --db s.db "$TASK" -o new.json >/dev/null)
assert_eq 644 "$(stat -c %a new.json)" "a new output has the umask's mode (0644 under 022)"
mkdir adir
yh publish --db s.db "$TASK" -o adir
assert_exit 3 "publish onto a folder exits 3"
assert_stderr_contains "Is a directory" "the message names the cause"

finish

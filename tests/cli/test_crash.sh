# test_crash.sh — kill -9 at any moment: init, import, commit, draw and publish -o are killed
# after a delay from a fixed list (12 runs each, 60 in all), then wherever a store exists it
# audits, the command re-runs to completion (or says it is done already, and it is), and an
# output file is either the previous one or the whole new one, never a piece.
source "$TESTLIB"
# (on PostgreSQL a killed client's transaction is the server's to roll back; the kill lands on
# yaohao-on-pg, not yaohao, and the checks look for the file)
sqlite_only_script "kill -9 of a command writing a store file, then the file's state"

TASK=T-2026-12-FOOD
# Delays in milliseconds, spread over the time the commands take (a few to ~100 ms).
DELAYS=(0 2 4 7 10 14 19 25 33 45 60 90)

# A bigger register than the fixtures' (3000 more entities, outside the task's population), so
# that import, commit and draw take long enough to be killed in the middle.
awk 'BEGIN {
	A = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	print "统一社会信用代码,企业名称,市场主体类型,区划代码,行业代码,风险等级,登记状态,经营异常名录"
	for (n = 0; n < 3000; n++) {
		s = sprintf("92440101MA%07d", n); sum = 0; w = 1
		for (i = 1; i <= 17; i++) { sum = (sum + (index(A, substr(s, i, 1)) - 1) * w) % 31; w = (w * 3) % 31 }
		printf "%s%s,广州测试商户%d,个体工商户,440101,F52,C,存续,否\n", s, substr(A, (31 - sum) % 31 + 1, 1), n
	}
}' > extra.csv
{ cat "$FIXTURES/entities.csv"; tail -n +2 extra.csv; } > big.csv

# The states the runs start from, made once: base (init), planned (registers and the task),
# committed, drawn; each run works on a copy (the store and its key file, 0600 kept).
yh init --department 330100-SCJG --db base.db
assert_exit 0 "base store"
cp -p base.db planned.db && cp -p base.db.key planned.db.key
yh import --db planned.db entities big.csv
for r in inspectors conflicts items; do yh import --db planned.db "$r" "$FIXTURES/$r.csv"; done
yh plan add --db planned.db "$FIXTURES/task-food.json"
assert_exit 0 "planned store"
cp -p planned.db committed.db && cp -p planned.db.key committed.db.key
yh commit --db committed.db "$TASK" --entropy-source "drand quicknet round 24000000"
assert_exit 0 "committed store"
cp -p committed.db drawn.db && cp -p committed.db.key drawn.db.key
yh draw --db drawn.db "$TASK" --entropy "drand round 24000000 randomness 8a6f"
assert_exit 0 "drawn store"
yh publish --db drawn.db "$TASK" -o ref.json
assert_exit 0 "the reference document"

from() { # from STATE: a fresh copy of STATE as c.db
	rm -f c.db c.db-wal c.db-shm c.db.key c.db.creating* c.db.key.creating
	cp -p "$1.db" c.db && cp -p "$1.db.key" c.db.key
}

killed=0 landed=0 bad=0
# crash NAME ARGS...: runs yaohao ARGS, kills it after the next delay; landed counts the kills
# that found it still running
crash() {
	local d=${DELAYS[$((killed % ${#DELAYS[@]}))]} pid
	"$YAOHAO" "$@" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' "$d")"
	kill -9 "$pid" 2>/dev/null && landed=$((landed + 1))
	wait "$pid" 2>/dev/null
	killed=$((killed + 1))
}
# problem DESC: a failed check of a run, with what was left
problem() {
	bad=$((bad + 1))
	_fail "run $killed: $1" "files: $(ls c.db* doc.json* 2>/dev/null | tr '\n' ' ')"
}
audits() { # the store, where there is one, audits
	[ -e c.db ] || return 0
	"$YAOHAO" audit --db c.db >/dev/null 2>&1 || problem "$1: the store left by the kill does not audit"
}
# rerun DONE-MESSAGE ARGS...: the command again: it completes, or says it is done already
rerun() {
	local done=$1
	shift
	run "$YAOHAO" "$@"
	if [ "$RC" != 0 ] && ! { [ -n "$done" ] && [ "$RC" = 4 ] && printf '%s' "$STDERR" | grep -qF "$done"; }; then
		problem "re-run of $1 fails: exit $RC: $STDERR"
	fi
	"$YAOHAO" audit --db c.db >/dev/null 2>&1 || problem "$1: the store does not audit after the re-run"
}

for i in "${!DELAYS[@]}"; do
	rm -f c.db c.db-wal c.db-shm c.db.key c.db.creating* c.db.key.creating
	crash init --department 330100-SCJG --db c.db
	audits init
	rerun "store exists already" init --department 330100-SCJG --db c.db
	[ "$(sqlite3 c.db "select group_concat(kind, ' ') from ledger")" = "init key" ] || problem "init: the ledger is not init, key"
	[ -e c.db.creating ] && problem "init: the temporary store is left after the re-run"
	[ -e c.db.key.creating ] && problem "init: the temporary key file is left after the re-run"

	from base
	crash import --db c.db entities big.csv
	audits import
	rerun "" import --db c.db entities big.csv
	[ "$(sqlite3 c.db "select count(*) from entity where valid_to is null")" = 3300 ] || problem "import: not every row is there"

	from planned
	crash commit --db c.db "$TASK" --entropy-source "drand quicknet round 24000000"
	audits commit
	rerun "committed already" commit --db c.db "$TASK" --entropy-source "drand quicknet round 24000000"
	[ "$(sqlite3 c.db "select count(*) from task_commit")" = 1 ] || problem "commit: no commitment after the re-run"

	from committed
	crash draw --db c.db "$TASK" --entropy "drand round 24000000 randomness 8a6f"
	audits draw
	rerun "drawn already" draw --db c.db "$TASK" --entropy "drand round 24000000 randomness 8a6f"
	[ "$(sqlite3 c.db "select count(*) from task_draw")" = 1 ] || problem "draw: no transcript after the re-run"

	from drawn
	printf 'the previous document\n' > doc.json
	crash publish --db c.db "$TASK" -o doc.json
	if [ "$(cat doc.json)" != "the previous document" ] && ! cmp -s doc.json ref.json; then
		problem "publish: the output is neither the previous file nor the whole document"
	fi
	audits publish
	rerun "" publish --db c.db "$TASK" -o doc.json
	cmp -s doc.json ref.json || problem "publish: the re-run did not write the whole document"
	rm -f doc.json doc.json.tmp-*
done

assert_eq 60 "$killed" "60 runs killed with kill -9"
assert_eq 0 "$bad" "after every kill the store audits, the command re-runs to completion and no output is a piece"
echo "note: $landed of $killed kills found the command still running"
if [ "$landed" -gt 0 ]; then _pass "some kills landed while a command ran"; else _fail "some kills landed while a command ran"; fi

finish

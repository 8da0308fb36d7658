# test_status.sh — the department's dashboard and the disclosure CSV, on the real binary: 'yaohao
# status' (stages, the disclosure deadline on the working-day calendar, working days left from
# today in China Standard Time, OVERDUE first, "deadline unknown" without a calendar), 'yaohao
# coverage --year' (text and --json) and 'yaohao disclose --csv' (header, one line per result in
# force, 抽查类型, 公示日期, editions).  Today is pinned with $SOURCE_DATE_EPOCH throughout.
#
# The demo's draw (demo --draw-only) is the food vector's, so fixtures/results.csv fits it; its
# oldest result is dated Wednesday 2026-12-02.  December 2026 has no special day in
# fixtures/calendar.csv, so the 20th working day after 12-02 is Wednesday 2026-12-30
# (12-03, 12-04, 12-07…11, 12-14…18, 12-21…25, 12-28, 12-29, 12-30), and from today 12-10 14
# working days are left (12-11, 12-14…18, 12-21…25, 12-28…30).
source "$TESTLIB"

export SOURCE_DATE_EPOCH=1796860800     # 2026-12-10T00:00:00Z, 08:00 CST
TASK=T-2026-12-FOOD
AT_1221_CST=1797786000                  # 2026-12-20T17:00:00Z = 2026-12-21 01:00 CST (Monday)
AT_1230=1798588800                      # 2026-12-30T00:00:00Z
AT_1231=1798675200                      # 2026-12-31T00:00:00Z
AT_2027=1799107200                      # 2027-01-05T00:00:00Z: no 2027 calendar
AT_1211_CST=1796922000                  # 2026-12-10T17:00:00Z = 2026-12-11 01:00 CST

# the line of the status for a task
task_line() { printf '%s\n' "$STDOUT" | grep -F " $1 " | head -n 1; }

# ---- help ------------------------------------------------------------------------------------------

yh status --help
assert_exit 0 "status --help"
assert_stdout_contains "usage: yaohao status [--db FILE] [--json]"
assert_stdout_contains "China Standard Time"
yh coverage --help
assert_exit 0 "coverage --help"
assert_stdout_contains "usage: yaohao coverage [--db FILE] [--json] --year YYYY"
assert_stdout_contains "at least 3 % a year"

# ---- a fresh store ---------------------------------------------------------------------------------

yh status --db none.db
assert_exit 4 "status without a store: exit 4"
# (a database not made yet: PostgreSQL's store names the database)
if on_pg; then assert_stderr_contains "no store in the database 'none.db'"; else assert_stderr_contains "no store at 'none.db'"; fi
yh init --db s.db --department 330100-SCJG
assert_exit 0 "init"
yh status --db s.db
assert_exit 0 "status on a fresh store"
assert_eq "today 2026-12-10, 0 task(s)" "$STDOUT" "status: today from \$SOURCE_DATE_EPOCH, no task"
yh status --db s.db --json
assert_exit 0 "status --json on a fresh store"
printf '%s\n' "$STDOUT" > fresh.json
assert_eq 1 "$(json_valid fresh.json)" "status --json is JSON"
assert_eq "2026-12-10 []" "$(json_get fresh.json '$.today') $(json_get fresh.json '$.tasks')" \
	"status --json: today and no task"
yh coverage --db s.db --year 2026
assert_exit 0 "coverage on a fresh store"
assert_stdout_contains "2026: 0 of 0 active entities inspected (0.00%"

# usage errors
yh coverage --db s.db
assert_exit 2 "coverage without --year: exit 2"
assert_stderr_contains "--year YYYY is required"
assert_stdout_not_contains "active entities" "coverage without --year prints no coverage"
yh coverage --db s.db --year 26
assert_exit 2 "coverage --year 26: exit 2"
assert_stderr_contains "a year (YYYY): '26'"
yh status --db s.db --year 2026
assert_exit 2 "status with an unknown option: exit 2"

# From here on the food vector's draw: results.csv names its entities (yaohao demo pins its secret).
# ---- the demo's draw ---------------------------------------------------------------------------------

yh demo --draw-only --dir d
assert_exit 0 "demo --draw-only"
DB=d/yaohao.db
assert_eq "$(json_get "$FIXTURES/vectors/food/draw.json" '$.selected')" "$(json_get d/draw.json '$.selected')" \
	"the demo's draw is the food vector's"
# a planned task (the food task under another id, drawn later)
sed 's/"T-2026-12-FOOD"/"T-2026-12-PLAN"/; s/"2026-12-01"/"2026-12-15"/' "$FIXTURES/task-food.json" > plan.json
yh plan add --db $DB plan.json
assert_exit 0 "plan add a second task"

yh status --db $DB
assert_exit 0 "status after the draw"
assert_stdout_contains "today 2026-12-10, 2 task(s)"
line=$(task_line $TASK)
assert_eq "$TASK 2026-12-01 drawn" "$(printf '%s' "$line" | awk '{print $1, $2, $3}')" "the drawn task: its draw date and stage"
assert_eq "T-2026-12-PLAN 2026-12-15 planned" "$(task_line T-2026-12-PLAN | awk '{print $1, $2, $3}')" \
	"the planned task: its draw date and stage"
assert_stdout_not_contains "disclose by" "nothing to disclose yet"
assert_stdout_not_contains "deadline unknown" "no deadline to know yet"
assert_eq "$TASK" "$(printf '%s\n' "$STDOUT" | sed -n 2p | awk '{print $1}')" "in draw-date order: the food task first"
yh status --db $DB --json
printf '%s\n' "$STDOUT" > drawn.json
assert_eq "$TASK drawn 17 0 17 0" \
	"$(json_get drawn.json '$.tasks[0].task_id') $(json_get drawn.json '$.tasks[0].stage') $(json_get drawn.json '$.tasks[0].inspections') $(json_get drawn.json '$.tasks[0].results') $(json_get drawn.json '$.tasks[0].pending') $(json_get drawn.json '$.tasks[0].disclosures')" \
	"status --json: drawn, 17 inspections, 0 results, 17 pending, 0 disclosures"
assert_eq "T-2026-12-PLAN planned" "$(json_get drawn.json '$.tasks[1].task_id') $(json_get drawn.json '$.tasks[1].stage')" \
	"status --json: the planned task"
assert_eq "" "$(json_get drawn.json '$.tasks[0].deadline')$(json_get drawn.json '$.tasks[0].deadline_error')" \
	"status --json: no deadline and no error before any result"

# ---- results without a calendar: no deadline is guessed -------------------------------------------

yh result import --db $DB $TASK "$FIXTURES/results.csv"
assert_exit 0 "result import of fixtures/results.csv"
yh status --db $DB
line=$(task_line $TASK)
assert_eq "results 14/17" "$(printf '%s' "$line" | awk '{print $3, $4}')" "stage: results 14/17"
assert_stdout_contains "deadline unknown: no working-day calendar for 2026"
assert_stdout_contains "(run 'yaohao calendar import FILE')" "the calendar hint"
assert_stdout_not_contains "disclose by" "no deadline guessed from weekdays"
assert_eq "$TASK" "$(printf '%s\n' "$STDOUT" | sed -n 2p | awk '{print $1}')" "the task with a deadline to watch first"
yh status --db $DB --json
printf '%s\n' "$STDOUT" > nocal.json
assert_eq "results 14 3 2026-12-02" \
	"$(json_get nocal.json '$.tasks[0].stage') $(json_get nocal.json '$.tasks[0].results') $(json_get nocal.json '$.tasks[0].pending') $(json_get nocal.json '$.tasks[0].oldest_undisclosed')" \
	"status --json: results, 14 of them, 3 pending, the oldest undisclosed 2026-12-02"
case $(json_get nocal.json '$.tasks[0].deadline_error') in
"no working-day calendar for 2026"*) _pass "status --json: deadline_error names 2026" ;;
*) _fail "status --json: deadline_error names 2026" "$(json_get nocal.json '$.tasks[0].deadline_error')" ;;
esac
assert_eq "" "$(json_get nocal.json '$.tasks[0].deadline')$(json_get nocal.json '$.tasks[0].working_days_left')" \
	"status --json: no deadline, no working days left"

# ---- with the calendar -------------------------------------------------------------------------------

yh calendar import --db $DB "$FIXTURES/calendar.csv"
assert_exit 0 "calendar import"
yh status --db $DB
assert_exit 0 "status with the calendar"
line=$(task_line $TASK)
case $line in
"OVERDUE"*) _fail "not overdue on 2026-12-10" "$line" ;;
*) _pass "not overdue on 2026-12-10" ;;
esac
assert_stdout_contains "disclose by 2026-12-30 (14 working day(s) left)"
assert_stdout_not_contains "deadline unknown"
yh status --db $DB --json
printf '%s\n' "$STDOUT" > cal.json
assert_eq "2026-12-30 14 0" \
	"$(json_get cal.json '$.tasks[0].deadline') $(json_get cal.json '$.tasks[0].working_days_left') $(json_get cal.json '$.tasks[0].overdue')" \
	"status --json: deadline 2026-12-30, 14 working days left, not overdue"
assert_eq "" "$(json_get cal.json '$.tasks[0].deadline_error')" "status --json: no deadline_error"

# today is China Standard Time's date: 2026-12-20T17:00:00Z is Monday 12-21 there
SOURCE_DATE_EPOCH=$AT_1221_CST yh status --db $DB
assert_stdout_contains "today 2026-12-21, 2 task(s)"
assert_stdout_contains "disclose by 2026-12-30 (7 working day(s) left)"
SOURCE_DATE_EPOCH=$AT_1230 yh status --db $DB
assert_stdout_contains "disclose by 2026-12-30 (0 working day(s) left)" "on the deadline: 0 left"
assert_stdout_not_contains "OVERDUE" "on the deadline: not overdue"

# after the deadline: OVERDUE, first
SOURCE_DATE_EPOCH=$AT_1231 yh status --db $DB
assert_exit 0 "status on 2026-12-31"
assert_stdout_contains "today 2026-12-31, 2 task(s)"
line=$(printf '%s\n' "$STDOUT" | sed -n 2p)
assert_eq "OVERDUE $TASK" "$(printf '%s' "$line" | awk '{print $1, $2}')" "the overdue task first, marked OVERDUE"
assert_stdout_contains "disclose by 2026-12-30 (1 working day(s) ago)"
assert_eq 0 "$(printf '%s\n' "$STDOUT" | grep -c '^OVERDUE  T-2026-12-PLAN')" "the planned task is not marked"
SOURCE_DATE_EPOCH=$AT_1231 yh status --db $DB --json
printf '%s\n' "$STDOUT" > overdue.json
assert_eq "$TASK 1 -1 2026-12-31" \
	"$(json_get overdue.json '$.tasks[0].task_id') $(json_get overdue.json '$.tasks[0].overdue') $(json_get overdue.json '$.tasks[0].working_days_left') $(json_get overdue.json '$.today')" \
	"status --json: overdue, -1 working day left"
# today in 2027, which has no calendar: still OVERDUE (the deadline is a 2026 date)
SOURCE_DATE_EPOCH=$AT_2027 yh status --db $DB
assert_exit 0 "status on 2027-01-05"
assert_stdout_contains "OVERDUE  $TASK"
assert_stdout_contains "disclose by 2026-12-30 (working days since unknown: no working-day calendar for 2027"

# ---- coverage ----------------------------------------------------------------------------------------

# 14 of the register's 270 active entities: 5.185…% → 5.18% (rounded down)
yh coverage --db $DB --year 2026
assert_exit 0 "coverage --year 2026"
assert_stdout_contains "2026: 14 of 270 active entities inspected (5.18%; floor 3%: met)"
assert_stdout_contains "task $TASK"
assert_eq "66 4 5% 4 (6.06%)" "$(printf '%s\n' "$STDOUT" | awk '$1 == "A" {print $3, $5, $7, $9, $10}')" \
	"stratum A: population 66, 4 selected at 5%, 4 inspected (6.06%)"
assert_eq "6 3 50% 2 (33.33%)" "$(printf '%s\n' "$STDOUT" | awk '$1 == "D" {print $3, $5, $7, $9, $10}')" \
	"stratum D: population 6, 3 selected at 50%, 2 inspected (33.33%)"
assert_stdout_not_contains "inspected more than once" "no entity inspected twice"
yh coverage --db $DB --year 2026 --json
assert_exit 0 "coverage --year 2026 --json"
printf '%s\n' "$STDOUT" > cov.json
assert_eq "2026 270 14 5.18% 3% 1 []" \
	"$(json_get cov.json '$.year') $(json_get cov.json '$.active_entities') $(json_get cov.json '$.inspected') $(json_get cov.json '$.share') $(json_get cov.json '$.floor') $(json_get cov.json '$.meets_floor') $(json_get cov.json '$.repeated')" \
	"coverage --json: year, active, inspected, share, floor, met, no repeats"
assert_eq "$TASK 5" "$(json_get cov.json '$.tasks[0].task_id') $(json_get cov.json '$.tasks[0].strata' | grep -o '"stratum"' | wc -l)" \
	"coverage --json: the food task with its 5 strata"
assert_eq "C 19 4 20% 4 21.05%" \
	"$(json_get cov.json '$.tasks[0].strata[3].stratum') $(json_get cov.json '$.tasks[0].strata[3].population') $(json_get cov.json '$.tasks[0].strata[3].selected') $(json_get cov.json '$.tasks[0].strata[3].rate') $(json_get cov.json '$.tasks[0].strata[3].inspected') $(json_get cov.json '$.tasks[0].strata[3].share')" \
	"coverage --json: stratum C"
# another year: no task, nothing inspected, the floor not met
yh coverage --db $DB --year 2025
assert_exit 0 "coverage --year 2025"
assert_stdout_contains "2025: 0 of 270 active entities inspected (0.00%; floor 3%: NOT MET)"
assert_stdout_not_contains "task $TASK" "the task drawn in 2026 is not in 2025's coverage"

# ---- disclose --csv ------------------------------------------------------------------------------------

yh disclose --db $DB T-2026-12-PLAN -o plan-results.json --csv plan.csv
assert_exit 4 "disclose of a task not drawn: exit 4"
assert_stderr_contains "task 'T-2026-12-PLAN' is planned, not drawn"
assert_no_file plan-results.json "no document for a task not drawn"
assert_no_file plan.csv "no CSV for a task not drawn"
n=$("$YAOHAO" log --db $DB | wc -l)

# disclosed at 01:00 CST on 2026-12-11 (17:00 UTC on 12-10): 公示日期 is 2026-12-11
SOURCE_DATE_EPOCH=$AT_1211_CST yh disclose --db $DB $TASK -o r1.json --csv r1.csv
assert_exit 0 "disclose --csv"
assert_stdout_contains "disclosed the results of $TASK to r1.json and r1.csv (ledger entry $((n + 1)))"
assert_eq $((n + 1)) "$("$YAOHAO" log --db $DB | wc -l)" "disclose writes one ledger entry"
assert_eq "统一社会信用代码,企业名称,抽查任务编号,抽查类型,抽查机关,检查日期,检查结果,后续处置,公示日期" \
	"$(sed -n 1p r1.csv)" "the CSV's header"
assert_eq 15 "$(wc -l < r1.csv)" "the header and one line per result in force (14)"
assert_eq "$(tail -n +2 "$FIXTURES/results.csv" | cut -d, -f1 | sort)" "$(tail -n +2 r1.csv | cut -d, -f1 | sort)" \
	"the CSV's entities are those of the results"
assert_eq "$TASK|定向抽查|330100-SCJG|2026-12-11" "$(tail -n +2 r1.csv | awk -F, '{print $3 "|" $4 "|" $5 "|" $9}' | sort -u)" \
	"every line: the task, 定向抽查 (the task filters regions and industries), the department, 公示日期 today in CST"
assert_eq "2026-12-11 1" "$(json_get r1.json '$.disclosed') $(json_get r1.json '$.edition')" \
	"the document: disclosed 2026-12-11, edition 1"
assert_eq "92330102MA5MQ6HR34,上城区刘记饭店,$TASK,定向抽查,330100-SCJG,2026-12-02,未发现问题,无需后续处置,2026-12-11" \
	"$(grep '^92330102MA5MQ6HR34,' r1.csv)" "a line in full"
assert_eq "91330111MA58WQPR9C,杭州富阳瑞丰快餐有限公司,$TASK,定向抽查,330100-SCJG,2026-12-04,通过登记的住所(经营场所)无法联系,抄告相关部门,2026-12-11" \
	"$(grep '^91330111MA58WQPR9C,' r1.csv)" "a result 6 line: its name and follow-up"
# the lines follow the document's order (the draw's rank order)
assert_eq "$(tail -n +2 r1.csv | cut -d, -f1 | tr '\n' ' ')" \
	"$(for i in $(seq 0 16); do id=$(json_get d/draw.json "\$.selected[$i].id"); grep -q "^$id," r1.csv && printf '%s ' "$id"; done)" \
	"the CSV's lines in rank order"

# disclosed: nothing waits, no deadline; 3 results are still pending, so not "disclosed" yet
SOURCE_DATE_EPOCH=$AT_1231 yh status --db $DB
assert_stdout_not_contains "OVERDUE" "after the disclosure nothing is overdue"
assert_stdout_not_contains "disclose by" "after the disclosure no deadline"
assert_stdout_not_contains "deadline unknown" "after the disclosure no deadline error"
assert_eq "results 14/17" "$(task_line $TASK | awk '{print $3, $4}')" "3 pending: still results 14/17"
yh status --db $DB --json
printf '%s\n' "$STDOUT" > disclosed.json
assert_eq "1 " "$(json_get disclosed.json '$.tasks[0].disclosures') $(json_get disclosed.json '$.tasks[0].deadline')" \
	"status --json: one disclosure, no deadline"

# disclosed again: edition 2, the same lines
yh disclose --db $DB $TASK -o r2.json --csv r2.csv
assert_exit 0 "disclose again"
assert_eq "2 2026-12-10" "$(json_get r2.json '$.edition') $(json_get r2.json '$.disclosed')" "edition 2"
assert_eq "$(cut -d, -f1-8 r1.csv)" "$(cut -d, -f1-8 r2.csv)" "the second CSV has the same results"
yh status --db $DB --json
printf '%s\n' "$STDOUT" > disclosed2.json
assert_eq 2 "$(json_get disclosed2.json '$.tasks[0].disclosures')" "status --json: two disclosures"

# a document that cannot be written records nothing: no entry, the edition not used up
before=$(db_count $DB ledger)
yh disclose --db $DB $TASK -o no-such-dir/r3.json
assert_exit 3 "disclose to a folder that does not exist exits 3"
assert_stderr_contains "cannot write the file"
assert_eq "$before" "$(db_count $DB ledger)" "a disclosure whose file cannot be written records nothing"
yh disclose --db $DB $TASK -o r3.json --csv no-such-dir/r3.csv
assert_exit 3 "disclose with a CSV that cannot be written exits 3"
assert_eq "$before" "$(db_count $DB ledger)" "nor when only the CSV cannot be written"
yh disclose --db $DB $TASK -o r3.json
assert_exit 0 "disclose once the cause is fixed"
assert_eq 3 "$(json_get r3.json '$.edition')" "the next edition is 3: no edition was used up"

# a task that does not exist is named as such, with the hint to list the tasks
yh disclose --db $DB T-NO-SUCH -o x.json
assert_exit 4 "disclose of a task that does not exist exits 4, as publish does"
assert_stderr_contains "no such task: 'T-NO-SUCH'"

finish

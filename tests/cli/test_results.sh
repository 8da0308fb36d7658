# test_results.sh — after the draw: yaohao result add|import|list, reassign, substitute on the
# demo's drawn task, each refusal rule with its message (bad data: exit 3), result import of
# the demo's results (made as fixtures/results.csv is) and their GB18030 copy, a file with
# several bad lines that changes nothing.
source "$TESTLIB"

# today is 2026-12-10: the demo draws on 2026-12-01, the fixture's results are dated before
export SOURCE_DATE_EPOCH=1796860800
TASK=T-2026-12-FOOD

demo_draw d
assert_exit 0 "demo"
cp -r d d2
on_pg && store_copy d/yaohao.db d2/yaohao.db # the folder's files, and on PostgreSQL the database
# its results files are made from its draw by the script that made fixtures/results.csv from the
# food vector's (fixtures/make_results.py): the demo's draw is that vector's, on either backend
run python3 "$FIXTURES/make_results.py" d/draw.json "$T"
assert_exit 0 "make_results.py for the demo's draw"
assert_eq "$(sed -n 1p "$FIXTURES/results.csv")" "$(sed -n 1p results.csv)" "the same header as fixtures/results.csv"
assert_eq "$(cat "$FIXTURES/results.csv")" "$(cat results.csv)" "the demo's draw gives fixtures/results.csv (the food vector's)"
DB=d/yaohao.db
log_count() { "$YAOHAO" log --db "$1" | wc -l; }
sel() { json_get d/draw.json "\$.selected[$1].$2"; }

# rank 11 (index 10) is pending in the results file: the refusals use it
E=$(sel 10 id)
O1=$(sel 10 'team[0].id')
O2=$(sel 10 'team[1].id')
# stranger I: an officer of some team who is not on entity I's
stranger() {
	local j m o
	for j in $(seq 0 16); do
		for m in 0 1; do
			o=$(sel "$j" "team[$m].id")
			if [ "$o" != "$(sel "$1" 'team[0].id')" ] && [ "$o" != "$(sel "$1" 'team[1].id')" ]; then
				printf '%s' "$o"
				return
			fi
		done
	done
}
OTHER=$(stranger 10)
OTHER15=$(stranger 15)
RESERVE=$(json_get d/draw.json '$.reserves[0].id')
NOT_SELECTED=91330100MA00000000

# ---- each rule refused, with its message --------------------------------------------------------

n=$(log_count $DB)
add() { yh result add --db $DB "$TASK" "$@"; }
add "$NOT_SELECTED" --result 1 --date 2026-12-05 --officer "$O1" --officer "$O2"
assert_exit 3 "an entity not selected: exit 3"
assert_stderr_contains "entity '$NOT_SELECTED' was not selected in task '$TASK'"
add "$RESERVE" --result 1 --date 2026-12-05 --officer "$O1" --officer "$O2"
assert_exit 3 "a reserve before any substitution: exit 3"
assert_stderr_contains "a reserve is inspected only after a recorded substitution"
add "$E" --result 1 --date 2026-12-05 --officer "$O1" --officer "$OTHER"
assert_exit 3 "an officer not on the team: exit 3"
assert_stderr_contains "officer '$OTHER' is not on the team of entity '$E'"
add "$E" --result 1 --date 2026-12-05 --officer "$O1"
assert_exit 3 "one officer: exit 3"
assert_stderr_contains "1 officer(s) for entity '$E': an inspection needs at least two certified officers"
add "$E" --result 1 --date 2026-11-30 --officer "$O1" --officer "$O2"
assert_exit 3 "a date before the draw: exit 3"
assert_stderr_contains "date 2026-11-30 is before the draw (2026-12-01)"
add "$E" --result 1 --date 2026-12-11 --officer "$O1" --officer "$O2"
assert_exit 3 "a date in the future: exit 3"
assert_stderr_contains "date 2026-12-11 is in the future (today is 2026-12-10)"
add "$E" --result 拒绝检查 --date 2026-12-05 --officer "$O1" --officer "$O2"
assert_exit 3 "an unknown code: exit 3"
assert_stderr_contains "unknown result code '拒绝检查'"
add "$E" --result 1 --date 2026-12-05 --officer "$O1" --officer "$O2" --method 飞行检查
assert_exit 3 "an unknown method: exit 3"
assert_stderr_contains "unknown check method '飞行检查'"
assert_eq "$n" "$(log_count $DB)" "no refusal wrote anything"

# ---- import ---------------------------------------------------------------------------------------

yh result import --db $DB --dry-run "$TASK" results.csv
assert_exit 0 "result import --dry-run of results.csv"
assert_stdout_contains "valid (dry run, nothing recorded): 14 results and 0 corrections"
assert_eq "$n" "$(log_count $DB)" "a dry run records nothing"
yh result import --db $DB --json "$TASK" results.csv
assert_exit 0 "result import of results.csv"
printf '%s\n' "$STDOUT" > import.json
assert_eq "14 0 $((n + 1)) $((n + 14)) utf-8" "$(json_get import.json '$.results') $(json_get import.json '$.corrections') $(json_get import.json '$.first_seq') $(json_get import.json '$.last_seq') $(json_get import.json '$.encoding')" \
	"--json: 14 results as entries $((n + 1))-$((n + 14)), read as UTF-8"
assert_eq $((n + 14)) "$(log_count $DB)" "14 ledger entries"

yh result import --db d2/yaohao.db "$TASK" results-gb18030.csv
assert_exit 0 "result import of results-gb18030.csv"
assert_stderr_contains "results-gb18030.csv:1: header: warning: the file is not UTF-8; read as GB18030"
assert_stdout_contains "recorded 14 results and 0 corrections"
yh result list --db d2/yaohao.db "$TASK"
gb_list=$STDOUT
yh result list --db $DB "$TASK"
assert_exit 0 "result list"
assert_stdout_contains "17 inspections, 14 results, 3 pending, 0 corrections"
assert_stdout_contains "6 通过登记的住所(经营场所)无法联系"
assert_stdout_contains "7 已关闭停业或正在组织清算"
assert_stdout_contains "2026-12-09 A 发现问题待后续处理" "2026年12月9日 is 2026-12-09"
assert_eq "$STDOUT" "$gb_list" "the GB18030 copy gives the same results"
yh result list --db $DB --json "$TASK"
printf '%s\n' "$STDOUT" > list.json
assert_eq "14 3" "$(json_get list.json '$.summary.results') $(json_get list.json '$.summary.pending')" \
	"result list --json: 14 results, 3 pending"

# ---- several bad lines: all named, nothing changed ---------------------------------------------------

E1=$(sel 0 id)
{
	printf '统一社会信用代码,检查结果,检查日期,检查人员,检查方式\n'
	printf '%s,1,2026-12-05,%s；%s,实地检查\n' "$E" "$O1" "$O2"                       # 2: good
	printf '%s,1,2026-12-05,%s；%s,实地检查\n' "$(sel 15 id)" "$(sel 15 'team[0].id')" "$OTHER15" # 3
	printf '%s,1,2026/12/32,%s；%s,实地检查\n' "$(sel 16 id)" "$(sel 16 'team[0].id')" "$(sel 16 'team[1].id')" # 4
	printf '%s,1,2026-12-05,%s；%s,实地检查\n' "$RESERVE" "$O1" "$O2"                   # 5
	printf '%s,E,2026-12-06,%s；%s,实地检查\n' "$E1" "$(sel 0 'team[0].id')" "$(sel 0 'team[1].id')" # 6
	printf '%s,1,2026-12-05,%s,实地检查\n' "$(sel 15 id)" "$(sel 15 'team[0].id')"       # 7
	printf '%s,1,,%s；%s,实地检查\n' "$(sel 16 id)" "$(sel 16 'team[0].id')" "$(sel 16 'team[1].id')" # 8
} > bad.csv
n=$(log_count $DB)
yh result import --db $DB "$TASK" bad.csv
assert_exit 3 "a file with bad lines: exit 3"
assert_stderr_contains "bad.csv:3: 检查人员: officer '$OTHER15' is not on the team of entity '$(sel 15 id)'"
assert_stderr_contains "bad.csv:4: 检查日期: '2026/12/32' is not a date"
assert_stderr_contains "bad.csv:5: 统一社会信用代码: entity '$RESERVE' is reserve 1"
assert_stderr_contains "bad.csv:6: 统一社会信用代码: entity '$E1' has a result already (entry"
assert_stderr_contains "bad.csv:7: 检查人员: 1 officer(s) for entity"
assert_stderr_contains "bad.csv:8: 检查日期: is empty"
assert_stderr_not_contains "bad.csv:2:" "the good line is not named"
assert_stderr_contains "yaohao: 6 errors in 'bad.csv', nothing recorded"
assert_eq "$n" "$(log_count $DB)" "the bad file changed nothing (yaohao log)"

printf 'entity_id,result,date,officers,地址\n' > header.csv
yh result import --db $DB "$TASK" header.csv
assert_exit 3 "an unknown header: exit 3"
assert_stderr_contains "header.csv:1: header: unknown column '地址'"

# ---- a correction ---------------------------------------------------------------------------------

first=$(json_get import.json '$.first_seq')
add "$E1" --result E --date 2026-12-06 --officer "$(sel 0 'team[0].id')" --officer "$(sel 0 'team[1].id')"
assert_exit 3 "a second result without a correction: exit 3"
assert_stderr_contains "has a result already (entry $first): a result is never overwritten"
add "$E1" --result E --date 2026-12-06 --officer "$(sel 0 'team[0].id')" --officer "$(sel 0 'team[1].id')" \
	--replaces $((first + 1)) --reason "复核更正"
assert_exit 3 "a correction naming another entry: exit 3"
assert_stderr_contains "the correction names entry $((first + 1)); the result in force for entity '$E1' is entry $first"
add "$E1" --result E --date 2026-12-06 --officer "$(sel 0 'team[0].id')" --officer "$(sel 0 'team[1].id')" \
	--follow-up 责令改正 --replaces "$first" --reason "企业异议，复核后更正"
assert_exit 0 "a correction naming the result in force, with its reason"
assert_stdout_contains "recorded the correction of $E1"
yh result list --db $DB "$TASK"
assert_stdout_contains "1 corrections"
assert_stdout_contains "2026-12-06 E 发现问题经责令已改正"

# ---- reassign and substitute -------------------------------------------------------------------------

n=$(log_count $DB)
yh reassign --db $DB "$TASK" "$E" "$O1" --reason "当事人申请回避"
assert_exit 0 "reassign"
assert_stdout_contains "replaces $O1 on the team of $E"
assert_eq $((n + 1)) "$(log_count $DB)" "reassign writes one entry"
yh reassign --db $DB "$TASK" "$E" "$O1" --reason "again"
assert_exit 3 "a second reassignment of the same officer: exit 3"
assert_stderr_contains "officer '$O1' is not on the team of entity '$E'"
yh substitute --db $DB "$TASK" "$E" --reason "已注销"
assert_exit 3 "substitute of an active entity: exit 3"
assert_stderr_contains "is 'active' in the register"
assert_stderr_contains "given result 6 or 7"
assert_eq $((n + 1)) "$(log_count $DB)" "the refusals wrote nothing"

# a conflict raised after the draw: imported into the conflicts register, then cited by the recusal
E16=$(sel 15 id)
O16=$(sel 15 'team[0].id')
yh export --db $DB conflicts -o conflicts-now.csv
assert_exit 0 "export the current conflicts"
printf '%s,%s,近亲属在该企业任职\n' "$O16" "$E16" >> conflicts-now.csv
yh import --db $DB conflicts conflicts-now.csv
assert_exit 0 "import the conflict raised after the draw"
yh reassign --db $DB "$TASK" "$E16" "$O16" --reason "企业申请回避"
assert_exit 0 "reassign on the conflict row imported after the draw"
assert_eq '{"reason":"近亲属在该企业任职","since":'"$(( $(log_count $DB) - 1 ))"'}' \
	"$(sql $DB "select $(jx payload '$.conflict') from ledger order by seq desc limit 1")" \
	"the recusal cites the conflict row and the import it came with"
yh audit --db $DB
assert_exit 0 "the audit accepts the cited conflict"

# ---- help -------------------------------------------------------------------------------------------

for c in result reassign substitute disclose; do
	yh "$c" --help
	assert_exit 0 "$c --help"
	assert_stdout_contains "usage: yaohao $c" "$c --help prints its usage"
done
yh result --help
assert_stdout_contains "检查人员/officers"

finish

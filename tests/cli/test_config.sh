# test_config.sh — the words departments use for statuses: the built-in officer words (离岗,
# 借调, 挂职, 培训, 学习, inactive, on leave, retired …) imported as the documented classes, and
# 'yaohao config status-map add|remove|list' for a store's own words, each change a signed
# ledger entry of kind "config" that the audit accepts.
source "$TESTLIB"

I="$FIXTURES/inspectors.csv"
HEADER=$(head -n 1 "$I")       # 姓名,执法证号,部门,专业领域,执法证有效期至,状态

# officers FILE WORD... — one officer per word, P1, P2, …, in 330100-SCJG.
officers() {
	local file=$1 n=0 w
	shift
	printf '%s\n' "$HEADER" > "$file"
	for w in "$@"; do
		n=$((n + 1))
		printf '某人%d,P%d,330100-SCJG,食品,2030-12-31,%s\n' "$n" "$n" "$w" >> "$file"
	done
}
statuses() { sql s.db "select status from inspector where valid_to is null and id like 'P%' order by cast(substr(id, 2) as integer)" | paste -sd ' '; }

yh init --department 330100-SCJG --db s.db
assert_exit 0 "init"

# ---- the built-in words ----------------------------------------------------------

officers words.csv 在岗 离岗 借调 挂职 培训 学习 inactive "on leave" Suspended retired seconded \
	"On_Leave" LEFT 退休
yh import --db s.db inspectors words.csv
assert_exit 0 "离岗, 借调, 挂职, 培训, 学习, inactive, on leave, Suspended, retired … are imported"
assert_stderr_empty "no diagnostics"
assert_eq "active on_leave on_leave on_leave on_leave on_leave suspended on_leave suspended left on_leave on_leave left left" \
	"$(statuses)" "each is stored as its documented class"
yh import --columns inspectors
assert_stdout_contains "离岗" "import --columns lists the new words"

# ---- a local word ----------------------------------------------------------------

officers local.csv 在岗 驻村 病休
before=$(sql_dump s.db)
yh import --db s.db inspectors local.csv
assert_exit 3 "an unknown word: exit 3"
assert_stderr_contains "local.csv:3: 状态: '驻村' is not one of" "the line and the column are named"
assert_stderr_contains "nor in the store's status map (a local word: 'yaohao config status-map add WORD CLASS')" \
	"the hint names the command"
assert_eq "$before" "$(sql_dump s.db)" "nothing is imported"

yh config status-map list --db s.db
assert_exit 0 "status-map list"
assert_stdout_contains "the status map is empty" "an empty map says so"
n=$(db_count s.db ledger)
yh config status-map add 驻村 on_leave --db s.db
assert_exit 0 "status-map add 驻村 on_leave"
assert_stdout_contains "inspectors: '驻村' is now read as on_leave (ledger entry $((n + 1)))"
assert_eq "config|status_map|add|inspectors|驻村|on_leave" \
	"$(sql s.db "select kind, $(jx payload '$.setting'), $(jx payload '$.action'), $(jx payload '$.register'), $(jx payload '$.word'), $(jx payload '$.class') from ledger where seq = $((n + 1))")" \
	"the ledger entry records the mapping"
assert_eq 64 "$(sql s.db "select length(signature) from ledger where seq = $((n + 1))")" "the entry is signed"
yh import --db s.db inspectors local.csv
assert_exit 0 "with 驻村 in the map the file imports"
assert_eq "active on_leave on_leave" "$(statuses)" "驻村 is stored as on_leave"
yh config status-map add "Stand By" active --db s.db
assert_exit 0 "an English word"
yh config status-map add --register entities 停业整顿 suspended --db s.db
assert_exit 0 "an entity word"
yh config status-map list --db s.db
assert_stdout_contains "inspectors: '驻村' -> on_leave (ledger entry $((n + 1)))"
assert_stdout_contains "inspectors: 'Stand By' -> active"
assert_stdout_contains "entities: '停业整顿' -> suspended"
yh config status-map list --db s.db --json
assert_exit 0
printf '%s\n' "$STDOUT" > list.json
assert_eq 3 "$(sqlite3 :memory: "select json_array_length(readfile('list.json'))")" "--json lists three words"
assert_eq "entities 停业整顿 suspended" "$(sqlite3 :memory: "select json_extract(readfile('list.json'), '\$[0].register') || ' ' || json_extract(readfile('list.json'), '\$[0].word') || ' ' || json_extract(readfile('list.json'), '\$[0].class')")" \
	"--json gives register, word and class"
# The map holds words in any case and spacing.
officers english.csv "stand by" STAND_BY
yh import --db s.db --partial inspectors english.csv
assert_exit 0 "'stand by' and STAND_BY match 'Stand By'"

# ---- refusals, each leaving the store as it was ----------------------------------

before=$(sql_dump s.db)
yh config status-map add 休假 active --db s.db
assert_exit 4 "a built-in word: exit 4"
assert_stderr_contains "'休假' is a built-in word of inspectors (on_leave)"
yh config status-map add 驻村 left --db s.db
assert_exit 4 "a word mapped already: exit 4"
assert_stderr_contains "in the status map of inspectors already"
yh config status-map add 出差 holiday --db s.db
assert_exit 2 "an unknown class: exit 2"
assert_stderr_contains "'holiday' is not a status of inspectors (use active, on_leave, suspended, left)"
yh config status-map add $'驻\xe2\x80\xae村' on_leave --db s.db
assert_exit 2 "a word with U+202E: exit 2"
assert_stderr_contains "U+202E"
yh config status-map add --register conflicts x active --db s.db
assert_exit 2 "--register conflicts: exit 2"
yh config status-map add 出差 --db s.db
assert_exit 2 "add without a class: exit 2"
yh config status-map frob --db s.db
assert_exit 2 "an unknown action: exit 2"
yh config colours --db s.db
assert_exit 2 "an unknown setting: exit 2"
yh config status-map remove 出差 --db s.db
assert_exit 4 "removing a word not in the map: exit 4"
mv s.db.key away.key
yh config status-map add 出差 on_leave --db s.db
assert_exit 4 "without the secret key: exit 4"
mv away.key s.db.key
assert_eq "$before" "$(sql_dump s.db)" "no refusal changed the store"

# ---- removing, the audit, the log ------------------------------------------------

yh config status-map remove 驻村 --db s.db
assert_exit 0 "status-map remove"
assert_stdout_contains "inspectors: '驻村' is no longer in the status map"
yh import --db s.db inspectors local.csv
assert_exit 3 "after the removal 驻村 is refused again"
yh log --db s.db
assert_stdout_contains "config" "the log lists the config entries"
yh audit --db s.db
assert_exit 0 "the audit passes with config entries in the ledger"
yh config --help
assert_exit 0 "config --help"
assert_stdout_contains "usage: yaohao config status-map add"
yh --help
assert_stdout_contains "config" "the command list names config"

finish

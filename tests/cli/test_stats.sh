# test_stats.sh — yaohao stats on the good fixtures: text and JSON output,
# the totals from fixtures/README.md, and --as-of errors.
source "$TESTLIB"

# The ledger entry an import reports in its summary ("... as ledger entry N: ...").
import_seq() { printf '%s\n' "$STDOUT" | sed -n 's/.* as ledger entry \([0-9][0-9]*\): .*/\1/p'; }

yh init --department 330100-SCJG --db s.db
for r in entities inspectors conflicts items; do
	yh import --db s.db "$r" "$FIXTURES/$r.csv"
	assert_exit 0 "import $r"
	[ "$r" = entities ] && ENTITIES_SEQ=$(import_seq)
done
# The head: the last import's entry, which is the newest in the ledger.
HEAD=$(import_seq)
assert_eq "$HEAD" "$(sql s.db "select max(seq) from ledger")" "the last import ($HEAD) is the ledger's head"
assert_eq "import import import import" \
	"$(sql s.db "select kind from ledger where seq >= $ENTITIES_SEQ order by seq" | tr '\n' ' ' | sed 's/ $//')" \
	"the four imports are entries $ENTITIES_SEQ..$HEAD"

# Text output.
yh stats --db s.db
assert_exit 0 "stats exits 0"
assert_stderr_empty "stats prints nothing on stderr"
assert_stdout_contains "department 330100-SCJG, registers as of ledger entry $HEAD"
assert_stdout_contains "entities: 300 (on the abnormal-operations list: 15)"
assert_stdout_contains "浙江省" "the province names are printed"
assert_stdout_contains "广东省"
assert_stdout_contains "住宿和餐饮业" "the industry section names are printed"
assert_stdout_contains "inspectors: 40"
assert_stdout_contains "conflicts (回避): 15"
assert_stdout_contains "check items: 8"
zj=$(printf '%s\n' "$STDOUT" | grep -F "浙江省")
assert_eq "33 217 浙江省" "$(printf '%s' "$zj" | tr -s ' ' | sed 's/^ //')" "浙江省: 217 entities (210 in Hangzhou + 7)"

# JSON output.
yh stats --db s.db --json
assert_exit 0 "stats --json exits 0"
printf '%s\n' "$STDOUT" > s.json
assert_eq 1 "$(json_valid s.json)" "stats --json is valid JSON"
assert_stdout_contains '"total": 300' "the JSON has entities.total 300"
j() { json_get s.json "$1"; }
assert_eq 300 "$(j '$.entities.total')" "entities.total 300"
assert_eq 15 "$(j '$.entities.abnormal')" "entities.abnormal 15"
assert_eq "$HEAD" "$(j '$.as_of')" "as_of $HEAD (the head)"
assert_eq 330100-SCJG "$(j '$.department')" "department"
# 存续 175 + 在业 55 + 开业 40 = 270 active; 注销 10, 吊销 8, 迁出 5, 停业 4, 撤销 3.
assert_eq "270 10 8 5 4 3" \
	"$(for k in active deregistered revoked moved_out suspended cancelled; do printf '%s ' "$(j "\$.entities.by_status.$k")"; done | sed 's/ $//')" \
	"entities by status"
# A 147 + 低, B 88 + 一般, C 44 + 较高, D 15 + 高, 2 empty.
assert_eq "148 89 45 16 2" \
	"$(for k in A B C D unclassified; do printf '%s ' "$(j "\$.entities.by_risk.$k")"; done | sed 's/ $//')" \
	"entities by risk class"
assert_eq 217 "$(sqlite3 :memory: "select json_extract(value, '\$.count') from json_each(json_extract(readfile('s.json'), '\$.entities.by_province')) where json_extract(value, '\$.code') = '33'")" \
	"by_province 33 (浙江省) counts 217"
assert_eq 300 "$(sqlite3 :memory: "select sum(json_extract(value, '\$.count')) from json_each(json_extract(readfile('s.json'), '\$.entities.by_province'))")" \
	"by_province adds up to 300"
assert_eq 300 "$(sqlite3 :memory: "select sum(json_extract(value, '\$.count')) from json_each(json_extract(readfile('s.json'), '\$.entities.by_industry_section'))")" \
	"by_industry_section adds up to 300"
assert_eq 4 "$(sqlite3 :memory: "select json_extract(value, '\$.count') from json_each(json_extract(readfile('s.json'), '\$.entities.by_industry_section')) where json_extract(value, '\$.section') = ''")" \
	"4 entities without an industry code"
assert_eq 40 "$(j '$.inspectors.total')" "inspectors.total 40"
assert_eq "26 14" "$(j '$.inspectors.by_department."330100-SCJG"') $(j '$.inspectors.by_department."330100-STHJ"')" "inspectors by department"
assert_eq "33 3 2 2" \
	"$(for k in active on_leave suspended left; do printf '%s ' "$(j "\$.inspectors.by_status.$k")"; done | sed 's/ $//')" \
	"inspectors by status (在岗 33, 休假 3, 停职 2, 调离 2)"
assert_eq 15 "$(j '$.conflicts.total')" "conflicts.total 15"
assert_eq 8 "$(j '$.items.total')" "items.total 8"

# The text and JSON agree on the totals.
yh stats --db s.db --as-of "$HEAD"
assert_exit 0 "stats --as-of the head"
assert_stdout_contains "entities: 300"
yh stats --db s.db --as-of "$ENTITIES_SEQ" --json
printf '%s\n' "$STDOUT" > s2.json
assert_eq "300 0 0 0" "$(for k in entities inspectors conflicts items; do printf '%s ' "$(json_get s2.json "\$.$k.total")"; done | sed 's/ $//')" \
	"as of entry $ENTITIES_SEQ (the entities import) only the entities are there"
assert_eq "$ENTITIES_SEQ" "$(json_get s2.json '$.as_of')" "stats --as-of $ENTITIES_SEQ --json: as_of $ENTITIES_SEQ"

# --as-of: 0 and garbage are usage errors.
for bad in 0 x -1 1x '' 2.5 18446744073709551616; do
	yh stats --db s.db --as-of "$bad"
	assert_exit 2 "stats --as-of '$bad' exits 2"
	assert_stderr_contains "--as-of" "stats --as-of '$bad': the message names the option"
done
# Beyond the head: non-zero, with a message naming the head.
for past in $((HEAD + 1)) 1000 18446744073709551615; do
	yh stats --db s.db --as-of "$past"
	assert_exit_nonzero "stats --as-of $past (past the head) fails"
	assert_stderr_contains "$past" "stats --as-of $past: the message names the sequence"
	assert_stderr_contains "head ($HEAD)" "stats --as-of $past: the message names the head"
	assert_eq "" "$STDOUT" "stats --as-of $past prints no statistics"
done

# Stray arguments and options.
yh stats --db s.db extra
assert_exit 2 "stats with an argument exits 2"
yh stats --db s.db --frob
assert_exit 2 "stats with an unknown option exits 2"

# An empty store.
# A new store's head is its last entry: the key entry, right after init.
yh init --department 330100-STHJ --db e.db
E_HEAD=$(sql e.db "select max(seq) from ledger")
assert_eq "key" "$(sql e.db "select kind from ledger where seq = $E_HEAD")" "a new store's head is the key entry"
yh stats --db e.db --json
assert_exit 0 "stats on an empty store"
printf '%s\n' "$STDOUT" > e.json
assert_eq "0 0 0 0 $E_HEAD" "$(for k in entities inspectors conflicts items; do printf '%s ' "$(json_get e.json "\$.$k.total")"; done)$(json_get e.json '$.as_of')" \
	"an empty store has no rows, as of its head (entry $E_HEAD)"
yh stats --db e.db --as-of 1 --json
assert_exit 0 "stats --as-of the init entry"
printf '%s\n' "$STDOUT" > e1.json
assert_eq "0 0 0 0 1" "$(for k in entities inspectors conflicts items; do printf '%s ' "$(json_get e1.json "\$.$k.total")"; done)$(json_get e1.json '$.as_of')" \
	"an empty store has no rows as of entry 1 (init) either"
assert_eq 330100-STHJ "$(json_get e.json '$.department')" "the empty store's department"

finish

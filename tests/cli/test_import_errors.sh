# test_import_errors.sh — every file in fixtures/broken/: exit 3, one
# "FILE:LINE: COLUMN: reason" line per bad line (lines and columns from
# fixtures/README.md), and a store left exactly as it was.  Also --max-errors,
# --accept-bad-check and files in the wrong encoding.
source "$TESTLIB"

B="$FIXTURES/broken"

# A store that already holds every good fixture.
yh init --department 330100-SCJG --db s.db
assert_exit 0 "init"
for r in entities inspectors conflicts items; do
	yh import --db s.db "$r" "$FIXTURES/$r.csv"
	assert_exit 0 "import $r"
done

# Everything that must not change after a failed import.
snapshot() {
	sql_dump "$1"
	for t in ledger entity inspector conflict item; do
		printf '%s %s\n' "$t" "$(db_count "$1" "$t")"
	done
	"$YAOHAO" log --db "$1"
}
SNAP=$(snapshot s.db)

# "LINE COLUMN" for every diagnostic about FILE (its base name) in $STDERR, in order.
diag_lines() {
	printf '%s\n' "$STDERR" | grep -F -- "$1:" |
		sed -n "s|^.*$1:\([0-9][0-9]*\): \([^:]*\): .*|\1 \2|p"
}

# check_broken REGISTER FILE ERRORS EXPECTED — EXPECTED is "LINE COLUMN" lines.
check_broken() {
	local reg=$1 file=$2 nerr=$3 want=$4
	yh import --db s.db "$reg" "$B/$file"
	assert_exit 3 "$file: exit 3"
	assert_eq "$want" "$(diag_lines "$file")" "$file: one diagnostic per bad line, with its line and column"
	assert_eq "$(printf '%s\n' "$want" | wc -l)" "$(printf '%s\n' "$STDERR" | grep -c -F -- "$B/$file:")" \
		"$file: no other diagnostic lines"
	if [ "$nerr" -gt 0 ]; then
		assert_stderr_contains "$nerr error$([ "$nerr" -gt 1 ] && echo s) in '$B/$file', nothing imported" \
			"$file: the summary counts $nerr errors, nothing imported"
	fi
	assert_stdout_not_contains "imported" "$file: no success summary"
	assert_eq "$SNAP" "$(snapshot s.db)" "$file: the store is unchanged (dump, counts, ledger)"
}

check_broken entities entities-bad-check.csv 2 "4 统一社会信用代码
7 统一社会信用代码"
assert_stderr_contains "'91350211M0000XUF46': check character is '6', expected 'R'"
assert_stderr_contains "'92330182MA6Q605491': check character is '1', expected '0'"
assert_stderr_contains "--accept-bad-check" "the bad-check message mentions --accept-bad-check"

check_broken entities entities-duplicate.csv 1 "7 统一社会信用代码"
assert_stderr_contains "entities-duplicate.csv:7: 统一社会信用代码: " "the duplicate is reported on line 7"
assert_stderr_contains "9133012272882597XN" "the duplicate message names the key"
assert_stderr_contains "first on line 3" "the duplicate message names the first line"

check_broken entities entities-mixed.csv 8 "3 统一社会信用代码
4 统一社会信用代码
5 统一社会信用代码
7 区划代码
8 风险等级
9 登记状态
10 企业名称
11 企业名称"
assert_stderr_contains "entities-mixed.csv:7: 区划代码: '33010'"
assert_stderr_contains "entities-mixed.csv:3: 统一社会信用代码: '91330102MA0HNDPY00'"
assert_stderr_contains "entities-mixed.csv:4: 统一社会信用代码: '92330109302590157': has 17 characters"
assert_stderr_contains "entities-mixed.csv:5: 统一社会信用代码: '91330105MA6ODR2F8N': character 12 'O'"
assert_stderr_contains "entities-mixed.csv:8: 风险等级: 'E'"
assert_stderr_contains "entities-mixed.csv:9: 登记状态: '未知状态'"
assert_stderr_contains "entities-mixed.csv:10: 企业名称: control character 0x01"
assert_stderr_contains "entities-mixed.csv:11: 企业名称: is empty"
for ok in 2 6 12; do
	assert_stderr_not_contains "entities-mixed.csv:$ok:" "entities-mixed.csv: valid line $ok is not reported"
done

check_broken inspectors inspectors-bad-dates.csv 4 "3 执法证有效期至
5 执法证有效期至
6 执法证有效期至
8 执法证有效期至"
assert_stderr_contains "'2026-02-30'"
assert_stderr_contains "'2026-13-01'"
assert_stderr_contains "'2026/12/31'"
assert_stderr_contains "inspectors-bad-dates.csv:8: 执法证有效期至: is empty"

check_broken entities entities-invalid-utf8.csv 1 "5 企业名称"
assert_stderr_contains "invalid UTF-8"

# 6 fields instead of 8: a whole-row error.
check_broken entities entities-short-row.csv 1 "5 row"
assert_stderr_contains "has 6 fields, the header has 8"

check_broken entities entities-unterminated-quote.csv 1 "5 企业名称"
assert_stderr_contains "never closed"
assert_stderr_contains "entities-unterminated-quote.csv:5: 企业名称: quoted field opened here is never closed" \
	"the unterminated quote is reported where it opened (line 5)"
# The file has 7 lines (wc -l; fixtures/README.md: "The file has 7 lines"):
# its last byte is the CRLF that ends line 7, so it ends on line 7.
assert_eq 7 "$(wc -l < "$B/entities-unterminated-quote.csv")" "the unterminated-quote fixture has 7 lines"
assert_stderr_contains "(the file ends on line 7)" "the message names the file's last line, 7"

# A missing required column is a header error on line 1 naming the column.
check_broken entities entities-missing-column.csv 0 "1 header"
assert_stderr_contains "统一社会信用代码" "the header error names the missing column"
assert_stderr_contains "nothing imported"

# Every file in broken/ is covered above.
for f in "$B"/*; do
	case $(basename "$f") in
	entities-bad-check.csv | entities-duplicate.csv | entities-mixed.csv | inspectors-bad-dates.csv | \
		entities-invalid-utf8.csv | entities-short-row.csv | entities-unterminated-quote.csv | \
		entities-missing-column.csv) _pass "broken/$(basename "$f") is tested" ;;
	*) _fail "broken/$(basename "$f") is not tested" ;;
	esac
done

# CSV faults from docs/formats.md; the reader goes on, so each line is reported.
{
	printf 'id,name,type,region,industry,risk,status,abnormal\n'
	printf '921508021393685712,临河区"徐记"杂货店,个体工商户,150802,F52,C,存续,否\n'
	printf '91330109MA1EN2G20E,"杭州萧山"x,有限责任公司,330109,C1411,A,存续,否\n'
	printf '92410825MA4GL51Q65,温县\r徐记面馆,个体工商户,410825,H62,A,在业,否\n'
	printf '91330111MA6HL8KM77,杭州富阳知味网络科技有限公司,有限责任公司,330111,I65,A,开业,否\n'
	printf '91330106952730051E,杭州西湖之江餐饮有限公司,有限责任公司,330106,H62,A,,否\n'
} > faults.csv
yh import --db s.db entities faults.csv
assert_exit 3 "CSV faults: exit 3"
assert_eq "2 name
3 name
4 name
6 status" "$(diag_lines faults.csv)" "CSV faults: one diagnostic per bad line"
assert_stderr_contains "faults.csv:2: name: quote inside an unquoted field"
assert_stderr_contains "faults.csv:3: name: unexpected character after a closing quote"
assert_stderr_contains "faults.csv:4: name: carriage return not followed by a line feed"
assert_stderr_contains "faults.csv:6: status: is empty"
assert_stderr_contains "4 errors in 'faults.csv', nothing imported"
assert_eq "$SNAP" "$(snapshot s.db)" "CSV faults: the store is unchanged"

# Two headers naming the same column.
printf 'id,name,uscc\n91330111MA6HL8KM77,x,91330111MA6HL8KM77\n' > dup-header.csv
yh import --db s.db entities dup-header.csv
assert_exit 3 "two headers for one column: exit 3"
assert_stderr_contains "dup-header.csv:1: header: " "the duplicate header is a header error on line 1"
assert_stderr_contains "'uscc'"
assert_eq "$SNAP" "$(snapshot s.db)" "a duplicate header changes nothing"

# The same on an empty store: nothing at all is written.
yh init --department 330100-SCJG --db e.db
ESNAP=$(snapshot e.db)
yh import --db e.db entities "$B/entities-mixed.csv"
assert_exit 3 "entities-mixed.csv on an empty store: exit 3"
assert_eq "$ESNAP" "$(snapshot e.db)" "a failed first import writes nothing"
assert_eq 0 "$(db_count e.db entity)" "no entity from the failed file"

# A dry run reports the same errors.
yh import --db s.db --dry-run entities "$B/entities-mixed.csv"
assert_exit 3 "--dry-run of a broken file: exit 3"
assert_eq 8 "$(diag_lines entities-mixed.csv | wc -l)" "--dry-run reports the 8 errors"

# --max-errors 2: only two error lines, and a note that more were found.
yh import --db s.db --max-errors 2 entities "$B/entities-mixed.csv"
assert_exit 3 "--max-errors 2: exit 3"
assert_eq "3 统一社会信用代码
4 统一社会信用代码" "$(diag_lines entities-mixed.csv)" "--max-errors 2 shows only the first 2 error lines"
assert_stderr_contains "only the first 2 errors are shown"
assert_eq "$SNAP" "$(snapshot s.db)" "--max-errors 2: the store is unchanged"
yh import --db s.db --max-errors 8 entities "$B/entities-mixed.csv"
assert_eq 8 "$(diag_lines entities-mixed.csv | wc -l)" "--max-errors 8 shows all 8"
assert_stderr_not_contains "only the first" "--max-errors 8: no truncation note"
yh import --db s.db --max-errors 1 inspectors "$B/inspectors-bad-dates.csv"
assert_exit 3 "--max-errors 1 on inspectors-bad-dates.csv: exit 3"
assert_eq "3 执法证有效期至" "$(diag_lines inspectors-bad-dates.csv)" "--max-errors 1 shows only line 3"

# --accept-bad-check with other errors: the bad checks become warnings, the rest still fail.
yh import --db s.db --accept-bad-check entities "$B/entities-mixed.csv"
assert_exit 3 "--accept-bad-check does not excuse other errors"
assert_stderr_contains "entities-mixed.csv:3: 统一社会信用代码: warning: " "line 3 becomes a warning"
assert_stderr_contains "7 errors in '$B/entities-mixed.csv', nothing imported"
assert_eq "$SNAP" "$(snapshot s.db)" "--accept-bad-check with errors: the store is unchanged"

# --accept-bad-check on entities-bad-check.csv succeeds, on record.
yh init --department 330100-SCJG --db c.db
yh import --db c.db --accept-bad-check entities "$B/entities-bad-check.csv"
assert_exit 0 "--accept-bad-check on entities-bad-check.csv: exit 0"
assert_stdout_contains "8 rows, 8 added"
assert_stdout_contains "2 credit code(s) with a failing check character accepted on record"
assert_stderr_contains "entities-bad-check.csv:4: 统一社会信用代码: warning: '91350211M0000XUF46'"
assert_stderr_contains "entities-bad-check.csv:7: 统一社会信用代码: warning: '92330182MA6Q605491'"
assert_eq 1 "$(sql c.db "select count(*) from entity where id = '91350211M0000XUF46' and valid_to is null")" \
	"the accepted id is in the register"
yh log --db c.db --json
assert_exit 0 "log --json"
printf '%s\n' "$STDOUT" | tail -n 1 > last.json
assert_eq 1 "$(json_valid last.json)" "the last ledger line is valid JSON"
assert_eq import "$(json_get last.json '$.kind')" "the last entry is the import"
assert_eq 1 "$(json_get last.json '$.payload.accept_bad_check')" "the ledger records accept_bad_check true"
assert_eq 2 "$(sqlite3 :memory: "select json_array_length(readfile('last.json'), '\$.payload.bad_check_accepted')")" \
	"the ledger lists 2 accepted ids"
assert_eq "91350211M0000XUF46 4" "$(json_get last.json '$.payload.bad_check_accepted[0].id') $(json_get last.json '$.payload.bad_check_accepted[0].line')" \
	"the ledger records the first accepted id and its line"
assert_eq "92330182MA6Q605491 7" "$(json_get last.json '$.payload.bad_check_accepted[1].id') $(json_get last.json '$.payload.bad_check_accepted[1].line')" \
	"the ledger records the second accepted id and its line"
yh log --db c.db
assert_stdout_contains '"accept_bad_check":true' "yaohao log shows accept_bad_check true"
assert_stdout_contains '91350211M0000XUF46' "yaohao log shows the accepted id"
yh init --department 330100-SCJG --db c2.db
yh import --db c2.db --accept-bad-check --json entities "$B/entities-bad-check.csv"
printf '%s\n' "$STDOUT" > acc.json
assert_eq 2 "$(json_get acc.json '$.bad_check_accepted')" "import --json counts 2 accepted bad checks"
yh import --db c2.db --json entities "$FIXTURES/entities.csv"
printf '%s\n' "$STDOUT" > norm.json
yh log --db c2.db --json
printf '%s\n' "$STDOUT" | tail -n 1 > last2.json
assert_eq 0 "$(json_get last2.json '$.payload.accept_bad_check')" "an ordinary import records accept_bad_check false"

# A GB18030 file read as UTF-8 (forced: without --encoding it is detected, test_import.sh):
# bad data, with a hint to use --encoding gb18030.
yh import --db s.db --encoding utf-8 entities "$FIXTURES/entities-gb18030.csv"
assert_exit 3 "entities-gb18030.csv with --encoding utf-8: exit 3"
assert_stderr_contains "entities-gb18030.csv:1: " "the error is reported on line 1 (the header)"
assert_stderr_contains "--encoding gb18030" "the message hints at --encoding gb18030"
assert_eq "$SNAP" "$(snapshot s.db)" "a wrongly encoded file changes nothing"

# Bytes that are not GB18030 in a file read with --encoding gb18030: bad
# data on that line (exit 3), not an internal error.
sed '5s/^/\xff/' "$FIXTURES/entities-gb18030.csv" > bad-gb18030.csv
yh import --db s.db --encoding gb18030 entities bad-gb18030.csv
assert_exit 3 "an invalid GB18030 byte: exit 3"
assert_stderr_contains "bad-gb18030.csv:5: 企业名称: " "the invalid byte is reported as FILE:5: 企业名称:"
assert_eq "$SNAP" "$(snapshot s.db)" "an invalid GB18030 byte changes nothing"

# A file that ends inside a GB18030 character.
head -c 3000 "$FIXTURES/entities-gb18030.csv" > cut-gb18030.csv
printf '\xc6' >> cut-gb18030.csv
yh import --db s.db --encoding gb18030 entities cut-gb18030.csv
assert_exit 3 "a file ending inside a GB18030 character: exit 3"
assert_stderr_contains "cut-gb18030.csv:"
assert_eq "$SNAP" "$(snapshot s.db)" "a truncated GB18030 file changes nothing"

# A UTF-8 file read as GB18030.
yh import --db s.db --encoding gb18030 entities "$FIXTURES/entities.csv"
assert_exit 3 "entities.csv (UTF-8) with --encoding gb18030: exit 3"
assert_stderr_contains "entities.csv:"
assert_eq "$SNAP" "$(snapshot s.db)" "a UTF-8 file read as GB18030 changes nothing"

finish

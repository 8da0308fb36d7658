# test_text.sh — the text rule every text value meets, at the command line: bidirectional
# controls and invisible format characters (U+202E, U+200B, U+FEFF inside text …) refused in
# register files and tasks with the column or member named; a file's leading byte-order mark
# still skipped; one size limit (4096 bytes) for register fields and task texts alike.
source "$TESTLIB"

E="$FIXTURES/entities.csv"
HEADER=$(head -n 1 "$E")

yh init --department 330100-SCJG --db s.db
assert_exit 0 "init"
yh import --db s.db entities "$E"
assert_exit 0 "import entities"
yh import --db s.db inspectors "$FIXTURES/inspectors.csv"
assert_exit 0 "import inspectors"
before=$(sql_dump s.db)

# ---- register fields -------------------------------------------------------------

# Line 3 reverses a name with U+202E (RIGHT-TO-LEFT OVERRIDE), line 4 hides U+FEFF inside
# a name, line 5 splits a type with U+200B (ZERO WIDTH SPACE), line 6 isolates a name with
# U+2066…U+2069: each is an error on its line, in its column.
{
	printf '%s\n' "$HEADER"
	sed -n 2p "$E"
	sed -n 3p "$E" | sed 's/杭州/杭州\xe2\x80\xae/'
	sed -n 4p "$E" | awk -F, 'BEGIN { OFS = "," } { $2 = "温县\xef\xbb\xbf徐记面馆"; print }'
	sed -n 5p "$E" | awk -F, 'BEGIN { OFS = "," } { $3 = "个体\xe2\x80\x8b工商户"; print }'
	sed -n 6p "$E" | awk -F, 'BEGIN { OFS = "," } { $2 = "\xe2\x81\xa6" $2 "\xe2\x81\xa9"; print }'
} > bidi.csv
assert_eq 4 "$(grep -c $'\xe2\x80\xae\|\xef\xbb\xbf\|\xe2\x80\x8b\|\xe2\x81\xa6' bidi.csv)" "bidi.csv has the four bad lines"
yh import --db s.db entities bidi.csv
assert_exit 3 "a name with U+202E: exit 3"
assert_stderr_contains "bidi.csv:3: 企业名称: bidirectional control character U+202E at byte 7" \
	"line 3: the column and the character are named"
assert_stderr_contains "bidi.csv:4: 企业名称: invisible format character U+FEFF" "line 4: U+FEFF inside a name"
assert_stderr_contains "bidi.csv:5: 市场主体类型: invisible format character U+200B at byte 7" "line 5: U+200B in a type"
assert_stderr_contains "bidi.csv:6: 企业名称: bidirectional control character U+2066 at byte 1" "line 6: U+2066"
assert_stderr_contains "4 errors in 'bidi.csv', nothing imported"
assert_eq "$before" "$(sql_dump s.db)" "the store is unchanged"

# An officer's name, and a header with a zero-width space in it.
{
	head -n 1 "$FIXTURES/inspectors.csv"
	sed -n 2p "$FIXTURES/inspectors.csv" | sed 's/^张芳/张\xe2\x80\x8f芳/'
} > officers.csv
yh import --db s.db --partial inspectors officers.csv
assert_exit 3 "an officer's name with U+200F: exit 3"
assert_stderr_contains "officers.csv:2: 姓名: bidirectional control character U+200F at byte 4"
{
	printf '%s\n' "$HEADER" | sed 's/企业名称/企业\xe2\x80\x8b名称/'
	sed -n 2p "$E"
} > header.csv
yh import --db s.db --partial entities header.csv
assert_exit 3 "a header with U+200B: exit 3"
assert_stderr_contains "header.csv:1: header: header field 2: invisible format character U+200B"
assert_eq "$before" "$(sql_dump s.db)" "the store is still unchanged"

# A leading byte-order mark is the file's, not the text's: skipped as before.  A second one
# right after it is text, and refused.
{ printf '\xef\xbb\xbf'; cat "$E"; } > bom.csv
yh import --db s.db --dry-run entities bom.csv
assert_exit 0 "a file with a leading BOM imports"
assert_stdout_contains "300 unchanged" "the BOM file gives the same register"
{ printf '\xef\xbb\xbf\xef\xbb\xbf'; cat "$E"; } > bom2.csv
yh import --db s.db --dry-run entities bom2.csv
assert_exit 3 "a second BOM is refused"
assert_stderr_contains "bom2.csv:1: header: header field 1: invisible format character U+FEFF at byte 1"

# ---- the size limit --------------------------------------------------------------

long=$(head -c 4097 /dev/zero | tr '\0' x)
{
	printf '%s\n' "$HEADER"
	sed -n 2p "$E" | awk -F, -v n="${long:0:4096}" 'BEGIN { OFS = "," } { $2 = n; print }'
	sed -n 3p "$E" | awk -F, -v n="$long" 'BEGIN { OFS = "," } { $2 = n; print }'
} > long.csv
yh import --db s.db --partial --dry-run entities long.csv
assert_exit 3 "a name of 4097 bytes: exit 3"
assert_stderr_contains "long.csv:3: 企业名称: is 4097 bytes long, the limit is 4096" "the limit is named"
assert_stderr_not_contains "long.csv:2:" "4096 bytes are accepted"

# ---- tasks -----------------------------------------------------------------------

TASK="$FIXTURES/task-food.json"
tasks_before=$(db_count s.db task)
# A note of 10 MB: refused like a register field over 4096 bytes, naming the member.
{ sed '$d' "$TASK" | sed '$s/$/,/'; printf '  "note": "%s"\n}\n' "$(head -c 10485760 /dev/zero | tr '\0' x)"; } > big-note.json
yh plan add --db s.db big-note.json
assert_exit 3 "a task with a 10 MB note: exit 3"
assert_stderr_contains "big-note.json: note: is 10485760 bytes long, the limit is 4096"
# A title that reads backwards.
sed 's/双随机/\xe2\x80\xae双随机/' "$TASK" > rlo-title.json
yh plan add --db s.db rlo-title.json
assert_exit 3 "a title with U+202E: exit 3"
assert_stderr_contains "rlo-title.json: title: bidirectional control character U+202E"
assert_eq "$tasks_before" "$(db_count s.db task)" "no task was recorded"
# The plain task is still accepted.
yh plan add --db s.db "$TASK"
assert_exit 0 "the fixture task is accepted"

# A task listing 100,000 departments parses quickly (the repeat check sorts; it was pairwise).
awk 'BEGIN { printf "{\"id\":\"T-BIG\",\"title\":\"t\",\"draw_date\":\"2026-12-01\",\"departments\":[";
	for (i = 0; i < 100000; i++) printf "%s\"D%06d\"", i ? "," : "", i;
	printf "],\"strata\":{\"rates\":{\"*\":\"5%%\"}},\"team\":{\"size\":2}}\n" }' > big.json
start=$(date +%s)
yh plan add --db s.db big.json
assert_exit 0 "a task of 100,000 departments is accepted"
took=$(($(date +%s) - start))
if [ "$took" -lt 10 ]; then _pass "and parsed in ${took} s (bound: 10 s)"; else _fail "parsed in under 10 s" "took ${took} s"; fi

finish

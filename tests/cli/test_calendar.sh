# test_calendar.sh — the working-day calendar: 'yaohao calendar import' of fixtures/calendar.csv
# (the State Council's arrangements of 2024-2026), deadlines counted on it from the next day,
# a bad file with several bad lines (all named, nothing changed), a year without a calendar,
# and today pinned by $SOURCE_DATE_EPOCH.  docs/spec.md §17, docs/formats.md "The calendar file".
source "$TESTLIB"

C="$FIXTURES/calendar.csv"

yh init --department 330100-SCJG --db s.db
assert_exit 0 "init"

yh calendar --help
assert_exit 0 "calendar --help"
assert_stdout_contains "usage: yaohao calendar import"
yh --help
assert_stdout_contains "calendar     the working-day calendar" "the command table lists calendar"

# ---- no calendar yet --------------------------------------------------------------------

yh calendar deadline 2025-01-24 --db s.db
assert_exit 4 "a deadline with no calendar loaded: exit 4"
assert_stderr_contains "no working-day calendar for 2025: import one with the State Council's notice on the holidays of 2025 (run 'yaohao calendar import FILE')" \
	"the year is named and the hint names the command"
yh calendar list --db s.db
assert_exit 0 "calendar list on an empty calendar"
assert_stdout_contains "no working-day calendar is loaded"

# ---- the import -------------------------------------------------------------------------

n=$(db_count s.db ledger)
SOURCE_DATE_EPOCH=1737676800 yh calendar import --db s.db "$C"
assert_exit 0 "import fixtures/calendar.csv"
assert_stdout_contains "into the calendar as ledger entry $((n + 1)): years 2024, 2025, 2026; 89 holidays, 19 working days; 0 day(s) of those years replaced"
assert_eq "calendar|calendar.csv|[2024,2025,2026]|108|2025-01-24T00:00:00Z" \
	"$(sql s.db "select kind, $(jx payload '$.file'), $(jx payload '$.years'), $(jx payload '$.days'), $(jx payload '$.time') from ledger where seq = $((n + 1))")" \
	"one calendar entry: file, years, days, and the time \$SOURCE_DATE_EPOCH gives"
assert_eq "$(sha256sum "$C" | cut -c 1-64)" \
	"$(sql s.db "select $(jx payload '$.sha256') from ledger where seq = $((n + 1))")" \
	"the entry records the file's SHA-256"
# the days' digest of a year (§17) is the SHA-256 of its "date,kind,note" lines: the fixture's own
assert_eq "$(grep '^2025-' "$C" | sha256sum | cut -c 1-64)" \
	"$(sql s.db "select $(jx payload '$.days_sha256[1]') from ledger where seq = $((n + 1))")" \
	"days_sha256 of 2025 is recomputed with grep and sha256sum"
assert_eq 64 "$(sql s.db "select length(signature) from ledger where seq = $((n + 1))")" "the entry is signed"
assert_eq 108 "$(db_count s.db calendar_day)" "108 days stored"

yh calendar list --db s.db
assert_stdout_contains "2025   28 holidays,  5 working days  (ledger entry $((n + 1)))"
yh calendar show 2026 --db s.db
assert_exit 0 "calendar show 2026"
assert_stdout_contains "2026-02-14  workday  春节调休上班" "show lists a 调休 Saturday"
assert_stdout_contains "2026-10-07  holiday  国庆节"
yh calendar show 2026 --db s.db --json
printf '%s\n' "$STDOUT" > show.json
assert_eq "39|2026-01-01|holiday" "$(sqlite3 :memory: "select json_array_length(readfile('show.json')) || '|' || json_extract(readfile('show.json'), '\$[0].date') || '|' || json_extract(readfile('show.json'), '\$[0].kind')")" \
	"show --json: 39 days of 2026"
yh calendar show 2027 --db s.db
assert_exit 4 "show of a year not loaded: exit 4"
assert_stderr_contains "no working-day calendar for 2027"

# ---- deadlines, counted by hand on the notices ------------------------------------------
# deadline DATE N EXPECTED DESC
deadline() {
	yh calendar deadline "$1" --days "$2" --db s.db
	assert_eq "$3" "$(printf '%s' "$STDOUT" | cut -c 1-10)" "$4"
}

# Fri 2025-01-24 + 20: Sun 1-26 (调休) 1, Mon 1-27 2, 1-28..2-4 off (春节), 2-5..2-7 3-5,
# Sat 2-8 (调休) 6, 2-10..14 7-11, 2-17..21 12-16, 2-24..27 17-20.
deadline 2025-01-24 20 2025-02-27 "2025 Spring Festival: 20 working days after Fri 2025-01-24 is 2025-02-27"
assert_stdout_contains "2025-02-27: 20 working days after 2025-01-24 (counted from the next day)"
# the default is 20 days
yh calendar deadline 2025-01-24 --db s.db
assert_stdout_contains "2025-02-27: 20 working days after 2025-01-24" "--days defaults to 20"
# Fri 2025-02-07 + 1: Saturday 2-8 is a 调休 working day.
deadline 2025-02-07 1 2025-02-08 "a 调休 Saturday is the next working day"
# Sat 2025-02-08 + 1: the date itself is not counted: Monday 2-10.
deadline 2025-02-08 1 2025-02-10 "the date itself is not counted"
# Fri 2025-09-26 + 20: Sun 9-28 (调休) 1, 9-29 2, 9-30 3, 10-1..8 off, 10-9 4, 10-10 5,
# Sat 10-11 (调休) 6, 10-13..17 7-11, 10-20..24 12-16, 10-27..30 17-20.
deadline 2025-09-26 20 2025-10-30 "2025 National Day and Mid-Autumn (8 days off)"
# Fri 2026-02-13 + 20: Sat 2-14 (调休) 1, 2-15..23 off, 2-24..27 2-5, Sat 2-28 (调休) 6,
# 3-2..6 7-11, 3-9..13 12-16, 3-16..19 17-20.
deadline 2026-02-13 20 2026-03-19 "2026 Spring Festival (9 days off)"
# Wed 2026-09-30 + 20: 10-1..7 off, 10-8 1, 10-9 2, Sat 10-10 (调休) 3, 10-12..16 4-8,
# 10-19..23 9-13, 10-26..30 14-18, 11-2 19, 11-3 20.
deadline 2026-09-30 20 2026-11-03 "2026 National Day"
# Wed 2025-12-31 + 1: 2026-01-01..03 off, Sunday 1-4 (调休) is the first working day.
deadline 2025-12-31 1 2026-01-04 "across the new year into a 调休 Sunday"
yh calendar deadline 2025-01-24 --days 20 --db s.db --json
printf '%s\n' "$STDOUT" > d.json
assert_eq "2025-01-24|20|2025-02-27" "$(json_get d.json '$.date')|$(json_get d.json '$.working_days')|$(json_get d.json '$.deadline')" "deadline --json"

# Tue 2026-12-15 + 20 runs into 2027, which has no calendar: an error, not a weekday count.
yh calendar deadline 2026-12-15 --db s.db
assert_exit 4 "a count into a year without a calendar: exit 4"
assert_stderr_contains "no working-day calendar for 2027"
assert_stdout_not_contains "2027-" "no deadline is guessed"
yh calendar deadline 2025-02-30 --db s.db
assert_exit 2 "not a date: exit 2"
assert_stderr_contains "the start date is not a date (YYYY-MM-DD, from 1900): '2025-02-30'"
yh calendar deadline 2025-01-24 --days x --db s.db
assert_exit 2 "--days x: exit 2"
yh calendar --db s.db
assert_exit 2 "no action: exit 2"
yh calendar frobnicate --db s.db
assert_exit 2 "an unknown action: exit 2"

# ---- today, pinned by $SOURCE_DATE_EPOCH -------------------------------------------------

# 1737676800 = 2025-01-24T00:00:00Z: today is Friday 2025-01-24
SOURCE_DATE_EPOCH=1737676800 yh calendar deadline --db s.db
assert_exit 0 "deadline of today"
assert_stdout_contains "2025-02-27: 20 working days after 2025-01-24, today" "today comes from \$SOURCE_DATE_EPOCH"
# 1770940800 = 2026-02-13: from Fri 2026-02-13 to the deadline 2026-03-19, 20 working days
SOURCE_DATE_EPOCH=1770940800 yh calendar remaining 2026-03-19 --db s.db
assert_stdout_contains "20 working days from 2026-02-13 (today) to the deadline 2026-03-19"
# 1772496000 = Tue 2026-03-03: the deadline Fri 2026-02-27 passed Sat 2-28 (调休), Mon 3-2, Tue 3-3
SOURCE_DATE_EPOCH=1772496000 yh calendar remaining 2026-02-27 --db s.db --json
printf '%s\n' "$STDOUT" > r.json
assert_eq "2026-03-03|-3" "$(json_get r.json '$.from')|$(json_get r.json '$.working_days')" \
	"remaining is negative when the deadline has passed"
yh calendar remaining 2026-02-27 --from 2026-03-03 --db s.db
assert_stdout_contains "-3: the deadline 2026-02-27 passed 3 working days before 2026-03-03"

# ---- a bad file: every bad line named, nothing changed -----------------------------------

cat > bad.csv <<'EOF'
日期,类型,说明
2027-01-01,假日,元旦
2027-02-30,假日,x
2027-02-06,放假了,x
2027-02-08,班,x
2027-01-01,休,again
2027-03-01,假日
EOF
before=$(sql_dump s.db)
yh calendar import --db s.db bad.csv
assert_exit 3 "a bad calendar file: exit 3"
assert_stderr_contains "bad.csv:3: 日期: '2027-02-30' is not a date (YYYY-MM-DD, from 1900)" "line 3: the date, under its Chinese header"
assert_stderr_contains "bad.csv:4: 类型: '放假了' is not a kind of day" "line 4: the kind"
assert_stderr_contains "bad.csv:5: 类型: 2027-02-08 is a Monday: only a Saturday or Sunday can be made a working day" "line 5: a Monday made a working day"
assert_stderr_contains "bad.csv:6: 日期: duplicate date 2027-01-01, first on line 2" "line 6: a duplicate"
assert_stderr_contains "bad.csv:7: row: has 2 fields, the header has 3" "line 7: a short row"
assert_stderr_contains "yaohao: 5 errors in 'bad.csv', nothing imported"
assert_eq "$before" "$(sql_dump s.db)" "nothing changed"

# ---- a year imported again is replaced; the others stay ----------------------------------

printf '日期,类型,说明\n2025年1月1日,休,元旦\n2025/2/8,上班,春节调休上班\n' > y2025.csv
yh calendar import --db s.db y2025.csv --dry-run
assert_exit 0 "a dry run"
assert_stdout_contains "y2025.csv is valid (dry run, nothing changed): years 2025; 1 holidays, 1 working days; 33 day(s) of those years would be replaced"
assert_eq "$before" "$(sql_dump s.db)" "the dry run changed nothing"
yh calendar import --db s.db y2025.csv
assert_exit 0 "Chinese headers, dates and kinds"
assert_stdout_contains "years 2025; 1 holidays, 1 working days; 33 day(s) of those years replaced"
assert_eq "2|36|39" "$(sql s.db "select count(case when date like '2025-%' then 1 end) || '|' || count(case when date like '2024-%' then 1 end) || '|' || count(case when date like '2026-%' then 1 end) from calendar_day")" \
	"2025 replaced, 2024 and 2026 kept"
# without the 2025 Spring Festival, Mon 2025-01-27 + 1 is Tuesday 1-28
deadline 2025-01-27 1 2025-01-28 "the new 2025 counts"

# ---- the audit ---------------------------------------------------------------------------

yh audit --db s.db
assert_exit 0 "the audit passes"
assert_check ok calendar "2 calendar import(s): the stored working-day calendar of each of the 3 year(s) they cover is the one the last import covering the year recorded" \
	"the audit checks the calendar"
sql s.db "update calendar_day set kind = 'workday' where date = '2024-10-05'"
yh audit --db s.db
assert_exit 1 "a day changed around the ledger: the audit fails"
assert_stdout_contains "(calendar): the 36 calendar day(s) the store holds for 2024 are not the ones this entry recorded"

finish

# test_draw.sh — tasks, commit, draw, transcripts and exports: yaohao plan, commit, draw,
# transcript, export --as-of and the demo's draw, with their exit codes (cli/common.c:
# bad data 3, store/exists/not found 4, usage 2).
source "$TESTLIB"

TASK=T-2026-12-FOOD
q() { sql s.db "$1"; }
ledger_count() { sql s.db "select count(*) from ledger"; }

yh init --department 330100-SCJG --db s.db
assert_exit 0 "init"
for r in entities inspectors conflicts items; do
	yh import --db s.db "$r" "$FIXTURES/$r.csv"
	assert_exit 0 "import $r"
done

# ---- plan --------------------------------------------------------------------------------------

yh plan --db s.db
assert_exit 2 "plan without a subcommand exits 2"
yh plan --db s.db list extra
assert_exit 2 "plan list with an argument exits 2"

n=$(ledger_count)
yh plan add --db s.db "$FIXTURES/task-food.json"
assert_exit 0 "plan add task-food.json"
assert_stdout_contains "added task $TASK (2026年12月食品经营者双随机抽查, draw date 2026-12-01) as ledger entry $((n + 1))"
assert_eq $((n + 1)) "$(ledger_count)" "plan add writes one ledger entry"
assert_eq task "$(q "select kind from ledger order by seq desc limit 1")" "the entry is a task entry"

yh plan add --db s.db "$FIXTURES/task-food.json"
assert_exit 4 "adding the same task id again exits 4"
assert_stderr_contains "exists already"
assert_stderr_contains "$TASK"
assert_eq $((n + 1)) "$(ledger_count)" "the duplicate wrote nothing"

yh plan list --db s.db
assert_exit 0 "plan list"
assert_stdout_contains "$TASK"
assert_stdout_contains "2026-12-01"
assert_stdout_contains "planned"
yh plan list --db s.db --json
assert_exit 0 "plan list --json"
printf '%s\n' "$STDOUT" > list.json
assert_eq 1 "$(json_valid list.json)" "plan list --json is JSON"
assert_eq "$TASK planned 2026-12-01" "$(json_get list.json '$[0].id') $(json_get list.json '$[0].state') $(json_get list.json '$[0].draw_date')" \
	"the listed task, its state and date"

yh plan show --db s.db "$TASK"
assert_exit 0 "plan show"
printf '%s\n' "$STDOUT" > show.json
assert_eq 1 "$(json_valid show.json)" "plan show prints JSON"
assert_eq planned "$(json_get show.json '$.state')" "plan show gives the state"
# normalised: every default written out
assert_eq "730|1|null|[]|ceil" "$(sqlite3 :memory: "select json_extract(readfile('show.json'), '\$.task.avoid_repeat_pair_within_days'),
	json_extract(readfile('show.json'), '\$.task.strata.min.*'), json_type(readfile('show.json'), '\$.task.population.abnormal'),
	json_extract(readfile('show.json'), '\$.task.population.types'), json_extract(readfile('show.json'), '\$.task.strata.rounding')")" \
	"plan show: the task's values, min 1 as {\"*\": 1}, and the defaults abnormal null, types [], rounding ceil"
# the state is beside the task, not in it: the canonical text hashes to the digest (docs/spec.md §3)
yh plan show --db s.db --canonical "$TASK"
assert_exit 0 "plan show --canonical"
assert_eq "$(json_get show.json '$.task_digest')" \
	"$( (printf 'yaohao:task:v1\0'; printf '%s' "$STDOUT") | sha256sum | cut -d' ' -f1)" \
	"plan show --canonical: SHA-256 of the tag and the printed text is the task digest"
yh plan show --db s.db T-NONE
assert_exit 4 "plan show of an unknown task exits 4"
assert_stderr_contains "no such task: 'T-NONE'"

# A task file with a rate over 100%: exit 3, the JSON path and the rule in the message.
sed 's/"D": "50%"/"D": "120%"/' "$FIXTURES/task-food.json" > bad-rate.json
assert_ne "$(cat "$FIXTURES/task-food.json")" "$(cat bad-rate.json)" "bad-rate.json differs from the fixture"
n=$(ledger_count)
yh plan add --db s.db bad-rate.json
assert_exit 3 "a task with a rate over 100% exits 3"
assert_stderr_contains 'strata.rates.D: "120%" is over 100%'
assert_stderr_contains "bad-rate.json"
assert_eq "$n" "$(ledger_count)" "a refused task writes nothing"

sed 's/"size": 2/"size": 1/' "$FIXTURES/task-food.json" | sed 's/"330100-SCJG": 2/"330100-SCJG": 1/' > bad-size.json
yh plan add --db s.db bad-size.json
assert_exit 3 "a team of one exits 3"
assert_stderr_contains "team.size: 1 is under 2"
assert_stderr_contains "行政处罚法"

sed 's/"departments": \["330100-SCJG"\]/"departments": ["330100-SCJG"], "colour": "red"/' "$FIXTURES/task-food.json" > bad-member.json
yh plan add --db s.db bad-member.json
assert_exit 3 "an unknown member exits 3"
assert_stderr_contains "colour: unknown member"

printf '{\n  "id": "T-X",\n  "title": oops\n}\n' > bad-syntax.json
yh plan add --db s.db bad-syntax.json
assert_exit 3 "a JSON syntax error exits 3"
assert_stderr_contains "bad-syntax.json:3:"

yh plan add --db s.db no-such-task.json
assert_exit 3 "a missing task file exits 3"
assert_stderr_contains "no-such-task.json"
assert_eq "$n" "$(ledger_count)" "none of the refused tasks wrote anything"

# ---- commit ------------------------------------------------------------------------------------

yh commit --db s.db "$TASK"
assert_exit 2 "commit without --entropy-source exits 2"
assert_stderr_contains "--entropy-source is required"
yh commit --db s.db --entropy-source "drand quicknet round 24000000"
assert_exit 2 "commit without a task id exits 2"
yh commit --db s.db T-NONE --entropy-source "drand quicknet round 24000000"
assert_exit 4 "commit of an unknown task exits 4"
assert_stderr_contains "T-NONE"
assert_eq "$n" "$(ledger_count)" "failed commits write nothing"
assert_eq 0 "$(q "select count(*) from task_commit")" "no commitment recorded"

yh draw --db s.db "$TASK" --entropy "too early"
assert_exit 4 "draw before commit exits 4"
assert_stderr_contains "not committed"
assert_eq "$n" "$(ledger_count)" "a draw before the commit writes nothing"

yh commit --db s.db "$TASK" --entropy-source "drand quicknet round 24000000" -o ann.json
assert_exit 0 "commit"
assert_eq $((n + 1)) "$(ledger_count)" "commit writes one ledger entry"
# The store holds the secret sealed (docs/spec.md §11); the secret itself is known only after the
# draw reveals it, so what commit and the commands before the draw print is kept in before-draw.txt
# and searched for it then.
SEALED=$(q "select $(sql_hex secret) from task_commit where task_id = '$TASK'")
assert_eq 144 "${#SEALED}" "the store holds the secret sealed: nonce, tag and box, 72 bytes"
printf '%s\n%s\n' "$STDOUT" "$STDERR" > before-draw.txt
assert_eq 1 "$(json_valid ann.json)" "the announcement is JSON"
COMMITMENT=$(json_get ann.json '$.commitment')
assert_stdout_contains "committed task $TASK as ledger entry $((n + 1)) (registers frozen at entry $n)"
assert_stdout_contains "commitment $COMMITMENT" "commit prints the commitment"
assert_stdout_contains "eligible entities 136 of 300, officers 18 of 40, conflicts 15, recent pairs 0, load cap 4"
assert_stdout_contains "entropy source: drand quicknet round 24000000"
assert_stdout_contains "announcement written to ann.json"
assert_eq "$n" "$(json_get ann.json '$.freeze_seq')" "frozen at the head before the commit"
assert_eq "yaohao-announcement/2" "$(json_get ann.json '$.format')"
assert_eq "" "$(json_get ann.json '$.secret')" "no secret member in the announcement"

yh transcript --db s.db --announcement "$TASK"
assert_exit 0 "transcript --announcement"
assert_eq "$(cat ann.json)" "$STDOUT" "transcript --announcement prints the recorded announcement"
printf '%s\n' "$STDOUT" >> before-draw.txt
yh log --db s.db --json
printf '%s\n' "$STDOUT" >> before-draw.txt
yh transcript --db s.db "$TASK"
assert_exit 4 "transcript before the draw exits 4"
assert_stderr_contains "no draw yet"

n=$(ledger_count)
yh commit --db s.db "$TASK" --entropy-source "another source"
assert_exit 4 "commit twice exits 4"
assert_stderr_contains "committed already"
assert_eq "$n" "$(ledger_count)" "the second commit wrote nothing"
assert_eq "$SEALED" "$(q "select $(sql_hex secret) from task_commit where task_id = '$TASK'")" "the sealed secret is unchanged"
yh plan list --db s.db
assert_stdout_contains "committed"

# --json prints the announcement, still without the secret.
sed 's/"T-2026-12-FOOD"/"T-JSON"/' "$FIXTURES/task-food.json" > task-json.json
yh plan add --db s.db task-json.json
assert_exit 0 "plan add T-JSON"
yh commit --db s.db T-JSON --entropy-source "json source" --json
assert_exit 0 "commit --json"
printf '%s\n' "$STDOUT" > ann-json.json
assert_eq 1 "$(json_valid ann-json.json)" "commit --json prints JSON"
assert_eq T-JSON "$(json_get ann-json.json '$.task_id')"
assert_eq "" "$(json_get ann-json.json '$.secret')" "commit --json prints no secret member"
assert_ne "$COMMITMENT" "$(json_get ann-json.json '$.commitment')" "each commit makes its own secret"

# ---- draw --------------------------------------------------------------------------------------

yh draw --db s.db "$TASK"
assert_exit 2 "draw without --entropy exits 2"
assert_stderr_contains "--entropy is required"

n=$(ledger_count)
yh draw --db s.db "$TASK" --entropy "drand round 24000000 randomness 8a6f…" -o tr.json
assert_exit 0 "draw"
assert_eq $((n + 1)) "$(ledger_count)" "draw writes one ledger entry"
assert_stdout_contains "drew task $TASK as ledger entry $((n + 1))"
assert_stdout_contains "team: " "draw prints the teams"
assert_stdout_contains "(330100-SCJG)"
assert_stdout_contains "reserves (备选), in order within each stratum:"
assert_stdout_contains "transcript written to tr.json"
assert_eq 1 "$(json_valid tr.json)" "the transcript is JSON"
assert_eq "yaohao-transcript/2" "$(json_get tr.json '$.format')"
assert_stdout_contains "seed $(json_get tr.json '$.seed')"
assert_eq 17 "$(sqlite3 :memory: "select json_array_length(readfile('tr.json'), '\$.selected')")" "17 entities drawn"
missing=0
for id in $(sqlite3 :memory: "select json_extract(value, '\$.id') from json_each(readfile('tr.json'), '\$.selected')"); do
	printf '%s\n' "$STDOUT" | grep -q -- "$id" || missing=$((missing + 1))
done
assert_eq 0 "$missing" "every drawn entity is in the printed list"
leader=$(json_get tr.json '$.selected[0].team[0].id')
assert_stdout_contains "$leader" "the first leader is printed"
SECRET=$(json_get tr.json '$.secret')
# the commitment is SHA-256("yaohao:commit:v1" 0x00 || secret)
assert_eq "$COMMITMENT" "$( (printf 'yaohao:commit:v1\0'; printf "$(printf %s "$SECRET" | sed 's/../\\x&/g')") | sha256sum | cut -d' ' -f1)" \
	"the transcript reveals the committed secret: the commitment is its hash"
assert_eq 0 "$(grep -c "$SECRET" before-draw.txt ann.json | awk -F: '{ n += $2 } END { print n }')" \
	"nothing printed or written before the draw holds the secret (commit, the announcement, the ledger)"
assert_eq 0 "$(printf %s "$SEALED" | grep -c "$SECRET")" "the sealed bytes do not hold the secret"
assert_eq 1 "$(q "select case when secret is null then 1 else 0 end from task_commit where task_id = '$TASK'")" "the store no longer keeps the secret"
assert_eq "$COMMITMENT" "$(json_get tr.json '$.commitment')"
assert_eq draw "$(q "select kind from ledger order by seq desc limit 1")"
# the ledger records the transcript's SHA-256 (the text without the file's LF)
assert_eq "$(head -c -1 tr.json | sha256sum | cut -d' ' -f1)" \
	"$(q "select $(jx payload '$.transcript_sha256') from ledger order by seq desc limit 1")" \
	"the draw entry holds the transcript's digest"

n=$(ledger_count)
yh draw --db s.db "$TASK" --entropy "drand round 24000000 randomness 8a6f…"
assert_exit 4 "drawing twice exits 4"
assert_stderr_contains "drawn already"
yh draw --db s.db "$TASK" --entropy "a different value"
assert_exit 4 "drawing twice with another value exits 4"
assert_eq "$n" "$(ledger_count)" "a second draw writes nothing"

yh transcript --db s.db "$TASK"
assert_exit 0 "transcript"
assert_eq "$(cat tr.json)" "$STDOUT" "transcript prints the recorded transcript"
yh transcript --db s.db -o tr2.json "$TASK"
assert_exit 0 "transcript -o"
assert_eq "$(sha256sum < tr.json)" "$(sha256sum < tr2.json)" "transcript -o writes the same bytes as draw -o"
yh transcript --db s.db T-NONE
assert_exit 4 "transcript of an unknown task exits 4"
yh plan list --db s.db --json
printf '%s\n' "$STDOUT" > list2.json
assert_eq drawn "$(sqlite3 :memory: "select json_extract(value, '\$.state') from json_each(readfile('list2.json')) where json_extract(value, '\$.id') = '$TASK'")" \
	"the task is listed as drawn"

yh draw --db s.db T-JSON --entropy "json value" --json
assert_exit 0 "draw --json"
printf '%s\n' "$STDOUT" > tr-json.json
assert_eq 1 "$(json_valid tr-json.json)" "draw --json prints the transcript"
yh transcript --db s.db T-JSON
assert_eq "$(cat tr-json.json)" "$STDOUT" "draw --json prints the recorded bytes"

# ---- export --as-of ----------------------------------------------------------------------------

F=$(json_get ann.json '$.freeze_seq')
for r in entities inspectors conflicts; do
	yh export --db s.db --as-of "$F" -o "frozen-$r.csv" "$r"
	assert_exit 0 "export $r --as-of $F"
	# the food vector froze the same registers
	assert_eq "$(sha256sum < "$FIXTURES/vectors/food/$r.csv")" "$(sha256sum < "frozen-$r.csv")" \
		"$r as of the freeze equals fixtures/vectors/food/$r.csv"
done
# a later import changes the current register, not the frozen one
head -n 1 "$FIXTURES/entities.csv" > fewer.csv
tail -n +3 "$FIXTURES/entities.csv" >> fewer.csv
yh import --db s.db entities fewer.csv
assert_exit 0 "import a register with one row fewer"
yh export --db s.db entities
assert_exit 0 "export entities"
assert_ne "$(cat frozen-entities.csv)" "$STDOUT" "the current register differs"
yh export --db s.db --as-of "$F" entities
assert_eq "$(cat frozen-entities.csv)" "$STDOUT" "the register as of the freeze is unchanged"
yh export --db s.db --as-of 0 entities
assert_exit 2 "export --as-of 0 exits 2"
yh export --db s.db --as-of 99999 entities
assert_exit 2 "export --as-of past the head exits 2"
assert_stderr_contains "past the ledger's head"

# ---- a task whose team rules cannot be met ------------------------------------------------------

sed -e 's/"T-2026-12-FOOD"/"T-NOSPEC"/' -e 's/"specialties": \["食品"\]/"specialties": ["不存在的专业"]/' \
	"$FIXTURES/task-food.json" > nospec.json
yh plan add --db s.db nospec.json
assert_exit 0 "plan add T-NOSPEC (valid as a document)"
sed -e 's/"T-2026-12-FOOD"/"T-CAP1"/' -e 's/"load_cap": 4/"load_cap": 1/' "$FIXTURES/task-food.json" > cap1.json
yh plan add --db s.db cap1.json
assert_exit 0 "plan add T-CAP1"
yh log --db s.db
log_before=$STDOUT
yh commit --db s.db T-NOSPEC --entropy-source "drand quicknet round 24000001"
assert_exit 3 "committing an infeasible task exits 3"
assert_stderr_contains "specialty '不存在的专业' is held by 0 eligible officers" "the message names the rule"
assert_stdout_not_contains "commitment"
yh commit --db s.db T-CAP1 --entropy-source "drand quicknet round 24000001"
assert_exit 3 "a load cap too small exits 3"
assert_stderr_contains "load cap 1"
assert_stderr_contains "raise team.load_cap"
yh log --db s.db
assert_eq "$log_before" "$STDOUT" "yaohao log is unchanged by the failed commits"
yh plan list --db s.db --json
printf '%s\n' "$STDOUT" > list3.json
assert_eq "planned planned" "$(sqlite3 :memory: "select group_concat(json_extract(value, '\$.state'), ' ') from json_each(readfile('list3.json')) where json_extract(value, '\$.id') in ('T-NOSPEC', 'T-CAP1')")" \
	"the infeasible tasks stay planned"

# ---- the demo draws ------------------------------------------------------------------------------

yh demo --draw-only --dir d
assert_exit 0 "demo"
assert_stdout_contains "$ yaohao commit $TASK --entropy-source"
assert_stdout_contains "$ yaohao draw $TASK --entropy 'public value for food'"
assert_stdout_contains "drew task $TASK as ledger entry"
assert_stdout_contains "team: "
assert_stdout_contains "reserves (备选)"
assert_file_exists d/announcement.json
assert_file_exists d/transcript.json
assert_eq 1 "$(json_valid d/transcript.json)" "the demo transcript is JSON"
assert_stdout_contains "commitment $(json_get d/announcement.json '$.commitment')" "the demo prints the commitment"
missing=0
count=0
for id in $(sqlite3 :memory: "select json_extract(value, '\$.id') from json_each(readfile('d/transcript.json'), '\$.selected')"); do
	count=$((count + 1))
	printf '%s\n' "$STDOUT" | grep -q -- "$id" || missing=$((missing + 1))
done
assert_eq 17 "$count" "the demo draws 17 entities"
assert_eq 0 "$missing" "the demo prints every drawn entity"
yh transcript --db d/yaohao.db "$TASK"
assert_eq "$(cat d/transcript.json)" "$STDOUT" "the demo's transcript file is the recorded one"
yh plan list --db d/yaohao.db
assert_stdout_contains "drawn" "the demo leaves the task drawn"

# The stored task edited between the commit and the draw: the draw refuses it.
yh init --department 330100-SCJG --db t.db
for r in entities inspectors conflicts; do yh import --db t.db $r "$FIXTURES/$r.csv"; done
yh plan add --db t.db "$FIXTURES/task-food.json"
yh commit --db t.db "$TASK" --entropy-source "drand quicknet round 9"
if on_pg; then
	sql t.db "drop trigger task_no_update on task; update task set doc = jsonb_set(doc::jsonb, '{strata,rates,D}', '\"100%\"')::text"
else
	sql t.db "drop trigger task_no_update; update task set doc = json_set(doc, '\$.strata.rates.D', '100%')"
fi
yh draw --db t.db "$TASK" --entropy "value"
assert_exit 4 "a task edited after its commit: the draw exits 4"
assert_stderr_contains "the stored task is not the one committed to" "the draw says the task changed since the commit"
assert_stderr_contains "(run 'yaohao audit')" "and points at the audit"

finish

# test_verify.sh — yaohao verify: the public draw document (docs/spec.md §13)
# checked with no store, from the published files alone: the signature and
# the signer, the task digest, the commitment, the seed, every ticket and
# pair ticket, the rules the document states, and with the frozen register
# files (in any row order) the roots and a replay of the selection and teams.
# Every kind of tampering exits 1 and names the check that failed.
source "$TESTLIB"

TASK_ID=T-2026-12-FOOD
PUBLISHED="draw.json entities.frozen.csv inspectors.frozen.csv conflicts.frozen.csv public-key.txt feed.json"
D1="$T/d1"
D2="$T/d2"

demo_draw "$D1"
assert_exit 0 "demo d1 exits 0"
other_draw_fixtures "$T/fixtures2"
demo_draw "$D2" --fixtures "$T/fixtures2"
assert_exit 0 "demo d2 (a second store with its own key) exits 0"
for f in $PUBLISHED; do
	assert_file_exists "$D1/$f" "the demo publishes $f"
done

# The public side: a folder that holds only the published files, and
# YAOHAO_DB naming a store that does not exist.
mkdir pub
for f in $PUBLISHED; do
	cp "$D1/$f" pub/
done
cd pub || exit 1
export YAOHAO_DB="$T/nowhere/yaohao.db"
REGS=(--entities entities.frozen.csv --inspectors inspectors.frozen.csv --conflicts conflicts.frozen.csv)
# The checks of a document alone; given the officer register, "load cap" comes too.
CHECKS=("document" "signature" "signer key" "task digest" "commitment" "seed" "tickets"
	"selection rules" "officer register" "conflicts" "entity register" "selection replay"
	"chain")

# dj PATH [FILE]: a value of the document (FILE, default draw.json).
dj() { json_get "${2:-draw.json}" "$1"; }
# jset PATH VALUE: draw.json with the string at PATH replaced, written to x.json.
jset() { sqlite3 :memory: "select json_set(readfile('draw.json'), '$1', '$2')" > x.json; }
n_failed() { printf '%s\n' "$STDOUT" | grep -c '^FAILED '; }
# assert_tampered DESC: the common signs of a failed verification.
assert_tampered() {
	assert_exit 1 "$1: exit 1"
	assert_stdout_contains "NOT VERIFIED: a check failed" "$1: the report ends NOT VERIFIED"
	assert_stdout_contains "- nothing is guaranteed: $(n_failed) check(s) failed" "$1: nothing is guaranteed, with the count of failed checks"
	assert_stdout_not_contains "verified: every check passed" "$1: not reported as verified"
}

SEL3=$(dj '$.selected[2].id')
# The first selected entity whose CSV row has no quoted field (sed and cut below split on commas).
SEL1=$(sqlite3 :memory: "select json_extract(value, '\$.id') from json_each(readfile('draw.json'), '\$.selected')" |
	while read -r id; do grep -q "^$id,.*\"" entities.frozen.csv || { echo "$id"; break; }; done)
SEL1_RANK=$(sqlite3 :memory: "select json_extract(value, '\$.rank') from json_each(readfile('draw.json'), '\$.selected') where json_extract(value, '\$.id') = '$SEL1'")
ROOT=$(dj '$.entities.root')
NSEL=$(sqlite3 :memory: "select json_array_length(readfile('draw.json'), '\$.selected')")
assert_eq 18 "${#SEL3}" "draw.json lists selected entities (rank 3: $SEL3)"

# ---- an honest document --------------------------------------------------------

yh verify draw.json
assert_exit 0 "verify with no register files exits 0"
assert_stderr_empty "verify prints nothing on stderr"
assert_no_file "$T/nowhere" "verify opens no store (YAOHAO_DB's folder is not created)"
assert_no_store yaohao.db "verify creates no store in the working folder"
for c in "${CHECKS[@]}"; do
	assert_eq 1 "$(printf '%s\n' "$STDOUT" | grep -cE "^(ok|skipped) +$c ")" "the report has one line for the check '$c'"
done
assert_eq "${#CHECKS[@]}" "$(printf '%s\n' "$STDOUT" | grep -cE '^(ok|FAILED|skipped) ')" "the report has one line per check and no other check lines"
assert_check ok signature "Ed25519 over the canonical (JCS) document, key $(dj '$.signer.key_id')" "the signature check names the key id"
assert_check skipped "signer key" "no public key given: the signature shows the document is intact, not whose key signed it (give --pubkey FILE)" "without --pubkey the signer is not checked"
assert_check ok "task digest" "'$TASK_ID' hashes to task_digest" "the task digest check"
assert_check ok commitment "opens the commitment $(dj '$.commitment' | cut -c 1-16)" "the commitment check"
assert_check ok seed "the entropy value \"public value for food\"" "the seed check names the entropy value"
assert_check ok tickets "all $((NSEL + $(sqlite3 :memory: "select json_array_length(readfile('draw.json'), '\$.reserves')"))) tickets" "the tickets check counts selected and reserves"
assert_check ok "selection rules" "teams of 2" "the selection rules check"
assert_check skipped "entity register" "no entity register file given (give --entities FILE)" "without --entities the register is not checked"
assert_check skipped "selection replay" "needs the entity register file (give --entities FILE)" "without --entities no replay"
assert_stdout_contains "- the published tickets, selection and teams follow from the seed" "the guarantee of the checks that ran"
assert_stdout_contains "- NOT guaranteed: no external entropy source was named (\"$(dj '$.entropy_source')\")" \
	"the demo's source is reported as no external entropy"
assert_stdout_contains "could have retried the draw" "the report says what no external entropy means"
assert_stdout_contains "- not checked: that every eligible entity took part" "without --entities: the register is not checked"
assert_stdout_contains "- not checked: the teams against the officer register" "without the officer files: the teams are not checked"
assert_stdout_contains "- not checked: whose key signed" "without --pubkey: the signer is not checked"
assert_eq "verified: every check passed" "$(printf '%s\n' "$STDOUT" | tail -n 1)" "the report ends 'verified'"

yh verify "${REGS[@]}" --pubkey public-key.txt --feed feed.json draw.json
assert_exit 0 "verify with the three register files, --pubkey and --feed exits 0"
assert_eq 0 "$(printf '%s\n' "$STDOUT" | grep -cE '^(FAILED|skipped) ')" "with every file given no check is skipped or failed"
assert_eq "$((${#CHECKS[@]} + 1))" "$(printf '%s\n' "$STDOUT" | grep -cE '^ok ')" "one ok line per check, and the load cap"
assert_check ok "load cap" "the task fixes it at $(dj '$.task.team.load_cap')" "the load cap is checked against the task"
assert_check ok chain "announcement 1 of an unbroken chain of 1 signed by the same key" "the feed holds the announcement"
assert_check ok "signer key" "signed by the key given" "the signer is the key given"
assert_check ok "entity register" "'entities.frozen.csv' gives the committed root and count ($(dj '$.entities.count') rows, $(dj '$.entities.eligible') eligible; left out: " "the entity register gives the root and counts"
assert_check ok "officer register" "'inspectors.frozen.csv' gives the committed root and count ($(dj '$.inspectors.count') rows, $(dj '$.inspectors.eligible') eligible; left out: " "the officer register gives the root and counts"
assert_check ok "conflicts" "'conflicts.frozen.csv' gives the committed root and count ($(dj '$.conflicts.count'))" "the conflicts give the conflict root and count"
assert_check ok "selection replay" "the $NSEL selected entities with their teams" "the replay covers the teams"
assert_eq "- not checked without the store: the ledger sequence numbers and the draw entry's hash (ledger); the audit of the store checks them" \
	"$(printf '%s\n' "$STDOUT" | grep '^- not checked')" "with every file given only the ledger references are left unchecked"
assert_stdout_contains "- NOT guaranteed: no external entropy source was named" "the demo's source is still no external entropy"
assert_no_file "$T/nowhere" "still no store opened"
FULL_REPORT=$STDOUT

# With the entities only: the selection is replayed, the teams are not.
yh verify --entities entities.frozen.csv draw.json
assert_exit 0 "verify with --entities only exits 0"
assert_check ok "selection replay" "the $NSEL selected entities, the cutoffs and the" "the selection is replayed without teams"
assert_check skipped "team replay" "needs the officer register and conflicts files that match the document (give --inspectors FILE)" "the team replay is skipped"
assert_check skipped "officer register" "no officer register file given (give --inspectors FILE)" "officer register skipped"
assert_stdout_contains "- not checked: the teams against the officer register" "the teams are reported as not checked"
assert_stdout_not_contains "- not checked: that every eligible entity took part" "the entities are reported as checked"

# --json: well-formed, with ok and one object per check.
yh verify --json "${REGS[@]}" --pubkey public-key.txt --feed feed.json draw.json
assert_exit 0 "verify --json exits 0"
cp "$T/.stdout" report.json
assert_eq 1 "$(json_valid report.json)" "verify --json prints well-formed JSON"
assert_eq 1 "$(json_get report.json '$.ok')" "--json: ok is true"
assert_eq "$((${#CHECKS[@]} + 1))" "$(sqlite3 :memory: "select json_array_length(readfile('report.json'), '\$.checks')")" "--json: one object per check"
assert_eq 0 "$(sqlite3 :memory: "select count(*) from json_each(readfile('report.json'), '\$.checks') where json_extract(value, '\$.status') <> 'passed'")" \
	"--json: every check passed"
assert_eq draw.json "$(json_get report.json '$.document')" "--json names the document"
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' report.json &&
		_pass "python3's json.load reads the --json report" || _fail "python3's json.load reads the --json report"
fi
rm report.json

# ---- register files in any row order -----------------------------------------------

mkdir ../shuffled ../reversed
cp draw.json public-key.txt feed.json ../shuffled/
cp draw.json public-key.txt feed.json ../reversed/
for f in entities.frozen.csv inspectors.frozen.csv conflicts.frozen.csv; do
	{ head -n 1 "$f"; tail -n +2 "$f" | shuf --random-source=<(yes); } > "../shuffled/$f"
	{ head -n 1 "$f"; tail -n +2 "$f" | tac; } > "../reversed/$f"
	assert_ne "$(cat "$f")" "$(cat "../shuffled/$f")" "the shuffled $f has its rows in another order"
	assert_eq "$(head -n 1 "$f")" "$(head -n 1 "../shuffled/$f")" "the shuffled $f keeps its header first"
	assert_eq "$(sort "$f")" "$(sort "../shuffled/$f")" "the shuffled $f has the same rows"
done
for d in shuffled reversed; do
	cd "../$d" || exit 1
	yh verify "${REGS[@]}" --pubkey public-key.txt --feed feed.json draw.json
	assert_exit 0 "verify with the $d register files exits 0"
	assert_eq "$FULL_REPORT" "$STDOUT" "the $d register files give the same report, line for line"
	cd ../pub || exit 1
done

# ---- an external entropy source ------------------------------------------------------
# A store of our own, drawn with a named public source: the guarantee is the
# conditional one, not the warning.

yh init --department 330100-SCJG --db "$T/ext.db"
for r in entities inspectors conflicts; do
	yh import --db "$T/ext.db" "$r" "$FIXTURES/$r.csv"
done
yh plan add --db "$T/ext.db" "$FIXTURES/task-food.json"
yh commit --db "$T/ext.db" "$TASK_ID" --entropy-source "drand quicknet round 9000000" -o "$T/ext-ann.json"
assert_exit 0 "commit with an external entropy source"
yh draw --db "$T/ext.db" "$TASK_ID" --entropy "0f2d1c6b2a9e8d7c" -o "$T/ext-tr.json"
assert_exit 0 "draw with the source's value"
yh publish --db "$T/ext.db" "$TASK_ID" -o ext.json
assert_exit 0 "publish the draw"
yh verify ext.json
assert_exit 0 "verify the draw with an external source exits 0"
assert_stdout_not_contains "NOT guaranteed: no external entropy" "an external source is not reported as no external entropy"
assert_stdout_contains "- the department could not choose the outcome after committing, provided the announcement (commitment $(dj '$.commitment' ext.json | cut -c 1-16)…) was public before \"drand quicknet round 9000000\" was known and \"0f2d1c6b2a9e8d7c\" is what that source published" \
	"the guarantee names the commitment, the source and the value, and its condition"
rm ext.json

# ---- tampering with the document ---------------------------------------------------
# Every change breaks the signature (nobody can re-sign without the key) and
# also the check that covers the changed value.

# One byte of a selected entity's id (a digit of its region code).
d=${SEL3:2:1}
BAD_ID="${SEL3:0:2}$(((d + 1) % 10))${SEL3:3}"
sed "s/\"$SEL3\"/\"$BAD_ID\"/" draw.json > x.json
assert_eq 1 "$(diff draw.json x.json | grep -c '^>')" "x.json differs from draw.json in one line (the id)"
yh verify "${REGS[@]}" --pubkey public-key.txt x.json
assert_tampered "a selected id changed"
assert_check FAILED signature "the Ed25519 signature does not match the document" "a selected id changed: the signature fails"
assert_check FAILED tickets "1 ticket(s)" "a selected id changed: one ticket does not follow"
assert_check FAILED tickets "the first: selected '$BAD_ID'" "a selected id changed: the tickets check names the changed id"
assert_check FAILED "selection replay" "selected #3: the document has '$BAD_ID', the replay gives '$SEL3'" \
	"a selected id changed: the replay names the rank, the changed id and the right one"
assert_check ok commitment "" "a selected id changed: the commitment still opens"
assert_check ok "entity register" "" "a selected id changed: the register file still matches"
yh verify --json "${REGS[@]}" --pubkey public-key.txt x.json
assert_exit 1 "a selected id changed: verify --json exits 1"
cp "$T/.stdout" report.json
assert_eq 1 "$(json_valid report.json)" "a selected id changed: --json prints well-formed JSON"
assert_eq 0 "$(json_get report.json '$.ok')" "a selected id changed: --json has ok false"
assert_eq "signature,tickets,selection replay" \
	"$(sqlite3 :memory: "select group_concat(json_extract(value, '\$.check')) from json_each(readfile('report.json'), '\$.checks') where json_extract(value, '\$.status') = 'failed'")" \
	"a selected id changed: --json lists the failed checks"
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1], encoding="utf-8")); sys.exit(d["ok"] is not False)' report.json &&
		_pass "python3 reads the --json report with ok false" || _fail "python3 reads the --json report with ok false"
fi
rm report.json

# A selected entity's ticket.
TK=$(dj '$.selected[2].ticket')
jset '$.selected[2].ticket' "$(flip_last "$TK")"
yh verify "${REGS[@]}" --pubkey public-key.txt x.json
assert_tampered "a ticket changed"
assert_check FAILED signature "" "a ticket changed: the signature fails"
assert_check FAILED tickets "1 ticket(s) and 0 pair ticket(s) do not follow from the seed; the first: selected '$SEL3'" \
	"a ticket changed: the tickets check names the entity"
assert_check FAILED "selection replay" "selected #3 ('$SEL3') differs from the replay" "a ticket changed: the replay names rank and entity"
yh verify x.json
assert_exit 1 "a ticket changed, no register files: exit 1"
assert_check FAILED tickets "the first: selected '$SEL3'" "a ticket changed: caught without the register files"

# A team member's id (one place only).
MEMBER=$(dj '$.selected[2].team[1].id')
jset '$.selected[2].team[1].id' 33010099999999
yh verify "${REGS[@]}" --pubkey public-key.txt x.json
assert_tampered "a team member's id changed"
assert_check FAILED signature "" "a team member changed: the signature fails"
assert_check FAILED tickets "0 ticket(s) and 1 pair ticket(s) do not follow from the seed; the first: the pair ticket of '$SEL3' with '33010099999999'" \
	"a team member changed: the pair ticket of that entity and officer fails"
# With all three register files given and matching, the teams are replayed
# (spec §13) whatever failed before, and the replay finds the changed team.
assert_check FAILED "selection replay" "selected #3 ('$SEL3') differs from the replay" \
	"a team member changed: the team replay (all three files given) names the entity"
assert_stdout_not_contains "needs the officer register and conflicts files" \
	"a team member changed: the team replay is not said to need files that were given and match"

# The seed.
jset '$.seed' "$(flip_last "$(dj '$.seed')")"
yh verify "${REGS[@]}" --pubkey public-key.txt x.json
assert_tampered "the seed changed"
assert_check FAILED seed "the seed is not SHA-256 of the announcement's digest, the secret and the entropy value" \
	"the seed changed: the seed check fails"
assert_check ok commitment "" "the seed changed: the commitment still opens"

# The entropy value.
jset '$.entropy_value' "yaohao demo 2026-12-02"
yh verify x.json
assert_tampered "the entropy value changed"
assert_check FAILED seed "the seed is not SHA-256" "the entropy value changed: the seed check fails"
assert_check FAILED signature "" "the entropy value changed: the signature fails"

# The revealed secret.
jset '$.secret' "$(flip_last "$(dj '$.secret')")"
yh verify x.json
assert_tampered "the secret changed"
assert_check FAILED commitment "the revealed secret does not open the commitment" "the secret changed: the commitment fails"
assert_check FAILED seed "" "the secret changed: the seed does not follow either"
# The commitment, the other way round.
jset '$.commitment' "$(flip_last "$(dj '$.commitment')")"
yh verify x.json
assert_tampered "the commitment changed"
assert_check FAILED commitment "the revealed secret does not open the commitment" "the commitment changed: the commitment check fails"

# The signature itself: nothing else changed.
jset '$.signature' "$(flip_last "$(dj '$.signature')")"
yh verify "${REGS[@]}" --pubkey public-key.txt x.json
assert_tampered "the signature changed"
assert_check FAILED signature "the Ed25519 signature does not match the document: it was changed after signing, or signed by another key" \
	"the signature changed: the signature check fails"
assert_eq 1 "$(n_failed)" "the signature changed: no other check fails"
assert_check ok tickets "" "the signature changed: the tickets still follow"
assert_stdout_not_contains "needs the officer register and conflicts files" \
	"the signature changed: the teams are still replayed with the three files given"
jset '$.signature' "$(dj '$.signature' | tr a-f A-F)"
yh verify x.json
assert_tampered "the signature in upper case"
assert_check FAILED signature "not lower-case hex" "an upper-case signature is refused"
sqlite3 :memory: "select json_remove(readfile('draw.json'), '\$.signature')" > x.json
yh verify x.json
assert_exit 1 "no signature: exit 1"
assert_check FAILED document "member signature is missing" "no signature: the document check names the member"

# A stratum's cutoff.
SK=$(dj '$.selected[0].stratum')
SI=$(sqlite3 :memory: "select key from json_each(readfile('draw.json'), '\$.strata') where json_extract(value, '\$.key') = '$SK'")
jset "\$.strata[$SI].cutoff" "$(flip_last "$(dj "\$.strata[$SI].cutoff")")"
yh verify "${REGS[@]}" --pubkey public-key.txt x.json
assert_tampered "a cutoff changed"
assert_check FAILED "selection replay" "strata: stratum '$SK' differs from the replay" "a cutoff changed: the replay names the stratum"
jset "\$.strata[$SI].cutoff" 0000000000000000000000000000000000000000000000000000000000000000
yh verify x.json
assert_tampered "a cutoff below the selected"
assert_check FAILED "selection rules" "a selected ticket is not below its stratum's cutoff" "a cutoff of zero: caught without register files"
RK=$(dj '$.reserves[0].stratum')
RI=$(sqlite3 :memory: "select key from json_each(readfile('draw.json'), '\$.strata') where json_extract(value, '\$.key') = '$RK'")
jset "\$.strata[$RI].cutoff" ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
yh verify x.json
assert_tampered "a cutoff above the reserves"
assert_check FAILED "selection rules" "a reserve's ticket is below its stratum's cutoff" "a cutoff of all ones: the reserve below it is caught"

# A reserve dropped.
NRES=$(sqlite3 :memory: "select json_array_length(readfile('draw.json'), '\$.reserves')")
sqlite3 :memory: "select json_remove(readfile('draw.json'), '\$.reserves[1]')" > x.json
assert_eq $((NRES - 1)) "$(sqlite3 :memory: "select json_array_length(readfile('x.json'), '\$.reserves')")" "x.json has one reserve less"
yh verify "${REGS[@]}" --pubkey public-key.txt x.json
assert_tampered "a reserve dropped"
assert_check FAILED "selection rules" "a stratum has a different number of reserves than it states" "a reserve dropped: the count per stratum fails"
assert_check FAILED "selection replay" "reserves #2: the document has" "a reserve dropped: the replay names the place"
# A selected entity dropped.
sqlite3 :memory: "select json_remove(readfile('draw.json'), '\$.selected[$((NSEL - 1))]')" > x.json
yh verify x.json
assert_tampered "a selected entity dropped"
assert_check FAILED "selection rules" "a stratum has a different number of selected entities than it states" "a selected entity dropped: the count per stratum fails"

# ---- another key: re-signing needs the department's secret ---------------------------

D1KID=$(dj '$.signer.key_id')
D2KID=$(dj '$.signer.key_id' "$D2/draw.json")
assert_ne "$D1KID" "$D2KID" "the two demo stores have different keys"
# d2's document: the same kind of draw, signed by d2's key.
yh verify "$D2/draw.json"
assert_exit 0 "d2's document verifies on its own"
yh verify --pubkey public-key.txt "$D2/draw.json"
assert_exit 1 "d2's document with d1's --pubkey exits 1"
assert_check ok signature "key $D2KID" "d2's document: its signature holds, by d2's key"
assert_check FAILED "signer key" "the document is signed by key $D2KID, not by the key given" "d2's document with d1's key: the signer check names the signing key"
assert_eq 1 "$(n_failed)" "d2's document with d1's key: only the signer check fails"
yh verify --pubkey "$D2/public-key.txt" "$D2/draw.json"
assert_exit 0 "d2's document with d2's --pubkey exits 0"
yh verify --pubkey "$(sed -n 2p public-key.txt)" draw.json
assert_exit 0 "--pubkey also takes the key in hex"

# d1's document with d2's public key put in as the signer: the signature fails.
sqlite3 :memory: "select json_set(readfile('draw.json'), '\$.signer.public_key', json_extract(readfile('$D2/draw.json'), '\$.signer.public_key'),
	'\$.signer.key_id', json_extract(readfile('$D2/draw.json'), '\$.signer.key_id'))" > x.json
yh verify x.json
assert_tampered "d1's document with d2 named as the signer"
assert_check FAILED signature "does not match the document" "another signer named: the signature fails"

# A forger holding d2's key and a copy of d1's store: the store told that
# d2's key is its own, the draw re-published.  The result is a well-signed
# document; only --pubkey tells that it is not the department's.
store_copy "$D1/yaohao.db" "$T/forge.db" # (0600: a store others may read is refused)
sql "$T/forge.db" "update meta set value = '$(sed -n 2p "$D2/public-key.txt")' where key = 'public_key'"
yh publish --db "$T/forge.db" --key "$D2/yaohao.db.key" "$TASK_ID" -o forged.json
assert_exit 0 "the draw re-published with d2's key"
assert_eq "$D2KID" "$(dj '$.signer.key_id' forged.json)" "the forged document names d2's key"
yh verify "${REGS[@]}" forged.json
assert_exit 0 "the re-signed document passes without --pubkey"
yh verify "${REGS[@]}" --pubkey public-key.txt forged.json
assert_exit 1 "the re-signed document fails with the department's --pubkey"
assert_check FAILED "signer key" "signed by key $D2KID, not by the key given" "re-signed: the signer check fails"
assert_eq 1 "$(n_failed)" "re-signed: only the signer check fails"
# The same forger changing a selected entity's name in the transcript: the
# signature holds, the registers and the key do not.
# (the transcript is a blob: SQLite's replace reads it as text, PostgreSQL's bytea is converted)
text=transcript
on_pg && text="convert_from(transcript, 'UTF8')"
forged="replace($text, '\"id\":\"$SEL1\",\"name\":\"', '\"id\":\"$SEL1\",\"name\":\"伪造')"
on_pg && forged="convert_to($forged, 'UTF8')"
sql_unlocked "$T/forge.db" task_draw "update task_draw set transcript = $forged"
yh publish --db "$T/forge.db" --key "$D2/yaohao.db.key" "$TASK_ID" -o forged.json
assert_eq "伪造$(dj "\$.selected[$((SEL1_RANK - 1))].name")" "$(dj "\$.selected[$((SEL1_RANK - 1))].name" forged.json)" "the forged document has the changed name"
yh verify forged.json
assert_exit 0 "a forged name passes the checks that need no register (names are not in the tickets)"
yh verify "${REGS[@]}" forged.json
assert_exit 1 "a forged name fails with the register files"
assert_check FAILED "selection replay" "selected #$SEL1_RANK ('$SEL1') differs from the replay (ticket, team or name)" "a forged name: the replay names the entity"
yh verify --pubkey public-key.txt forged.json
assert_exit 1 "a forged name fails with the department's --pubkey"
assert_check FAILED "signer key" "" "a forged name: the signer is not the department"

# ---- tampering with the register files ---------------------------------------------

assert_eq 1 "$(grep -c "^$SEL1," entities.frozen.csv)" "the first selected entity has one row in entities.frozen.csv"
verify_entities() { yh verify --entities "$1" --pubkey public-key.txt draw.json; }

sed "/^$SEL1,/s/^\([^,]*\),[^,]*,/\1,改名后的饭店,/" entities.frozen.csv > e.csv
assert_eq "$SEL1,改名后的饭店" "$(grep "^$SEL1," e.csv | cut -d, -f 1-2)" "e.csv has the selected entity renamed"
verify_entities e.csv
assert_tampered "an eligible entity renamed"
assert_check FAILED "entity register" "'e.csv' gives root" "renamed: the entity register check fails"
assert_check FAILED "entity register" "the document commits to ${ROOT:0:16}…" "renamed: it says the root differs from the committed one"
assert_check skipped "selection replay" "the entity register does not match the commitment" "renamed: no replay"
assert_check ok signature "" "renamed: the document itself is intact"
assert_eq 1 "$(n_failed)" "renamed: only the entity register fails"

grep -v "^$SEL1," entities.frozen.csv > e.csv
verify_entities e.csv
assert_tampered "a row removed"
assert_check FAILED "entity register" "the document commits to ${ROOT:0:16}…" "a row removed: the root differs"

{ cat entities.frozen.csv; grep "^$SEL1," entities.frozen.csv; } > e.csv
verify_entities e.csv
assert_tampered "a row duplicated"
assert_check FAILED "entity register" "'e.csv': entity '$SEL1' appears twice" "a duplicated row: the entity is named"

sed '1s/,name,/,名称,/' entities.frozen.csv > e.csv
verify_entities e.csv
assert_tampered "a wrong header"
assert_check FAILED "entity register" "e.csv:1: column 2 is '名称', the canonical entities file has 'name'" "a wrong header: the file, line 1 and the column"
sed '1s/,abnormal$//' entities.frozen.csv > e.csv
verify_entities e.csv
assert_exit 1 "a header with a column missing: exit 1"
assert_check FAILED "entity register" "e.csv:1: the header is not that of the canonical entities file" "a short header: the file and line 1"
LINE=$(grep -n "^$SEL1," entities.frozen.csv | cut -d: -f 1)
sed "${LINE}s/,[01]\$//" entities.frozen.csv > e.csv
verify_entities e.csv
assert_exit 1 "a row with a field missing: exit 1"
assert_check FAILED "entity register" "e.csv:$LINE: 7 fields, the header has 8" "a short row: the file and its line"

# Non-canonical values: the row's leaf differs, so does the root.
sed "/^$SEL1,/s/,[01]\$/,false/" entities.frozen.csv > e.csv
assert_ne "$(cat entities.frozen.csv)" "$(cat e.csv)" "e.csv has abnormal written as false"
verify_entities e.csv
assert_tampered "a non-canonical value (abnormal false)"
assert_check FAILED "entity register" "the document commits to ${ROOT:0:16}…" "abnormal 'false' for a digit: the root differs"
sed "/^$SEL1,/s/^\([^,]*\),/\1, /" entities.frozen.csv > e.csv
verify_entities e.csv
assert_tampered "a non-canonical value (a leading space)"
assert_check FAILED "entity register" "the document commits to ${ROOT:0:16}…" "a name with a leading space: the root differs"

# The officer and conflict registers.
LEADER=$(dj '$.selected[0].team[0].id')
sed "/^$LEADER,/s/^\([^,]*\),[^,]*,/\1,某某,/" inspectors.frozen.csv > i.csv
assert_ne "$(cat inspectors.frozen.csv)" "$(cat i.csv)" "i.csv has a team leader renamed"
yh verify --inspectors i.csv --conflicts conflicts.frozen.csv --entities entities.frozen.csv draw.json
assert_tampered "an officer renamed"
assert_check FAILED "officer register" "'i.csv' gives root" "an officer renamed: the officer register fails"
assert_check FAILED "officer register" "the document commits to $(dj '$.inspectors.root' | cut -c 1-16)…" "an officer renamed: against the committed root"
sed '$d' conflicts.frozen.csv > c.csv
yh verify --conflicts c.csv draw.json
assert_tampered "a conflict row removed"
assert_check FAILED "conflicts" "the document commits to $(dj '$.conflicts.root' | cut -c 1-16)…" "a conflict removed: the conflict root differs"

# --json on a register failure.
yh verify --json --entities e.csv draw.json
assert_exit 1 "--json with a bad register file exits 1"
cp "$T/.stdout" report.json
assert_eq 1 "$(json_valid report.json)" "--json with a bad register: well-formed JSON"
assert_eq 0 "$(json_get report.json '$.ok')" "--json with a bad register: ok false"
assert_eq failed "$(sqlite3 :memory: "select json_extract(value, '\$.status') from json_each(readfile('report.json'), '\$.checks') where json_extract(value, '\$.check') = 'entity register'")" \
	"--json: the entity register check is failed"
rm report.json

# A register file that does not exist: the check fails and names it.
yh verify --entities missing.csv draw.json
assert_exit 1 "a missing register file: exit 1"
assert_check FAILED "entity register" "missing.csv" "a missing register file is named"

# ---- files that cannot be read --------------------------------------------------------

printf 'this is not JSON\n' > not.json
yh verify not.json
assert_exit 3 "a file that is not JSON exits 3"
assert_stderr_contains "not.json" "the message names the file"
assert_stderr_contains "not a JSON document"
assert_eq "" "$STDOUT" "no report for a file that is not JSON"
head -c 300 draw.json > cut.json
yh verify cut.json
assert_exit 3 "a truncated document exits 3"
yh verify --json not.json
assert_exit 3 "--json with a file that is not JSON exits 3"
yh verify missing.json
assert_exit 3 "a missing document exits 3"
assert_stderr_contains "missing.json" "the message names the missing file"
printf '[1, 2]\n' > arr.json
yh verify arr.json
assert_exit 1 "JSON that is not an object: exit 1"
assert_check FAILED document "not a JSON object" "JSON that is not an object: the document check says so"
sqlite3 :memory: "select json_set(readfile('draw.json'), '\$.format', 'yaohao-transcript/2')" > x.json
yh verify x.json
assert_exit 1 "another format: exit 1"
assert_check FAILED document "format is not \"yaohao-draw/2\"" "another format: the document check names the format"
sqlite3 :memory: "select json_set(readfile('draw.json'), '\$.format', 'yaohao-draw/1')" > x.json
yh verify x.json
assert_exit 1 "a /1 document: exit 1"
assert_check FAILED document "format \"yaohao-draw/1\" is retired" "a /1 document: the retired format is named"
yh verify
assert_exit 2 "verify without a document exits 2"
yh verify draw.json draw.json
assert_exit 2 "verify with two documents exits 2"

assert_no_file "$T/nowhere" "no command above opened a store"
finish

# test_prove.sh — yaohao prove and verify-proof (docs/spec.md §14): an
# entity's inclusion proof (selected or not) or absence proof (outside the
# population, or not in the register at all), checked against the published
# draw document alone; every tampered proof fails.
source "$TESTLIB"

TASK_ID=T-2026-12-FOOD
D1="$T/d1"
D2="$T/d2"
DB="$D1/yaohao.db"

demo_draw "$D1"
assert_exit 0 "demo d1 exits 0"
other_draw_fixtures "$T/fixtures2"
demo_draw "$D2" --fixtures "$T/fixtures2"
assert_exit 0 "demo d2 (another draw of the same task) exits 0"
cp "$D1/draw.json" draw.json
cp "$D1/entities.frozen.csv" entities.csv

dj() { json_get draw.json "$1"; }
pj() { json_get "$1" "$2"; }
# pset FILE OUT PATH SQL-VALUE: FILE with the value at PATH replaced (an SQL expression).
pset() { sqlite3 :memory: "select json_set(readfile('$1'), '$3', $4)" > "$2"; }
assert_refused() {
	assert_exit 1 "$1: verify-proof exits 1"
	assert_stdout_contains "NOT VERIFIED: a check failed" "$1: the report ends NOT VERIFIED"
	assert_stdout_not_contains "verified: every check passed" "$1: not reported as verified"
}

# ---- the entities --------------------------------------------------------------------

ROOT=$(dj '$.entities.root')
SIZE=$(dj '$.entities.count')
# The first selected entity whose CSV row has no quoted field (sed and cut below split on commas).
SEL=$(sqlite3 :memory: "select json_extract(value, '\$.id') from json_each(readfile('draw.json'), '\$.selected')" |
	while read -r id; do grep -q "^$id,.*\"" entities.csv || { echo "$id"; break; }; done)
SEL_RANK=$(sqlite3 :memory: "select json_extract(value, '\$.rank') from json_each(readfile('draw.json'), '\$.selected') where json_extract(value, '\$.id') = '$SEL'")
RES=$(dj '$.reserves[0].id')
# Eligible (task-food.json: active, region 3301…, industry F52/H62/C14), neither
# selected nor a reserve; rows with quoted fields are left out of this awk.
ELIG=$(grep -v '"' entities.csv | awk -F, 'NR > 1 && $7 == "active" && substr($4, 1, 4) == "3301" && $5 ~ /^(F52|H62|C14)/ { print $1 }' | sort)
LISTED=$(sqlite3 :memory: "select json_extract(value, '\$.id') from json_each(readfile('draw.json'), '\$.selected')
	union all select json_extract(value, '\$.id') from json_each(readfile('draw.json'), '\$.reserves')")
NS=$(printf '%s\n' "$ELIG" | grep -vxF "$LISTED" | head -n 1)
# In the register, outside the population (another city): the first such id.
OUT=$(grep -v '"' entities.csv | awk -F, 'NR > 1 && substr($4, 1, 4) != "3301" { print $1 }' | sort | head -n 1)
# Not in the register: a well-formed credit code made up here.
NEW17=91330100MA27YYYY0
NEW="$NEW17$(uscc_check_char "$NEW17")"
# An eligible entity whose name holds a comma or quotes in the CSV.
QUOTED=$(grep '"' entities.csv | awk -F, '$7 == "active" && $(NF-4) ~ /^3301/ { print $1 }' | head -n 1)

assert_eq 18 "${#NS}" "an eligible entity neither selected nor reserve: $NS"
assert_eq 18 "${#OUT}" "an entity outside the population: $OUT"
assert_eq 18 "${#NEW}" "a made-up credit code: $NEW"
assert_eq 0 "$(grep -c "^$NEW," entities.csv)" "the made-up code is not in the register"
assert_eq 1 "$(grep -c "^$OUT," entities.csv)" "the outside entity is in the register"

# ---- proofs that hold ----------------------------------------------------------------

yh prove --db "$DB" "$TASK_ID" "$SEL" -o p-sel.json
assert_exit 0 "prove a selected entity exits 0"
assert_stdout_contains "wrote the proof for $SEL to p-sel.json"
assert_eq 1 "$(json_valid p-sel.json)" "the proof is well-formed JSON"
assert_eq "yaohao-proof/2|$TASK_ID|$SEL|$ROOT|$SIZE|$(dj '$.seed')|1" \
	"$(sqlite3 :memory: "select json_extract(j, '\$.format'), json_extract(j, '\$.task_id'), json_extract(j, '\$.entity_id'),
		json_extract(j, '\$.entities_root'), json_extract(j, '\$.tree_size'), json_extract(j, '\$.seed'), json_extract(j, '\$.included')
		from (select readfile('p-sel.json') as j)")" \
	"the proof names format, task, entity, the draw's root, size and seed, and included"
I=$((SEL_RANK - 1))
assert_eq "1|$SEL_RANK|$(dj "\$.selected[$I].ticket")|$(dj "\$.selected[$I].stratum")|$(dj "\$.selected[$I].team")" \
	"$(sqlite3 :memory: "select json_extract(j, '\$.selected'), json_extract(j, '\$.rank'), json_extract(j, '\$.ticket'),
		json_extract(j, '\$.stratum'), json_extract(j, '\$.team') from (select readfile('p-sel.json') as j)")" \
	"the selected entity's proof: selected, its rank, its ticket, stratum and team as in the document"
assert_eq "$(grep "^$SEL," entities.csv)" \
	"$(sqlite3 :memory: "select json_extract(j, '\$.row.id') || ',' || json_extract(j, '\$.row.name') || ',' || json_extract(j, '\$.row.type') || ',' ||
		json_extract(j, '\$.row.region') || ',' || json_extract(j, '\$.row.industry') || ',' || json_extract(j, '\$.row.risk') || ',' ||
		json_extract(j, '\$.row.status') || ',' || json_extract(j, '\$.row.abnormal') from (select readfile('p-sel.json') as j)")" \
	"the proof's row is the entity's canonical row"
yh verify-proof p-sel.json draw.json
assert_exit 0 "verify-proof of the selected entity exits 0"
assert_check ok inclusion "'$SEL' is leaf $(pj p-sel.json '$.leaf_index') of the committed entity register ($SIZE leaves)" "the inclusion check names the leaf"
assert_check ok ticket "below the cutoff" "the selected entity's ticket is below the cutoff"
assert_check ok selection "'$SEL' was selected" "verify-proof says selected"
assert_stdout_contains "- '$SEL' was in the frozen register the draw committed to, eligible, and it was selected by its own ticket"
assert_check ok signature "" "verify-proof checks the document's signature too"
yh verify-proof --json p-sel.json draw.json
assert_exit 0 "verify-proof --json exits 0"
cp "$T/.stdout" r.json
assert_eq 1 "$(json_valid r.json)" "verify-proof --json is well-formed"
assert_eq "1|1" "$(json_get r.json '$.ok')|$(json_get r.json '$.selected')" "--json: ok and selected are true"
# Without -o the proof goes to stdout, the same text.
yh prove --db "$DB" "$TASK_ID" "$SEL"
assert_exit 0 "prove without -o exits 0"
assert_eq "$(cat p-sel.json)" "$STDOUT" "prove without -o prints the same proof"

# The Merkle path, checked here from the spec alone (§2, RFC 9162 §2.1.3.2):
# leaf = SHA-256(0x00 ‖ u32 length ‖ field …), nodes SHA-256(0x01 ‖ l ‖ r).
sha_hex() { sha256sum | cut -c 1-64; }
leaf_hex() { # PROOF PATH-TO-ROW
	local col v
	{
		printf '00'
		for col in id name type region industry risk status abnormal; do
			v=$(json_get "$1" "$2.$col")
			printf '%08x' "$(printf '%s' "$v" | wc -c)"
			printf '%s' "$v" | xxd -p | tr -d '\n'
		done
	} | xxd -r -p | sha_hex
}
node_hex() { printf '01%s%s' "$1" "$2" | xxd -r -p | sha_hex; }
root_from_path() { # PROOF PATH-TO-ITEM ('$' or '$.before' …): prints the root the path gives
	local fn sn r p i n
	fn=$(json_get "$1" "$2.leaf_index")
	sn=$((SIZE - 1))
	r=$(leaf_hex "$1" "$2.row")
	n=$(sqlite3 :memory: "select json_array_length(readfile('$1'), '$2.path')")
	for ((i = 0; i < n; i++)); do
		p=$(json_get "$1" "$2.path[$i]")
		[ "$sn" -eq 0 ] && { echo "path too long"; return; }
		if [ $((fn & 1)) -eq 1 ] || [ "$fn" -eq "$sn" ]; then
			r=$(node_hex "$p" "$r")
			while [ $((fn & 1)) -eq 0 ] && [ "$fn" -ne 0 ]; do
				fn=$((fn >> 1))
				sn=$((sn >> 1))
			done
		else
			r=$(node_hex "$r" "$p")
		fi
		fn=$((fn >> 1))
		sn=$((sn >> 1))
	done
	[ "$sn" -eq 0 ] && echo "$r" || echo "path too short"
}
assert_eq "$ROOT" "$(root_from_path p-sel.json '$')" "the selected entity's leaf and path give the committed root (computed with sha256sum)"

# The ticket, from the spec: SHA-256(seed ‖ PAD32("yaohao:ticket:v2") ‖ id).
assert_eq "$(pj p-sel.json '$.ticket')" \
	"$( (dj '$.seed' | xxd -r -p; printf 'yaohao:ticket:v2'; head -c 16 /dev/zero; printf '%s' "$SEL") | sha_hex)" \
	"the proof's ticket is SHA-256 of seed, tag and id (sha256sum)"

# A reserve: eligible, not selected, with its reserve order.
yh prove --db "$DB" "$TASK_ID" "$RES" -o p-res.json
assert_exit 0 "prove a reserve exits 0"
assert_eq "1|0|1|" "$(sqlite3 :memory: "select json_extract(j, '\$.included'), json_extract(j, '\$.selected'),
	json_extract(j, '\$.reserve_order'), ifnull(json_extract(j, '\$.rank'), '') from (select readfile('p-res.json') as j)")" \
	"the reserve's proof: included, not selected, reserve order 1, no rank"
yh verify-proof p-res.json draw.json
assert_exit 0 "verify-proof of a reserve exits 0"
assert_check ok selection "'$RES' was not selected" "verify-proof says the reserve was not selected"

# An eligible entity that was not selected.
yh prove --db "$DB" "$TASK_ID" "$NS" -o p-ns.json
assert_exit 0 "prove a non-selected eligible entity exits 0"
assert_eq "1|0||" "$(sqlite3 :memory: "select json_extract(j, '\$.included'), json_extract(j, '\$.selected'),
	ifnull(json_extract(j, '\$.reserve_order'), ''), ifnull(json_extract(j, '\$.rank'), '') from (select readfile('p-ns.json') as j)")" \
	"the non-selected entity's proof: included, not selected, no rank, no reserve order"
assert_eq "" "$(json_get p-ns.json '$.team')" "no team in a non-selected proof"
yh verify-proof p-ns.json draw.json
assert_exit 0 "verify-proof of a non-selected entity exits 0"
assert_check ok ticket "not below the cutoff" "the non-selected entity's ticket is not below the cutoff"
assert_check ok selection "'$NS' was not selected" "verify-proof says not selected"
assert_stdout_contains "- '$NS' was in the frozen register the draw committed to, eligible, and it was not selected by its own ticket"
yh verify-proof --json p-ns.json draw.json
cp "$T/.stdout" r.json
assert_eq "1|0" "$(json_get r.json '$.ok')|$(json_get r.json '$.selected')" "--json: ok true, selected false"
assert_eq "$ROOT" "$(root_from_path p-ns.json '$')" "the non-selected entity's path gives the root (sha256sum)"

# An eligible entity whose name is quoted in the CSV: the row holds the value.
if [ -n "$QUOTED" ]; then
	yh prove --db "$DB" "$TASK_ID" "$QUOTED" -o p-q.json
	assert_exit 0 "prove an entity whose CSV name is quoted"
	yh verify-proof p-q.json draw.json
	assert_exit 0 "verify-proof of the quoted-name entity exits 0"
	assert_eq "$ROOT" "$(root_from_path p-q.json '$')" "the quoted-name entity's leaf (its value, unquoted) gives the root"
fi

# In the register, outside the population: /2 roots cover every row, so it is included, not
# eligible, with the reason (docs/spec.md §14).
yh prove --db "$DB" "$TASK_ID" "$OUT" -o p-out.json
assert_exit 0 "prove an entity outside the population exits 0"
assert_eq "1|0|filter" "$(pj p-out.json '$.included')|$(pj p-out.json '$.eligible')|$(pj p-out.json '$.reason')" \
	"the outside entity is included, not eligible, reason filter"
assert_stdout_contains "wrote the proof for $OUT"
assert_eq "$ROOT" "$(root_from_path p-out.json '$')" "the outside entity's leaf and path give the root (sha256sum)"
yh verify-proof p-out.json draw.json
assert_exit 0 "verify-proof of the outside entity exits 0"
assert_check ok eligibility "'$OUT' was in the register but not eligible: filter" "the eligibility check names the reason"
assert_stdout_contains "- '$OUT' was in the frozen register the draw committed to, not eligible (filter), and not drawn"
pset p-out.json x.json '$.eligible' "json('true')"
yh verify-proof x.json draw.json
assert_exit 1 "an ineligible entity's proof claiming it was eligible fails"
assert_check FAILED eligibility "by the row and the task it was not eligible" "the eligibility check says why"
pset p-out.json x.json '$.reason' "'status'"
yh verify-proof x.json draw.json
assert_exit 1 "an ineligible entity's proof with another reason fails"

# Not in the register at all.
yh prove --db "$DB" "$TASK_ID" "$NEW" -o p-new.json
assert_exit 0 "prove an id not in the register exits 0"
assert_eq 0 "$(pj p-new.json '$.included')" "the made-up id is not included"
assert_eq "'$NEW' was not in the entity register as of the freeze" "$(pj p-new.json '$.note')" \
	"the note says the id was not in the register as of the freeze"
BI=$(pj p-new.json '$.before.leaf_index')
AI=$(pj p-new.json '$.after.leaf_index')
BEFORE_ID=$(pj p-new.json '$.before.row.id')
AFTER_ID=$(pj p-new.json '$.after.row.id')
assert_ne "" "$BI" "the made-up id has a neighbour before it"
assert_ne "" "$AI" "the made-up id has a neighbour after it"
assert_eq $((BI + 1)) "$AI" "the neighbours are adjacent leaves"
[[ "$BEFORE_ID" < "$NEW" && "$NEW" < "$AFTER_ID" ]] && _pass "the neighbours sort around the id" ||
	_fail "the neighbours sort around the id" "$BEFORE_ID < $NEW < $AFTER_ID"
yh verify-proof p-new.json draw.json
assert_exit 0 "verify-proof of the made-up id exits 0"
assert_check ok absence "'$NEW' sorts between adjacent leaves $BEFORE_ID and $AFTER_ID of the committed register: it was not in it" \
	"the absence check names both neighbours"
assert_stdout_contains "- '$NEW' was not in the frozen register the draw committed to" "verify-proof says not in the frozen register"
assert_eq "$ROOT" "$(root_from_path p-new.json '$.before')" "the before neighbour's path gives the root (sha256sum)"
assert_eq "$ROOT" "$(root_from_path p-new.json '$.after')" "the after neighbour's path gives the root (sha256sum)"

# ---- tampered proofs -----------------------------------------------------------------

pset p-sel.json x.json '$.row.name' "'改了名字'"
yh verify-proof x.json draw.json
assert_refused "the row's name changed"
assert_check FAILED inclusion "the audit path does not lead to the committed root" "a changed row: the path does not lead to the root"

pset p-sel.json x.json '$.path[2]' "'$(flip_last "$(pj p-sel.json '$.path[2]')")'"
yh verify-proof x.json draw.json
assert_refused "a path hash changed"
assert_check FAILED inclusion "the audit path does not lead to the committed root" "a changed path hash: the path does not lead to the root"

sqlite3 :memory: "select json_remove(readfile('p-sel.json'), '\$.path[#-1]')" > x.json
yh verify-proof x.json draw.json
assert_refused "a path hash removed"
assert_check FAILED inclusion "" "a short path: inclusion fails"

# The sibling leaf's index keeps the path's length (the demo's draw is random, and another
# index can need a longer or shorter path); the last leaf of an odd tree has no sibling.
LI=$(pj p-sel.json '$.leaf_index')
OTHER=$((LI ^ 1))
[ "$OTHER" -lt "$SIZE" ] || OTHER=$((LI - 1))
pset p-sel.json x.json '$.leaf_index' "$OTHER"
yh verify-proof x.json draw.json
assert_refused "the leaf_index changed"
if [ $((LI ^ 1)) -lt "$SIZE" ]; then
	assert_check FAILED inclusion "the audit path does not lead to the committed root" "another leaf_index: the path does not lead to the root"
else
	assert_check FAILED inclusion "" "another leaf_index: inclusion fails"
fi
pset p-sel.json x.json '$.leaf_index' "$SIZE"
yh verify-proof x.json draw.json
assert_refused "a leaf_index outside the tree"
assert_check FAILED inclusion "leaf $SIZE is outside a tree of $SIZE" "a leaf_index past the end is named"
pset p-sel.json x.json '$.leaf_index' "-1"
yh verify-proof x.json draw.json
assert_refused "a negative leaf_index"
assert_check FAILED inclusion "malformed" "a negative leaf_index is malformed"

pset p-sel.json x.json '$.ticket' "'$(flip_last "$(pj p-sel.json '$.ticket')")'"
yh verify-proof x.json draw.json
assert_refused "the ticket changed"
assert_check FAILED ticket "the proof's ticket is not SHA-256 of the seed, the tag and the id" "a changed ticket fails"

pset p-sel.json x.json '$.selected' "json('false')"
yh verify-proof x.json draw.json
assert_refused "selected flipped to false"
assert_check FAILED selection "" "a selected entity's proof saying not selected fails"
pset p-ns.json x.json '$.selected' "json('true')"
yh verify-proof x.json draw.json
assert_refused "selected flipped to true"
assert_check FAILED selection "the ticket says not selected" "a non-selected entity's proof saying selected fails"
yh verify-proof --json x.json draw.json
assert_exit 1 "selected flipped: --json exits 1"
cp "$T/.stdout" r.json
assert_eq "1|0" "$(json_valid r.json)|$(json_get r.json '$.ok')" "selected flipped: --json is well-formed with ok false"

# The proof of one entity passed off as another's: the row names the other.
pset p-ns.json x.json '$.entity_id' "'$SEL'"
yh verify-proof x.json draw.json
assert_refused "another entity's row"
assert_check FAILED inclusion "the row is that of '$NS', not '$SEL'" "a proof with another entity's row names both"

# Another draw's document (d2: same task, another secret and seed).
yh verify-proof p-sel.json "$D2/draw.json"
assert_refused "another draw's document"
assert_check ok signature "" "d2's document itself verifies"
assert_check FAILED proof "the proof is for another draw (task, root, size or seed differ from the document)" \
	"a proof against another draw's document fails"
yh verify-proof p-new.json "$D2/draw.json"
assert_refused "an absence proof against another draw's document"
# A proof whose seed is changed to match the other draw.
pset p-sel.json x.json '$.seed' "'$(json_get "$D2/draw.json" '$.seed')'"
yh verify-proof x.json "$D2/draw.json"
assert_refused "a proof moved to another draw's seed"
assert_check FAILED ticket "" "moved to another seed: the ticket no longer follows"

# A tampered document: the proof is not checked at all.
sqlite3 :memory: "select json_set(readfile('draw.json'), '\$.seed', '$(flip_last "$(dj '$.seed')")')" > doc-x.json
yh verify-proof p-sel.json doc-x.json
assert_refused "a tampered document"
assert_check skipped proof "the draw document itself does not verify" "a tampered document: the proof is skipped"

# Absence proofs: neighbours that are not adjacent.
NEXT=$(printf '%s\n' "$ELIG" | awk -v a="$AFTER_ID" '$0 > a' | head -n 1)
yh prove --db "$DB" "$TASK_ID" "$NEXT" -o p-next.json
assert_exit 0 "prove the entity after the neighbour ($NEXT)"
NI=$(pj p-next.json '$.leaf_index')
[ "$NI" -gt "$AI" ] && _pass "it is a later leaf ($NI > $AI)" || _fail "it is a later leaf" "$NI <= $AI"
sqlite3 :memory: "select json_set(readfile('p-new.json'), '\$.after',
	json_object('leaf_index', json_extract(p, '\$.leaf_index'), 'row', json_extract(p, '\$.row'), 'path', json_extract(p, '\$.path')))
	from (select readfile('p-next.json') as p)" > x.json
assert_eq "$NEXT" "$(pj x.json '$.after.row.id')" "x.json's after is the later leaf"
yh verify-proof x.json draw.json
assert_refused "an absence proof with non-adjacent neighbours"
assert_check FAILED absence "the neighbours are not adjacent leaves around '$NEW'" "non-adjacent neighbours fail"
# The real neighbour's leaf_index moved next to before: its path no longer holds.
pset p-new.json x.json '$.after.leaf_index' "$((AI + 1))"
yh verify-proof x.json draw.json
assert_refused "a neighbour's leaf_index changed"
assert_check FAILED absence "a neighbour's path does not verify" "a moved neighbour: its path fails"
# One neighbour dropped.
pset p-new.json x.json '$.before' "json('null')"
yh verify-proof x.json draw.json
assert_refused "an absence proof without its before neighbour"
assert_check FAILED absence "not adjacent" "a dropped neighbour (not at the start) fails"
# At the start: after moved to leaf 1.
if [ "$(sqlite3 :memory: "select json_type(readfile('p-out.json'), '\$.before')")" = null ]; then
	FIRST=$(pj p-out.json '$.after.row.id')
	SECOND=$(printf '%s\n' "$ELIG" | awk -v a="$FIRST" '$0 > a' | head -n 1)
	yh prove --db "$DB" "$TASK_ID" "$SECOND" -o p-2.json
	sqlite3 :memory: "select json_set(readfile('p-out.json'), '\$.after',
		json_object('leaf_index', json_extract(p, '\$.leaf_index'), 'row', json_extract(p, '\$.row'), 'path', json_extract(p, '\$.path')))
		from (select readfile('p-2.json') as p)" > x.json
	yh verify-proof x.json draw.json
	assert_refused "an absence proof at the start skipping leaf 0"
	assert_check FAILED absence "not adjacent" "at the start, after must be leaf 0"
fi
# An absence proof for an entity that is a leaf (the selected one).
pset p-new.json x.json '$.entity_id' "'$SEL'"
yh verify-proof x.json draw.json
assert_refused "an absence proof claimed for a selected entity"
assert_check FAILED absence "around '$SEL'" "a selected entity cannot be proven absent with others' neighbours"
# An inclusion claimed with included flipped on an absence proof.
pset p-new.json x.json '$.included' "json('true')"
yh verify-proof x.json draw.json
assert_refused "included flipped on an absence proof"
assert_check FAILED inclusion "malformed" "an absence proof flipped to included is malformed"

# ---- files and usage -----------------------------------------------------------------

printf 'not json\n' > bad.json
yh verify-proof bad.json draw.json
assert_exit 3 "a proof that is not JSON exits 3"
assert_stderr_contains "bad.json" "the message names the proof file"
yh verify-proof missing.json draw.json
assert_exit 3 "a missing proof file exits 3"
assert_stderr_contains "missing.json"
yh verify-proof p-sel.json missing-doc.json
assert_exit 3 "a missing document exits 3"
pset p-sel.json x.json '$.format' "'yaohao-proof/1'"
yh verify-proof x.json draw.json
assert_refused "another format"
assert_check FAILED proof "not a yaohao-proof/2 proof" "another format is refused"
yh verify-proof p-sel.json
assert_exit 2 "verify-proof with one argument exits 2"

yh prove --db "$DB" T-NONE "$SEL"
assert_exit 4 "prove of an unknown task exits 4"
assert_stderr_contains "T-NONE"
assert_stderr_contains "no such task" "prove of an unknown task says there is no such task (as publish, draw and plan show say)"
assert_stderr_not_contains "run 'yaohao draw'" "an unknown task is not sent to 'yaohao draw'"
yh prove --db "$DB" "$TASK_ID"
assert_exit 2 "prove without an entity exits 2"
yh prove --db "$T/none.db" "$TASK_ID" "$SEL"
assert_exit 4 "prove on a missing store exits 4"
assert_no_store "$T/none.db" "prove creates no store"
# The results a proof states must be the document's: a made-up team or rank fails.
pset p-sel.json x.json '$.team[0].id' "'33010099999999'"
yh verify-proof x.json draw.json
assert_exit 1 "a proof with a made-up team member fails"
assert_stdout_contains "the proof's rank, team or reserve order is not the document's" "the team is checked against the document"
pset p-sel.json x.json '$.rank' "9999"
yh verify-proof x.json draw.json
assert_exit 1 "a proof with a made-up rank fails"

# The signer pinned with --pubkey: the department's key passes, another department's fails.
yh verify-proof p-sel.json draw.json
assert_check skipped "signer key" "give --pubkey FILE" "without --pubkey the signer is not checked"
yh verify-proof --pubkey "$D1/public-key.txt" p-sel.json draw.json
assert_exit 0 "verify-proof --pubkey with the signer's key exits 0"
assert_check ok "signer key" "signed by the key given" "--pubkey with the signer's key passes the signer check"
assert_stdout_contains "verified: every check passed"
yh verify-proof --pubkey "$D2/public-key.txt" p-sel.json draw.json
assert_refused "--pubkey with another demo's key"
assert_check FAILED "signer key" "" "--pubkey with another key fails the signer check"
yh verify-proof --pubkey "$T/no-such-key.txt" p-sel.json draw.json
assert_refused "--pubkey naming a missing file"
assert_check FAILED "signer key" "no-such-key.txt" "a missing key file fails the signer check, naming the file"

# ---- prove --html: the draw's public page with the entity's proof embedded -------------

# embedded FILE.html ELEMENT-START: the text of the page's elements that start with that line
# (e.g. '<script type="application/json" data-proof>'), one file each: FILE.html.1, .2, ...
embedded() {
	rm -f "$1".[0-9]*
	awk -v start="$2" -v out="$1" '$0 == start { n++; f = 1; next } f && $0 == "</script>" { f = 0 } f { print > (out "." n) }' "$1"
}
PROOF_EL='<script type="application/json" data-proof>'
yh prove --db "$DB" "$TASK_ID" "$SEL" --html e-sel.html
assert_exit 0 "prove --html exits 0"
assert_stdout_contains "wrote the public page of $TASK_ID with the entity's proof to e-sel.html"
assert_stdout_not_contains "yaohao-proof/2" "with --html alone the proof is not printed"
embedded e-sel.html "$PROOF_EL"
assert_file_exists e-sel.html.1 "the page holds a proof"
assert_no_file e-sel.html.2 "the page holds one proof"
cmp -s e-sel.html.1 p-sel.json && _pass "the embedded proof is prove -o's, byte for byte" ||
	_fail "the embedded proof is prove -o's, byte for byte" "$(diff e-sel.html.1 p-sel.json | head -5)"
embedded e-sel.html '<script type="application/json" id="draw-document">'
cmp -s e-sel.html.1 <(cat draw.json; echo) &&
	_pass "the page's draw document is the published one" || _fail "the page's draw document is the published one"
embedded e-sel.html '<script type="application/json" id="results-document">'
assert_no_file e-sel.html.1 "the entity's page holds no results document"
yh publish --db "$DB" "$TASK_ID" --html e-plain.html
assert_exit 0 "publish --html (the page without a proof) exits 0"
embedded e-plain.html "$PROOF_EL"
assert_no_file e-plain.html.1 "publish --html embeds no proof"
assert_ne "$(wc -c < e-plain.html)" "$(wc -c < e-sel.html)" "the entity's page is not the plain page"

# with -o too: the proof file and the page
yh prove --db "$DB" "$TASK_ID" "$SEL" -o e-sel.json --html e-sel2.html
assert_exit 0 "prove -o FILE --html FILE exits 0"
assert_stdout_contains "wrote the proof for $SEL to e-sel.json"
assert_stdout_contains "with the entity's proof to e-sel2.html"
cmp -s e-sel.json p-sel.json && _pass "-o with --html writes the proof" || _fail "-o with --html writes the proof"
cmp -s e-sel.html e-sel2.html && _pass "the same page either way" || _fail "the same page either way"

# several entities, in the order given (the page opens at the first); an id not in the
# register is no error: its proof is an absence proof
yh prove --db "$DB" "$TASK_ID" "$NEW" "$NS" "$SEL" --html e-three.html
assert_exit 0 "prove --html with three entities exits 0"
assert_stdout_contains "with the entities' proofs to e-three.html"
embedded e-three.html "$PROOF_EL"
assert_eq "$NEW|0|$NS|1|$SEL|1" "$(for i in 1 2 3; do printf '%s|%s|' "$(json_get e-three.html.$i '$.entity_id')" "$(json_get e-three.html.$i '$.included')"; done | sed 's/|$//')" \
	"the three proofs in the order given, the unknown id's an absence proof"
assert_no_file e-three.html.4 "three proofs, no more"

# refused
yh prove --db "$DB" "$TASK_ID" "$SEL" "$NS"
assert_exit 2 "two entities without --html exit 2"
assert_stderr_contains "more than one ENTITY-ID needs --html FILE"
yh prove --db "$DB" "$TASK_ID" "$SEL" "$NS" --html e-x.html -o e-x.json
assert_exit 2 "-o with two entities exits 2"
assert_stderr_contains "-o FILE writes one entity's proof"
assert_no_file e-x.html "nothing written"
yh prove --db "$DB" --key "$D1/yaohao.db.key" "$TASK_ID" "$SEL"
assert_exit 2 "--key without --html exits 2"
assert_stderr_contains "--key signs the page's draw document: it needs --html FILE"
yh prove --db "$DB" "$TASK_ID" --html e-x.html
assert_exit 2 "--html without an entity exits 2"
assert_stderr_contains "expected TASK-ID and ENTITY-ID"
yh prove --db "$DB" --key "$T/no-such.key" "$TASK_ID" "$SEL" --html e-x.html
assert_exit 4 "--html with a missing key file exits 4"
assert_stderr_contains "no-such.key" "the message names the key file"
assert_no_file e-x.html "no page without the key"
yh prove --db "$DB" T-NONE "$SEL" --html e-x.html
assert_exit 4 "prove --html of an unknown task exits 4"
assert_stderr_contains "'T-NONE'"
assert_no_file e-x.html "no page of an unknown task"
yh prove --db "$DB" "$TASK_ID" "$SEL" --html "$T/no-dir/e.html"
assert_exit 3 "prove --html to a directory that does not exist exits 3"
assert_stderr_contains "cannot write the file" "the message says the page cannot be written"
assert_stderr_contains "no-dir/e.html" "the message names the page's path"
yh prove --db "$DB" "$TASK_ID" "$SEL" --html "$T"
assert_exit 3 "prove --html to a directory exits 3"

# A committed task that is not drawn yet.
yh init --department 330100-SCJG --db c.db
for r in entities inspectors conflicts; do yh import --db c.db "$r" "$FIXTURES/$r.csv"; done
yh plan add --db c.db "$FIXTURES/task-food.json"
yh commit --db c.db "$TASK_ID" --entropy-source "test" -o ann.json
assert_exit 0 "commit a task in c.db"
yh prove --db c.db "$TASK_ID" "$SEL"
assert_exit 4 "prove of a committed task that is not drawn exits 4"
assert_stderr_contains "'$TASK_ID'" "the message names the task"
printf '%s\n' "$STDERR" | grep -qE "not drawn|no draw" && _pass "the message says the task is not drawn" ||
	_fail "the message says the task is not drawn" "stderr: $STDERR"
yh prove --db c.db "$TASK_ID" "$SEL" --html c.html
assert_exit 4 "prove --html of a task that is not drawn exits 4"
assert_no_file c.html "no page of a task that is not drawn"

finish

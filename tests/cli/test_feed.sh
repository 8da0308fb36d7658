# test_feed.sh — format /2's public checks beyond one document (docs/spec.md §4, §6, §16):
# the feed of announcements and the chain, forks, earlier draws, the default load cap and
# the roots over every register row, each caught even when the department re-signs.
source "$TESTLIB"

RESIGN="$(dirname "$TESTLIB")/resign.py"
V="$FIXTURES/vectors"
# Debian's python3 has PyNaCl (./dev installs python3-nacl); another python3 on PATH may not.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
resign() { "$PY" "$RESIGN" "$@"; }
# The test vectors' key (docs/spec.md §15): seed SHA-256("yaohao test vector key").
printf 'yaohao-secret-key-v1\n%s\n' "$(printf 'yaohao test vector key' | sha256sum | cut -c 1-64)" > vk.key
chmod 600 vk.key
"$PY" -c "import nacl.signing" 2>/dev/null || { echo "0 passed, 1 failed: PyNaCl is missing (./dev installs python3-nacl)"; exit 1; }

# ---- the feed command ------------------------------------------------------------------
yh feed --help
assert_exit 0 "feed --help exits 0"
assert_stdout_contains "usage: yaohao feed"
demo_draw d1
assert_exit 0 "the demo runs"
yh feed --db d1/yaohao.db
assert_exit 2 "feed without -o exits 2"
yh feed --db d1/yaohao.db -o f1.json
assert_exit 0 "feed -o exits 0"
assert_eq "yaohao-feed/2|1|1" "$(json_get f1.json '$.format')|$(sqlite3 :memory: "select json_array_length(readfile('f1.json'), '\$.announcements')")|$(json_get f1.json '$.announcements[0].chain.seq')" \
	"the feed holds the one announcement, number 1"
yh feed --db "$T/none.db" -o x.json
assert_exit 4 "feed of a missing store exits 4"

# ---- the vectors: five draws of one store, in one chain --------------------------------
REPEAT=(--entities "$V/repeat/entities.csv" --inspectors "$V/repeat/inspectors.csv" --conflicts "$V/repeat/conflicts.csv" --pubkey "$V/test-key.pub")
EARLIER=(--earlier "$V/food/draw.json" --earlier "$V/joint/draw.json" --earlier "$V/edge/draw.json")
yh verify "${REPEAT[@]}" "${EARLIER[@]}" --feed "$V/feed.json" "$V/repeat/draw.json"
assert_exit 0 "the repeat vector verifies with its earlier draws and the feed"
assert_check ok "earlier draws" "3 earlier draw(s) named and given: the $(json_get "$V/repeat/draw.json" '$.entities.excluded' | tr ',' '\n' | grep -c '"') excluded entities" \
	"the exclusions are recomputed from the earlier documents"
assert_check ok chain "announcement 4 of an unbroken chain of 6" "the repeat announcement is number 4 of the feed"
assert_check ok "entity register" "by exclusion window" "the entities left out by the exclusion window are counted"

yh verify --earlier "$V/food/draw.json" "$V/repeat/draw.json"
assert_exit 0 "an earlier draw not given is not a failure"
assert_check skipped "earlier draws" "2 earlier draw(s) named but not given:" "the missing earlier documents are named"
assert_stdout_contains "(give --earlier FILE for each)" "the CLI says how to give them"

# A later draw given as earlier does not count: it was drawn after this commit.
yh verify "${EARLIER[@]}" --earlier "$V/nocap/draw.json" "$V/repeat/draw.json"
assert_exit 0 "a later draw given with the earlier ones is set aside"

# The list of earlier draws with one left out, re-signed: the documents given show it.
resign "$V/repeat/draw.json" r1.json vk.key "earlier=$(sqlite3 :memory: "select json_remove(readfile('$V/repeat/draw.json'), '\$.earlier[0]')" | "$PY" -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["earlier"]))')"
yh verify "${EARLIER[@]}" r1.json
assert_exit 1 "an earlier draw left out of the list: exit 1"

# The default load cap raised by one in a published document and re-signed: the announcement
# is bound into the seed, so the seed no longer follows.
CAP=$(json_get "$V/nocap/draw.json" '$.load_cap')
resign "$V/nocap/draw.json" cap.json vk.key "load_cap=$((CAP + 1))"
yh verify --pubkey "$V/test-key.pub" cap.json
assert_exit 1 "a raised load cap, re-signed after the draw: exit 1"
assert_check ok signature "" "the re-signed document's signature holds"
assert_check FAILED seed "" "the seed binds the announcement, load cap included"
# A department that announced a raised cap from the start (the stored announcement edited
# before the draw): the document is consistent, and only the officer register shows it.
yh init --department 330100-SCJG --db cap.db
for r in entities inspectors conflicts; do yh import --db cap.db $r "$FIXTURES/$r.csv"; done
yh plan add --db cap.db "$V/nocap/task.json"
yh commit --db cap.db T-2026-12-NOCAP --entropy-source "drand quicknet round 2"
assert_exit 0 "the nocap task commits"
CAP=$(sql cap.db "select $(jx announcement '$.load_cap') from task_commit")
if on_pg; then
	sql cap.db "update task_commit set announcement = jsonb_set(announcement::jsonb, '{load_cap}', '$((CAP + 1))')::text"
else
	sql cap.db "update task_commit set announcement = json_set(announcement, '\$.load_cap', $((CAP + 1)))"
fi
yh draw --db cap.db T-2026-12-NOCAP --entropy "value"
yh publish --db cap.db T-2026-12-NOCAP -o cap2.json
yh export --db cap.db inspectors --as-of "$(json_get cap2.json '$.freeze_seq')" -o cap-insp.csv
yh verify cap2.json
assert_exit 0 "without the officer register the raised cap is not seen"
yh verify --inspectors cap-insp.csv cap2.json
assert_exit 1 "a load cap above the default, with the officer register: exit 1"
assert_check FAILED "load cap" "is $CAP; the document states $((CAP + 1))" "the default load cap is recomputed from the officers"
yh audit --db cap.db
assert_exit 1 "the audit catches the announcement edited around the ledger"

# An ineligible entity row's status changed in the published register: its root changes.
awk -F, 'NR > 1 && $7 != "active" { print NR; exit }' "$V/food/entities.csv" > line.txt
L=$(cat line.txt)
awk -F, -v l="$L" 'BEGIN { OFS = "," } NR == l { $7 = "active" } { print }' "$V/food/entities.csv" > ent.csv
assert_ne "$(cat "$V/food/entities.csv")" "$(cat ent.csv)" "a deregistered entity made active in the published file"
yh verify --entities ent.csv "$V/food/draw.json"
assert_exit 1 "an ineligible row changed in the published file: exit 1"
assert_check FAILED "entity register" "the document commits to" "the root over every row shows the change"

# ---- the feed: an announcement removed and the feed re-signed ----------------------------
resign "$V/feed.json" f2.json vk.key "announcements=$("$PY" -c 'import json,sys; a=json.load(open(sys.argv[1]))["announcements"]; del a[2]; print(json.dumps(a, ensure_ascii=False))' "$V/feed.json")"
yh verify --feed f2.json "$V/repeat/draw.json"
assert_exit 1 "a feed with an announcement removed: exit 1"
assert_check FAILED chain "an announcement is missing or out of place" "the gap is named"
yh verify --feed "$V/feed.json" "$V/repeat/draw.json"
assert_exit 0 "the feed as published verifies"
cp "$V/feed.json" f3.json
sed -i 's/"department": "330100-SCJG"/"department": "330100-SCJX"/' f3.json
yh verify --feed f3.json "$V/repeat/draw.json"
assert_exit 1 "a feed edited without re-signing: exit 1"
assert_check FAILED chain "signature" "the feed's signature fails"

# ---- a fork: the store copied after announcement 1, a different second announcement in each --
if on_pg; then store_copy d1/yaohao.db fork.db; else cp d1/yaohao.db fork.db; fi
cp d1/yaohao.db.key fork.db.key
for s in a b; do
	sed -e "s/T-2026-12-FOOD/T-2026-12-FORK-$s/" "$FIXTURES/task-food.json" > task-$s.json
done
yh plan add --db d1/yaohao.db task-a.json
yh commit --db d1/yaohao.db T-2026-12-FORK-a --entropy-source "drand quicknet round 1"
yh draw --db d1/yaohao.db T-2026-12-FORK-a --entropy "value a"
yh publish --db d1/yaohao.db T-2026-12-FORK-a -o a.json
assert_exit 0 "the original store publishes its second draw"
yh plan add --db fork.db task-b.json
yh commit --db fork.db T-2026-12-FORK-b --entropy-source "drand quicknet round 1"
yh draw --db fork.db T-2026-12-FORK-b --entropy "value b"
yh publish --db fork.db T-2026-12-FORK-b -o b.json
assert_exit 0 "the copied store publishes a different second draw with the same key"
assert_eq "2|2" "$(json_get a.json '$.chain.seq')|$(json_get b.json '$.chain.seq')" "both claim to be announcement 2"
yh verify a.json
assert_exit 0 "each document alone verifies"
yh verify --earlier b.json a.json
assert_exit 1 "two documents from a forked chain: exit 1"
assert_check FAILED chain "come from a forked chain" "the fork is named"
yh feed --db d1/yaohao.db -o fa.json
yh verify --feed fa.json a.json
assert_exit 0 "the original's document is in its feed"
yh verify --feed fa.json b.json
assert_exit 1 "the fork's document is not in the original's feed"
assert_check FAILED chain "is not number 2 of the feed's chain" "the feed catches the fork"

# ---- a retried draw: the store copied after the commit, drawn twice --------------------
sed -e "s/T-2026-12-FOOD/T-2026-12-RETRY/" "$FIXTURES/task-food.json" > task-r.json
yh plan add --db d1/yaohao.db task-r.json
yh commit --db d1/yaohao.db T-2026-12-RETRY --entropy-source "drand quicknet round 3"
if on_pg; then store_copy d1/yaohao.db retry.db; else cp d1/yaohao.db retry.db; fi
cp d1/yaohao.db.key retry.db.key
yh draw --db d1/yaohao.db T-2026-12-RETRY --entropy "the value"
yh publish --db d1/yaohao.db T-2026-12-RETRY -o r-a.json
yh draw --db retry.db T-2026-12-RETRY --entropy "the value, retried"
yh publish --db retry.db T-2026-12-RETRY -o r-b.json
assert_exit 0 "the copy draws the same announcement again"
yh verify r-b.json
assert_exit 0 "the retried draw's document alone verifies"
yh verify --earlier r-a.json r-b.json
assert_exit 1 "two draws of one announcement: exit 1"
assert_check FAILED chain "are two draws of one announcement: the draw was retried" "the retry is named"
yh feed --db d1/yaohao.db -o fr.json
yh verify --feed fr.json --earlier r-a.json r-b.json
assert_exit 1 "a retried draw is caught with the feed given too"
assert_check FAILED chain "the draw was retried" "the retry is named with the feed given"
yh verify --feed f1.json r-a.json
assert_exit 1 "a feed older than the document: exit 1"
assert_check FAILED chain "it is older than the document" "an old feed is named as old, not as a fork"

# ---- the audit sees the chain too --------------------------------------------------------
yh audit --db d1/yaohao.db
assert_exit 0 "the original store audits"
finish

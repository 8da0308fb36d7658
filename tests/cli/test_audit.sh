# test_audit.sh — yaohao audit (docs/spec.md §11): the whole ledger walked
# (no gap, the hash chain, every hash, canonical payloads, every signature by
# the store's key), every import against the register rows it wrote, every
# commit against the stored announcement, every draw replayed.  Each kind of
# tampering done with the sqlite3 shell fails, naming the first entry that
# fails and why; the append-only triggers refuse UPDATE and DELETE.  On PostgreSQL (tests/pg)
# the same tampering is done with psql (lib.sh's sql, sql_unlocked, store_copy) and caught alike.
source "$TESTLIB"

TASK_ID=T-2026-12-FOOD
TAG_SIG='yaohao:ledger-signature:v1'

yh demo --draw-only --dir d1
assert_exit 0 "demo exits 0"
store_copy d1/yaohao.db a.db # (mode 0600: a store others may read is refused)
# on PostgreSQL the audit checks the pages with amcheck where the database has it (a.db and its
# copies; b.db has it not)
on_pg && sql a.db "create extension amcheck"
cp -p d1/yaohao.db.key a.db.key
cp d1/public-key.txt pub.txt
KID=$(json_get d1/draw.json '$.signer.key_id')
N=$(db_count a.db ledger)
assert_eq "init key import import import import task commit draw" \
	"$(sql a.db "select $(sql_agg kind ' ') from (select kind from ledger order by seq) as k")" "the demo ledger"
SEL=$(json_get d1/draw.json '$.selected[0].id')
OUT=$(awk -F, 'NR > 1 && substr($4, 1, 4) != "3301" && $0 !~ /"/ { print $1; exit }' d1/entities.frozen.csv)
assert_eq 18 "${#OUT}" "an entity outside the task's population: $OUT"

# A second store, with a key of its own.
yh init --department 330100-SCJG --db b.db
assert_exit 0 "init b.db"
yh key show --db b.db -o b.pub
BKID=$(sql b.db "select $(jx payload '$.key_id') from ledger where kind = 'key'")
assert_ne "$KID" "$BKID" "b.db has another key"

# tampered NAME: a fresh copy of a.db as NAME.db (with its key file).
tampered() {
	store_copy a.db "$1.db"
	cp -p a.db.key "$1.db.key"
}
# FKC: how the report names the foreign-key check (SQLite's PRAGMA; a query per key on PostgreSQL)
if on_pg; then FKC="the foreign-key check"; else FKC="SQLite's foreign_key_check"; fi
# audit_fails DB SEQ KIND REASON DESC [FAILED]: audit exits 1 and names entry SEQ (KIND)
# with REASON, in the text report and in --json; FAILED checks fail in all (default 1:
# the ledger; 2 when the foreign-key check also finds the rows the change left behind).
audit_fails() {
	local db=$1 seq=$2 kind=$3 reason=$4 desc=$5 nfailed=${6:-1}
	yh audit --db "$db"
	assert_exit 1 "$desc: audit exits 1"
	assert_check FAILED ledger "entry $seq ($kind): $reason" "$desc: the ledger check names entry $seq ($kind) and why"
	assert_eq "$nfailed" "$(printf '%s\n' "$STDOUT" | grep -c '^FAILED ')" "$desc: $nfailed failed check(s)"
	assert_stdout_contains "NOT VERIFIED: a check failed" "$desc: NOT VERIFIED"
	assert_stdout_not_contains "ok      draws" "$desc: no draws line claims success"
	yh audit --db "$db" --json
	assert_exit 1 "$desc: audit --json exits 1"
	cp "$T/.stdout" audit.json
	assert_eq "1|0|$seq|$kind" "$(json_valid audit.json)|$(json_get audit.json '$.ok')|$(json_get audit.json '$.first_failure.seq')|$(json_get audit.json '$.first_failure.kind')" \
		"$desc: --json is well-formed with ok false and first_failure $seq ($kind)"
	case $(json_get audit.json '$.first_failure.reason') in
	*"$reason"*) _pass "$desc: --json gives the reason" ;;
	*) _fail "$desc: --json gives the reason" "reason: $(json_get audit.json '$.first_failure.reason')" ;;
	esac
}
# entry_hash DB SEQ: the entry's hash recomputed from the spec (§11) with sha256sum.
entry_hash() {
	local kind
	kind=$(sql "$1" "select kind from ledger where seq = $2")
	{
		printf 'yaohao:ledger-entry:v1\0'
		printf '%016x' "$2" | xxd -r -p
		sql "$1" "select $(sql_hex prev_hash) from ledger where seq = $2" | xxd -r -p
		printf '%08x' "${#kind}" | xxd -r -p
		printf '%s' "$kind"
		printf '%08x' "$(sql "$1" "select $(sql_octets payload) from ledger where seq = $2")" | xxd -r -p
		sql "$1" "select $(sql_text_hex payload) from ledger where seq = $2" | xxd -r -p
	} | sha256sum | cut -c 1-64
}

# ---- the honest store ---------------------------------------------------------------

yh audit --db a.db
assert_exit 0 "audit of the demo store exits 0"
assert_stderr_empty "audit prints nothing on stderr (not a terminal: no progress)"
assert_check skipped "signing key" "no public key given: the ledger is checked against the key the store holds (give --pubkey FILE)" "without --pubkey the key is the store's own, and the hint names --pubkey"
assert_check ok ledger "$N entries: no gap, hash chain intact, every hash matches its content, every entry signed by key $KID" "the ledger check names the entries and the key"
assert_check ok registers "4 import(s): every register as of its import gives the root and row count the entry records" "every import's root is recomputed"
assert_check ok tasks "1 task(s): each stored task is the one its entry recorded; 1 commit(s), each of the task its entry recorded" "the stored task and the commit are checked against the task entry"
assert_check ok draws "1 draw(s) replayed from the registers as of their freeze: every transcript identical, and the entities and pairs recorded for later windows are its selection and teams" "the draw is replayed"
assert_check ok "store records" "every stored task, commitment, transcript and drawn row belongs to the entry of its kind that wrote it; the department and key in meta are the init and key entries'" "the stored records and meta are checked"
assert_stdout_contains "entries removed from the end leave no trace here" "the guarantee says what audit cannot see"
assert_eq "verified: every check passed" "$(printf '%s\n' "$STDOUT" | tail -n 1)" "the report ends verified"
yh audit --db a.db --pubkey pub.txt
assert_exit 0 "audit --pubkey with the store's public key exits 0"
assert_check ok "signing key" "the store's key $KID is the key given" "--pubkey: the key is the one given"
YAOHAO_DB=a.db yh audit
assert_exit 0 "audit uses \$YAOHAO_DB"
yh audit --db a.db --json
assert_exit 0 "audit --json exits 0"
cp "$T/.stdout" audit.json
assert_eq "1|1|$N|1|" "$(json_valid audit.json)|$(json_get audit.json '$.ok')|$(json_get audit.json '$.entries')|$(json_get audit.json '$.draws_replayed')|$(json_get audit.json '$.first_failure')" \
	"audit --json: well-formed, ok, $N entries, 1 draw replayed, no first_failure"
assert_eq "$(sql a.db "select $(sql_hex hash) from ledger where seq = 9")" "$(entry_hash a.db 9)" \
	"the draw entry's hash is recomputed from the spec with sha256sum"
assert_eq "$(json_get d1/draw.json '$.ledger.draw_entry_hash')" "$(sql a.db "select $(sql_hex hash) from ledger where seq = $(json_get d1/draw.json '$.ledger.draw_seq')")" \
	"the published document's draw_entry_hash is the draw entry's hash"

# ---- the triggers ---------------------------------------------------------------------

before=$(sql_dump a.db)
run sql a.db "update ledger set payload = '{}' where seq = 3"
assert_exit_nonzero "UPDATE on ledger is refused"
assert_stderr_contains "the ledger is append-only" "the trigger says the ledger is append-only (UPDATE)"
run sql a.db "update ledger set signature = null"
assert_exit_nonzero "UPDATE of the signatures is refused"
run sql a.db "delete from ledger where seq = $N"
assert_exit_nonzero "DELETE on ledger is refused"
assert_stderr_contains "the ledger is append-only" "the trigger says the ledger is append-only (DELETE)"
if on_pg; then run sql a.db "truncate ledger cascade"; else run sqlite3 a.db "PRAGMA foreign_keys=OFF; delete from ledger"; fi
assert_exit_nonzero "DELETE of the whole ledger is refused"
run sql a.db "update task_draw set transcript = '{}'"
assert_exit_nonzero "UPDATE on task_draw is refused"
assert_stderr_contains "draws are append-only"
run sql a.db "delete from task_draw"
assert_exit_nonzero "DELETE on task_draw is refused"
assert_eq "$before" "$(sql_dump a.db)" "the refused statements changed nothing"
yh audit --db a.db
assert_exit 0 "audit still passes"

# ---- the ledger itself -------------------------------------------------------------------

tampered payload
sql_unlocked payload.db ledger "update ledger set payload = replace(payload, '\"rows\":300', '\"rows\":301') where seq = 3"
assert_ne "$(sql a.db "select payload from ledger where seq = 3")" "$(sql payload.db "select payload from ledger where seq = 3")" "payload.db: entry 3's payload changed"
audit_fails payload.db 3 import "its hash does not match its content: it was changed after it was written" "a payload changed"

# A payload changed and its hash recomputed (so the chain from it is consistent
# up to the signature): the signature no longer verifies.
tampered rehash
sql_unlocked rehash.db ledger "update ledger set payload = replace(payload, '\"selected\":', '\"selected\":1') where seq = $N"
sql_unlocked rehash.db ledger "update ledger set hash = $(sql_blob "$(entry_hash rehash.db "$N")") where seq = $N"
assert_ne "$(sql a.db "select $(sql_hex hash) from ledger where seq = $N")" "$(sql rehash.db "select $(sql_hex hash) from ledger where seq = $N")" "rehash.db: the last entry has a new, matching hash"
audit_fails rehash.db "$N" draw "its signature does not verify with the store's key $KID (it was changed, or re-signed with another key)" "a payload changed with its hash recomputed"

tampered noncanon
sql_unlocked noncanon.db ledger "update ledger set payload = ' ' || payload where seq = 4"
sql_unlocked noncanon.db ledger "update ledger set hash = $(sql_blob "$(entry_hash noncanon.db 4)") where seq = 4"
audit_fails noncanon.db 4 import "its payload is not canonical JSON" "a non-canonical payload with a matching hash"

tampered prev
sql_unlocked prev.db ledger "update ledger set prev_hash = $(sql_blob "$(printf '0%.0s' $(seq 64))") where seq = 4"
audit_fails prev.db 4 import "its prev_hash is not the hash of entry 3" "a broken prev_hash"

tampered gap
sql_unlocked gap.db ledger "delete from ledger where seq = 5"
assert_eq $((N - 1)) "$(db_count gap.db ledger)" "gap.db: entry 5 deleted"
yh audit --db gap.db
assert_exit 1 "an entry deleted from the middle: exit 1"
assert_check FAILED ledger "entry 5 is missing: the ledger goes from 4 to 6 (an entry was deleted)" "a deleted entry: the gap is named"
yh audit --db gap.db --json
cp "$T/.stdout" audit.json
assert_eq "0|5" "$(json_get audit.json '$.ok')|$(json_get audit.json '$.first_failure.seq')" "a deleted entry: --json first_failure seq 5"
# The deleted entry's kind is not known: it is not labelled with the kind of
# the entry after the gap (entry 7 was a task entry, entry 8 is a commit).
tampered gap7
sql_unlocked gap7.db ledger "delete from ledger where seq = 7"
yh audit --db gap7.db
assert_exit 1 "entry 7 (task) deleted: exit 1"
assert_check FAILED ledger "entry 7 is missing: the ledger goes from 6 to 8" "entry 7 deleted: the gap is named"
assert_stdout_not_contains "entry 7 (commit)" "the missing entry 7 is not labelled as a commit (that is entry 8's kind)"

# The last entry (the draw) cut off the end, its transcript left behind: the
# transcript names an entry the ledger does not have (and the foreign-key
# check finds its dangling seq).
tampered tail
sql_unlocked tail.db ledger "delete from ledger where seq = $N"
audit_fails tail.db "$N" missing "the transcript of task '$TASK_ID' names entry $N, which the ledger does not have (it ends at entry $((N - 1))): the entry was cut off the end, or the record was written around the ledger" \
	"the draw entry cut off the end, its transcript left" 2
yh audit --db tail.db
assert_check FAILED "store integrity" "$FKC: task_draw.seq refers to no ledger row in 1 row(s)" \
	"the draw entry cut off the end: foreign_key_check names the dangling transcript"
# Cut off with everything it wrote: no trace for audit (spec §11) — only the
# published draw_entry_hash tells.
tampered tailall
sql_unlocked tailall.db "ledger task_draw" "delete from ledger where seq = $N; delete from task_draw;
	delete from drawn_entity; delete from drawn_pair"
yh audit --db tailall.db
assert_exit 0 "an entry cut off the end with all it wrote leaves no trace for audit (spec §11)"
assert_ne "$(json_get d1/draw.json '$.ledger.draw_entry_hash')" "$(sql tailall.db "select $(sql_hex hash) from ledger order by seq desc limit 1")" \
	"…but the last hash differs from the published draw_entry_hash"
# A transcript that names another entry than its draw's.
tampered trseq
sql_unlocked trseq.db task_draw "update task_draw set seq = 7"
audit_fails trseq.db 7 task "the transcript of task '$TASK_ID' names this entry, which is not the draw entry of that task: it was written around the ledger" \
	"a transcript moved to another entry"
# Drawn entities recorded for a task that was never drawn (they would exclude
# those entities from later draws).
tampered drawn
sql drawn.db "insert into task (id, doc, draw_date, added_seq) select 'T-GHOST', doc, draw_date, added_seq from task;
	insert into drawn_entity (task_id, entity_id, draw_date) values ('T-GHOST', '$OUT', '2026-12-01')"
audit_fails drawn.db 7 task "the stored task 'T-GHOST' names this entry, which is not the task entry of that task" \
	"a task and a drawn entity added around the ledger"
tampered drawn2
sql_unlocked drawn2.db drawn_entity "insert into drawn_entity (task_id, entity_id, draw_date) select 'T-GHOST', '$OUT', '2026-12-01' from task"
audit_fails drawn2.db $((N + 1)) missing "the drawn entities and pairs of task 'T-GHOST' belong to no draw entry in the ledger (it ends at entry $N)" \
	"a drawn entity of no task added around the ledger" 2
yh audit --db drawn2.db
assert_check FAILED "store integrity" "$FKC: drawn_entity.task_id refers to no task row in 1 row(s)" \
	"a drawn entity of no task: foreign_key_check names it"

# ---- signatures and keys ------------------------------------------------------------------

# Another store's signature of its own entry 1 (a valid signature by another
# key over another hash) put on entry 1.
tampered sig1
sql_unlocked sig1.db ledger "update ledger set signature = $(sql_blob "$(sql b.db "select $(sql_hex signature) from ledger where seq = 1")"),
	key_id = '$(sql b.db "select key_id from ledger where seq = 1")' where seq = 1"
assert_eq "$(sql b.db "select $(sql_hex signature) from ledger where seq = 1")" "$(sql sig1.db "select $(sql_hex signature) from ledger where seq = 1")" \
	"sig1.db: entry 1 carries b.db's signature"
audit_fails sig1.db 1 init "its signature does not verify with the store's key $KID" "another store's signature"

# Only the key id changed.
tampered keyid
sql_unlocked keyid.db ledger "update ledger set key_id = '$BKID' where seq = 4"
audit_fails keyid.db 4 import "it names signing key '$BKID', not the store's key $KID" "another key id"

# The store's public key replaced by b's (nothing re-signed): entry 1 fails.
tampered metakey
sql metakey.db "update meta set value = '$(sql b.db "select value from meta where key = 'public_key'")' where key = 'public_key'"
audit_fails metakey.db 1 init "its signature does not verify with the store's key $BKID" "the store's key replaced"
yh audit --db metakey.db --pubkey pub.txt
assert_check FAILED "signing key" "the store's key $BKID is not the key given" "the store's key replaced: --pubkey tells"

# Entries really re-signed with b's key (Ed25519 over TAG ‖ hash, as the
# engine signs), with openssl.
if command -v openssl >/dev/null && command -v xxd >/dev/null &&
	printf '302e020100300506032b657004220420%s' "$(sed -n 2p b.db.key)" | xxd -r -p > b.der &&
	printf 'x' > probe.bin && openssl pkeyutl -sign -inkey b.der -keyform DER -rawin -in probe.bin -out /dev/null 2>/dev/null; then
	BPUB=$(sed -n 2p b.pub)
	printf '302a300506032b6570032100%s' "$BPUB" | xxd -r -p > b.pub.der
	sign_entry() { # DB SEQ: b's signature of the entry, in hex
		{ printf '%s\0' "$TAG_SIG"; sql "$1" "select $(sql_hex hash) from ledger where seq = $2" | xxd -r -p; } > msg.bin
		openssl pkeyutl -sign -inkey b.der -keyform DER -rawin -in msg.bin -out sig.bin && xxd -p -c 64 sig.bin
	}
	tampered resign
	S=$(sign_entry resign.db 3)
	openssl pkeyutl -verify -pubin -inkey b.pub.der -keyform DER -rawin -in msg.bin -sigfile sig.bin >/dev/null 2>&1 &&
		_pass "the forged signature is valid under b's key" || _fail "the forged signature is valid under b's key"
	sql_unlocked resign.db ledger "update ledger set signature = $(sql_blob "$S"), key_id = '$BKID' where seq = 3"
	audit_fails resign.db 3 import "its signature does not verify with the store's key $KID (it was changed, or re-signed with another key)" \
		"an entry re-signed with another key"

	# The whole ledger re-signed with b's key and the store told b's key is its
	# own: every signature holds, the key entry still names the department's key.
	tampered resignall
	sql resignall.db "update meta set value = '$BPUB' where key = 'public_key'"
	for ((s = 1; s <= N; s++)); do
		sql_unlocked resignall.db ledger "update ledger set signature = $(sql_blob "$(sign_entry resignall.db "$s")"), key_id = '$BKID' where seq = $s"
	done
	audit_fails resignall.db 2 key "the key entry names another key than the store's" "the whole ledger re-signed with another key"
	yh audit --db resignall.db --pubkey pub.txt
	assert_exit 1 "re-signed ledger with the department's --pubkey: exit 1"
	assert_check FAILED "signing key" "the store's key $BKID is not the key given" "re-signed ledger: --pubkey names the store's key"

	# The whole ledger rewritten by the holder of b's key: the key entry made to
	# name b's key, every hash from it on recomputed and every entry re-signed.
	# Only the department's public key (or the published draw_entry_hash) tells.
	tampered rewrite
	APUB=$(sed -n 2p pub.txt)
	sql_unlocked rewrite.db ledger "update meta set value = '$BPUB' where key = 'public_key';
		update ledger set payload = replace(replace(payload, '$APUB', '$BPUB'), '$KID', '$BKID') where seq = 2"
	for ((s = 2; s <= N; s++)); do
		sql_unlocked rewrite.db ledger "update ledger set prev_hash = (select hash from ledger where seq = $((s - 1))) where seq = $s"
		sql_unlocked rewrite.db ledger "update ledger set hash = $(sql_blob "$(entry_hash rewrite.db "$s")") where seq = $s"
	done
	for ((s = 1; s <= N; s++)); do
		sql_unlocked rewrite.db ledger "update ledger set signature = $(sql_blob "$(sign_entry rewrite.db "$s")"), key_id = '$BKID' where seq = $s"
	done
	yh audit --db rewrite.db
	assert_exit 0 "a ledger rewritten and re-signed with another key passes without --pubkey (the store's own key is b's)"
	assert_check ok ledger "every entry signed by key $BKID" "the rewritten ledger names b's key"
	yh audit --db rewrite.db --pubkey pub.txt
	assert_exit 1 "the rewritten ledger fails with the department's --pubkey"
	assert_check FAILED "signing key" "the store's key $BKID is not the key given" "the rewritten ledger: --pubkey tells"
	assert_ne "$(json_get d1/draw.json '$.ledger.draw_entry_hash')" "$(sql rewrite.db "select $(sql_hex hash) from ledger where seq = $N")" \
		"the rewritten ledger's draw entry hash differs from the published one"
else
	echo "note: openssl cannot sign with Ed25519 here: the re-signing checks are skipped"
fi

# --pubkey of another store.
yh audit --db a.db --pubkey b.pub
assert_exit 1 "audit --pubkey of another store exits 1"
assert_check FAILED "signing key" "the store's key $KID is not the key given" "another store's --pubkey: the signing key check fails"
assert_check ok ledger "" "another store's --pubkey: the ledger itself holds"
yh audit --db a.db --pubkey b.pub --json
cp "$T/.stdout" audit.json
assert_eq "1|0" "$(json_valid audit.json)|$(json_get audit.json '$.ok')" "another store's --pubkey: --json ok false"
yh audit --db a.db --pubkey missing.txt
assert_exit 3 "audit --pubkey with a missing file exits 3"
assert_stderr_contains "missing.txt" "the message names the key file"

# ---- the registers -------------------------------------------------------------------------

# A drawn entity's name: the root the entities import recorded no longer holds
# (found at the import, before the draw is replayed).
tampered ename
sql ename.db "update entity set name = name || '（改）' where id = '$SEL'"
assert_eq 1 "$(sql ename.db "select count(*) from entity where name like '%（改）'")" "ename.db: one entity renamed"
audit_fails ename.db 3 import "the entities register as of this entry gives root" "a drawn entity's name changed"
# An officer's name: the inspectors import's root.
LEADER=$(json_get d1/draw.json '$.selected[0].team[0].id')
tampered oname
sql oname.db "update inspector set name = name || '（改）' where id = '$LEADER'"
audit_fails oname.db 4 import "the inspectors register as of this entry gives root" "a team leader's name changed"

# A row inserted by hand, carrying the entities import's seq.
tampered insert
sql insert.db "insert into entity (id, name, type, region, industry, risk, status, abnormal, valid_from, valid_to) select '91330100MA27YYYY0$(uscc_check_char 91330100MA27YYYY0)', name, type, region, industry, risk, status, abnormal, valid_from, null from entity where id = '$OUT'"
audit_fails insert.db 3 import "the entities register has 301 row versions from this import, the entry records 300 added + 0 changed: register rows were changed around the ledger" \
	"an entity row inserted by hand"
# A row closed by hand at the entities import.
tampered close3
sql close3.db "update entity set valid_to = 3 where id = '$OUT'"
audit_fails close3.db 3 import "the entities register has 1 row versions closed by this import, the entry records 0 changed + 0 closed" \
	"an entity row closed by hand"
# A row deleted by hand.
tampered cdel
sql cdel.db "delete from conflict where inspector_id = (select inspector_id from conflict order by inspector_id limit 1)"
audit_fails cdel.db 5 import "the conflicts register has 14 row versions from this import, the entry records 15 added + 0 changed" \
	"a conflict row deleted by hand"

# Register rows that carry the seq of an entry which is not an import of
# that register were written around the ledger too: an entity closed at the
# commit entry, at the items import, or added at the draw entry.
tampered close8
sql close8.db "update entity set valid_to = 8 where id = '$OUT'"
yh stats --db close8.db
assert_stdout_contains "entities: 299" "close8.db: the register now has 299 entities"
yh audit --db close8.db
assert_exit 1 "an entity closed by hand at the commit entry (seq 8): audit exits 1"
assert_check FAILED ledger "entry 8 (" "an entity closed at seq 8: the ledger check names entry 8"
tampered close6
sql close6.db "update entity set valid_to = 6 where id = '$OUT'"
yh audit --db close6.db
assert_exit 1 "an entity closed by hand at the items import (seq 6): audit exits 1"
assert_check FAILED ledger "entry 6 (" "an entity closed at seq 6: the ledger check names entry 6"
tampered insert9
sql insert9.db "insert into entity (id, name, type, region, industry, risk, status, abnormal, valid_from, valid_to) select '91330100MA27YYYY0$(uscc_check_char 91330100MA27YYYY0)', name, type, region, industry, risk, status, abnormal, 9, null from entity where id = '$OUT'"
yh audit --db insert9.db
assert_exit 1 "an entity added by hand at the draw entry (seq 9): audit exits 1"
assert_check FAILED ledger "entry 9 (" "an entity added at seq 9: the ledger check names entry 9"

# ---- every register row tied to its import (issue 13) ------------------------------------

# leaf_hashes DB TABLE COLUMNS KEY SEQ: the docs/spec.md §2 leaf hash of every row
# of TABLE valid as of SEQ, in key order, from the stored bytes (sqlite3 or psql, xxd, sha256sum;
# a number's bytes are its decimal text, as SQLite holds it).
leaf_hashes() {
	local expr= c v
	for c in ${3//,/ }; do
		if on_pg; then
			v="cast($c as text)"
			expr="$expr${expr:+ || }lpad(to_hex(octet_length($v)), 8, '0') || $(sql_text_hex "$v")"
		else
			v="cast($c as blob)"
			expr="$expr${expr:+ || }printf('%08x', length($v)) || hex($v)"
		fi
	done
	sql "$1" "select $expr from $2 where valid_from <= $5 and (valid_to is null or valid_to > $5) order by $4" |
		while read -r row; do { printf '\0'; printf '%s' "$row" | xxd -r -p; } | sha256sum | cut -c 1-64; done
}
# mth HASH...: the RFC 6962 root of these leaf hashes (docs/spec.md §2).
mth() {
	local n=$# k=1 l r
	if [ "$n" -eq 0 ]; then printf '' | sha256sum | cut -c 1-64; return; fi
	if [ "$n" -eq 1 ]; then printf '%s\n' "$1"; return; fi
	while [ $((k * 2)) -lt "$n" ]; do k=$((k * 2)); done
	l=$(mth "${@:1:k}")
	r=$(mth "${@:k+1}")
	{ printf '\1'; printf '%s%s' "$l" "$r" | xxd -r -p; } | sha256sum | cut -c 1-64
}
import_member() { sql a.db "select $(jx payload "\$.$2") from ledger where seq = $1"; }
for spec in "3 entity id,name,type,region,industry,risk,status,abnormal id" \
	"4 inspector id,name,department,cert_valid_until,specialties,status id" \
	"5 conflict inspector_id,entity_id,reason inspector_id,entity_id" \
	"6 item code,name,legal_basis,department,specialty code"; do
	set -- $spec
	# shellcheck disable=SC2046
	assert_eq "$(mth $(leaf_hashes a.db "$2" "$3" "$4" "$1"))" "$(import_member "$1" root)" \
		"import entry $1 ($2): its root is the spec's root of every $2 row as of the entry, recomputed with sha256sum"
	assert_eq "$(sql a.db "select count(*) from $2 where valid_from <= $1 and (valid_to is null or valid_to > $1)")" \
		"$(import_member "$1" count)" "import entry $1 ($2): its count is the rows as of the entry"
done
set --
assert_eq "$(json_get d1/draw.json '$.entities.root') $(json_get d1/draw.json '$.inspectors.root') $(json_get d1/draw.json '$.conflicts.root')" \
	"$(import_member 3 root) $(import_member 4 root) $(import_member 5 root)" \
	"the imports' roots are the roots the draw committed to (nothing changed between them and the freeze)"

# Rows edited in place with the sqlite3 shell, no ledger change: the import that
# wrote them is named.
tampered estatus
sql estatus.db "update entity set status = 'deregistered' where id = '$SEL'"
audit_fails estatus.db 3 import "the entities register as of this entry gives root" "the rank-1 entity's status edited in place"
assert_stdout_contains "the entry records $(import_member 3 root | cut -c 1-16)… (300 rows): a register row was changed around the ledger (the row that differs is one of the 300 this import added or changed)" \
	"the rank-1 entity's status edited: the message gives both roots' prefixes and where the row is"
tampered eout
sql eout.db "update entity set status = case status when 'active' then 'suspended' else 'active' end where id = '$OUT'"
audit_fails eout.db 3 import "the entities register as of this entry gives root" "the status of an entity outside any drawn set edited in place"
tampered istatus
sql istatus.db "update inspector set status = case status when 'active' then 'on_leave' else 'active' end where id = '$LEADER'"
audit_fails istatus.db 4 import "the inspectors register as of this entry gives root" "an officer's status edited in place"
tampered creason
sql creason.db "update conflict set reason = reason || '（改）' where inspector_id = (select min(inspector_id) from conflict)"
audit_fails creason.db 5 import "the conflicts register as of this entry gives root" "a conflict's reason edited in place"
tampered iname
sql iname.db "update item set name = name || '（改）' where code = (select min(code) from item)"
audit_fails iname.db 6 import "the items register as of this entry gives root" "a check item's name edited in place"
# Bytes hidden after a NUL read as the same C string, but they are stored bytes: caught.
if sqlite_only "a NUL byte inside a name (PostgreSQL's text cannot hold one)"; then
	tampered enul
	sql enul.db "update entity set name = name || char(0) || 'x' where id = '$OUT'"
	audit_fails enul.db 3 import "the entities register as of this entry gives root" "bytes after a NUL appended to a name"
fi

# The issue's case: the rank-1 candidate marked deregistered before the commit,
# so the draw left it out; the ledger still holds, and before issue 13 so did audit.
yh init --department 330100-SCJG --db pre.db
for r in entities inspectors conflicts items; do yh import --db pre.db "$r" "$FIXTURES/$r.csv"; done
yh plan add --db pre.db "$FIXTURES/task-food.json"
VICTIM=$(sql pre.db "select id from entity where status = 'active' and substr(region, 1, 4) = '3301' and risk = 'D' order by id limit 1")
assert_eq 18 "${#VICTIM}" "pre.db: an active entity of stratum D in the population: $VICTIM"
sql pre.db "update entity set status = 'deregistered' where id = '$VICTIM'"
yh commit --db pre.db "$TASK_ID" --entropy-source "drand quicknet round 24000000"
assert_exit 0 "pre.db: the commit goes through"
yh draw --db pre.db "$TASK_ID" --entropy "a public value"
assert_exit 0 "pre.db: the draw goes through"
assert_eq 0 "$(sql pre.db "select count(*) from drawn_entity where entity_id = '$VICTIM'")" "pre.db: the edited entity was left out of the draw"
audit_fails pre.db 3 import "the entities register as of this entry gives root" "an entity deregistered by hand before the commit"

# ---- the stored task (issue 13) -------------------------------------------------------------

# The stored task's rate for stratum D raised before the commit: the commit uses
# the edited rules; the task entry names the task and the member.
yh init --department 330100-SCJG --db tk.db
for r in entities inspectors conflicts items; do yh import --db tk.db "$r" "$FIXTURES/$r.csv"; done
yh plan add --db tk.db "$FIXTURES/task-food.json"
TSEQ=$(sql tk.db "select max(seq) from ledger")
# set_rate DB RATE: the stored task's rate of stratum D, edited in place
set_rate() {
	if on_pg; then
		sql_unlocked "$1" task "update task set doc = jsonb_set(cast(doc as jsonb), '{strata,rates,D}', '\"$2\"')::text"
	else
		sql_unlocked "$1" task "update task set doc = json_set(doc, '\$.strata.rates.D', '$2')"
	fi
}
assert_eq "50%" "$(sql tk.db "select $(jx doc '$.strata.rates.D') from task")" "tk.db: the task draws stratum D at 50%"
set_rate tk.db 100%
yh commit --db tk.db "$TASK_ID" --entropy-source "drand quicknet round 24000000" -o tk-ann.json
assert_exit 0 "tk.db: the commit goes through"
assert_stdout_contains "stratum D                   6 entities,      6 to draw" "tk.db: the commit used the edited rate (all 6 of stratum D)"
assert_eq "100%" "$(json_get tk-ann.json '$.task.strata.rates.D')" "tk.db: the announcement carries the edited rate"
audit_fails tk.db "$TSEQ" task "the stored task '$TASK_ID' is not the one this entry recorded (strata.rates.D: \"100%\" in the store, \"50%\" here): the task table was changed around the ledger" \
	"the stored task's rate edited before the commit"
# The stored task put back as planned: the commit still used the edited rules, and says so.
set_rate tk.db 50%
audit_fails tk.db $((TSEQ + 1)) commit "the announcement of task '$TASK_ID' commits to task digest $(json_get tk-ann.json '$.task_digest' | cut -c 1-16)…, its task entry records" \
	"the stored task restored after a commit made with edited rules"
assert_stdout_contains "the commit used other rules than the task planned" "the commit with edited rules: the message says so"
# The stored task deleted.
tampered tdel
sql_unlocked tdel.db task "delete from task"
audit_fails tdel.db 7 task "task '$TASK_ID' is not in the store's task table: it was removed around the ledger" "the stored task deleted" 2
yh audit --db tdel.db
assert_check FAILED "store integrity" "$FKC: drawn_entity.task_id refers to no task row in 17 row(s); drawn_pair.task_id refers to no task row in" \
	"the stored task deleted: foreign_key_check names the rows left without it"

# ---- the store file and its meta table (issue 13) -----------------------------------------

# A bit flipped in a page of the entity table of a copy (the first flip in the
# page's header that SQLite's integrity_check reports): audit stops at "store
# integrity" and reads nothing else from the file.
# On PostgreSQL amcheck (installed in a.db above) finds it: the top bit of the length of the
# first line pointer of the entity table's first page, flipped in a copy's file on disk.
if on_pg; then
	pg_flip_bit a.db flip.db entity 27 7
	DAMAGE="amcheck: entity, block 0, offset 1: line pointer to page offset"
else
	PAGE=$(sqlite3 a.db "select pageno from dbstat where name = 'entity' and pagetype = 'leaf' order by pageno limit 1")
	PSIZE=$(sqlite3 a.db "pragma page_size")
	flipped=
	for ((off = 0; off < 12 && !flipped; off++)); do
		for ((bit = 0; bit < 8; bit++)); do
			tampered flip
			pos=$(((PAGE - 1) * PSIZE + off))
			byte=$(dd if=flip.db bs=1 skip="$pos" count=1 2>/dev/null | xxd -p)
			printf '%02x' $((0x$byte ^ (1 << bit))) | xxd -r -p | dd of=flip.db bs=1 seek="$pos" conv=notrunc 2>/dev/null
			if [ "$(sqlite3 flip.db "pragma integrity_check" 2>&1 | head -n 1)" != ok ]; then
				flipped="byte $pos bit $bit"
				break
			fi
		done
	done
	assert_ne "" "$flipped" "flip.db: a bit flipped in entity page $PAGE that integrity_check reports ($flipped)"
	DAMAGE="SQLite's integrity_check: "
fi
yh audit --db flip.db
assert_exit 1 "a bit flipped in an entity page: audit exits 1"
assert_check FAILED "store integrity" "$DAMAGE" "a bit flipped in an entity page: the store integrity check fails with the database's message"
assert_check skipped ledger "the store is damaged: nothing read from it can be trusted" "a bit flipped: the ledger walk is skipped"
assert_stdout_contains "NOT VERIFIED: a check failed" "a bit flipped: NOT VERIFIED"
yh audit --db flip.db --json
assert_exit 1 "a bit flipped: audit --json exits 1"
cp "$T/.stdout" audit.json
assert_eq "1|0|failed" "$(json_valid audit.json)|$(json_get audit.json '$.ok')|$(json_get audit.json '$.checks[0].status')" \
	"a bit flipped: --json is well-formed, ok false, the first check (store integrity) failed"
yh audit --db a.db
if on_pg; then
	assert_check ok "store integrity" "amcheck (verify_heapam, bt_index_check) and the foreign-key check find nothing wrong" "the honest store: store integrity passes"
	yh audit --db b.db
	assert_check ok "store integrity" "the foreign-key check finds nothing wrong; the pages and indexes are not checked: the amcheck extension is not installed in this database" \
		"a database without amcheck: the audit says its pages are not checked"
else
	assert_check ok "store integrity" "SQLite's integrity_check and foreign_key_check find nothing wrong" "the honest store: store integrity passes"
fi

# meta.department edited: the init entry records another department.
tampered meta
sql meta.db "update meta set value = '330100-STHJ' where key = 'department'"
audit_fails meta.db 1 init "the store's department (meta) is '330100-STHJ', the init entry records '330100-SCJG': the meta table was changed around the ledger" \
	"meta.department edited"

# ---- the stored draw ---------------------------------------------------------------------

tampered transcript
# the transcript is a blob (bytea on PostgreSQL): edited as its text
TR="transcript"
on_pg && TR="convert_from(transcript, 'UTF8')"
NEWTR="replace($TR, '\"id\":\"$SEL\",\"name\":\"', '\"id\":\"$SEL\",\"name\":\"改')"
on_pg && NEWTR="convert_to($NEWTR, 'UTF8')"
sql_unlocked transcript.db task_draw "update task_draw set transcript = $NEWTR"
assert_ne "$(sql a.db "select $TR from task_draw")" "$(sql transcript.db "select $TR from task_draw")" "transcript.db: the stored transcript changed"
audit_fails transcript.db 9 draw "the stored transcript of task '$TASK_ID' is not the one the ledger recorded (its SHA-256 differs)" \
	"a stored transcript changed"

# The entities and pairs a draw recorded for later exclusion windows.
tampered drawndel
sql drawndel.db "delete from drawn_entity where entity_id = '$SEL'"
audit_fails drawndel.db 9 draw "the drawn entity $SEL of task '$TASK_ID' is missing from the record of draws (later windows would not see it): it was removed around the ledger" \
	"a drawn entity deleted from the record of draws"
tampered drawndate
sql drawndate.db "update drawn_pair set draw_date = '2025-01-01' where entity_id = '$SEL' and inspector_id = '$LEADER'"
audit_fails drawndate.db 9 draw "the drawn pair ($SEL, $LEADER) of task '$TASK_ID' is recorded on 2025-01-01, the draw is dated 2026-12-01: the record of draws was changed around the ledger" \
	"a drawn pair's date changed (it would leave the later windows early)"
tampered drawnadd
sql drawnadd.db "insert into drawn_entity (task_id, entity_id, draw_date) values ('$TASK_ID', '$OUT', '2026-12-01')"
audit_fails drawnadd.db 9 draw "the drawn entity ($OUT) recorded for task '$TASK_ID' is not in its transcript" \
	"an entity added to the record of draws (later draws would exclude it)"

tampered announcement
sql announcement.db "update task_commit set announcement = replace(announcement, '\"entropy_source\":\"test vector', '\"entropy_source\":\"drand')"
audit_fails announcement.db 8 commit "the stored announcement of task '$TASK_ID' differs from the one in the ledger" \
	"a stored announcement changed"

# ---- a store without signatures, and usage ----------------------------------------------

yh init --department 330100-SCJG --db u.db
sql_unlocked u.db ledger "delete from ledger where kind = 'key'; update ledger set signature = null, key_id = null;
	delete from meta where key = 'public_key'"
audit_fails u.db 1 init "it is not signed: the store has no signing key" "an unsigned store"
assert_eq "needs_new_key" "$(json_get audit.json '$.first_failure.hint')" "an unsigned store: --json carries the hint, not the command"
yh audit --db u.db
assert_check FAILED ledger "entry 1 (init): it is not signed: the store has no signing key (run 'yaohao key new')" \
	"an unsigned store: the text report names the command that signs it"

yh audit --db "$T/none.db"
assert_exit 4 "audit of a missing store exits 4"
assert_no_store "$T/none.db" "audit creates no store"
yh audit --db a.db extra
assert_exit 2 "audit with an argument exits 2"
yh audit --help
assert_exit 0 "audit --help exits 0"

finish

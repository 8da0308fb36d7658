# test_secret.sh — the commit secret at rest (docs/spec.md §11): between the commit and the draw
# the store holds it only sealed under a subkey of the department's key, so that a copy of the
# store's files alone does not reveal it; the draw unseals it and reveals it in the transcript as
# before; a damaged or moved sealed secret is refused; a store from before sealing has its plain
# secret sealed the first time its key is used.
source "$TESTLIB"

TASK=T-2026-12-FOOD
VALUE="drand round 24000000 randomness 8a6f"

# bytes_hex FILE: the file's bytes as one line of hex, two digits a byte
bytes_hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
# holds HEX FILE...: how many of the files hold the bytes HEX (at a byte boundary)
holds() {
	local hex=$1 f n=0
	shift
	for f in "$@"; do
		[ -e "$f" ] || continue
		bytes_hex "$f" | grep -o "$hex" | grep -q . && n=$((n + 1))
	done
	echo "$n"
}
# A python3 with PyNaCl, for the independent unsealing; none: skipped.
PY=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import nacl.secret, nacl.hashlib' 2>/dev/null; then PY=$p; break; fi
done

yh init --department 330100-SCJG --db s.db
for r in entities inspectors conflicts items; do
	yh import --db s.db "$r" "$FIXTURES/$r.csv"
done
yh plan add --db s.db "$FIXTURES/task-food.json"
yh commit --db s.db "$TASK" --entropy-source "drand quicknet round 24000000"
assert_exit 0 "commit"

# The store's files as another local user would copy them, while they hold the commitment.
mkdir copy
if on_pg; then store_copy s.db copy/s.db; else cp s.db* copy/; fi
SEALED=$(sql copy/s.db "select $(sql_hex secret) from task_commit where task_id = '$TASK'")
assert_eq 144 "${#SEALED}" "the copied store holds 72 bytes for the secret: nonce, tag and box"

yh draw --db s.db "$TASK" --entropy "$VALUE" -o tr.json
assert_exit 0 "draw"
SECRET=$(json_get tr.json '$.secret')
assert_eq 64 "${#SECRET}" "the transcript reveals the 32-byte secret"
yh publish --db s.db "$TASK" -o doc.json
yh verify doc.json
assert_stdout_contains "the revealed secret opens the commitment" "the draw unsealed the committed secret"
if sqlite_only "the bytes of the copied store files"; then
	assert_eq 0 "$(holds "$SECRET" copy/s.db copy/s.db-wal copy/s.db-shm)" \
		"no byte of the copied store files (the database, -wal, -shm) holds the secret"
fi
assert_eq 0 "$(printf %s "$SEALED" | grep -c "$SECRET")" "the sealed bytes are not the secret"
assert_eq 1 "$(sql s.db "select case when secret is null then 1 else 0 end from task_commit where task_id = '$TASK'")" \
	"after the draw the store keeps no sealed secret"

# Independent unsealing, from docs/spec.md §11 alone: the subkey is BLAKE2b-256 keyed with the key
# file's seed, salt = u64le(1) ‖ 8 zero bytes, personal = "yhcommit" ‖ 8 zero bytes (libsodium's
# crypto_kdf_derive_from_key); the box is XSalsa20-Poly1305 (crypto_secretbox) with the first 24
# bytes as the nonce.
if [ -n "$PY" ]; then
	opened=$("$PY" - "$(sed -n 2p s.db.key)" "$SEALED" <<'EOF'
import sys, struct, nacl.hashlib, nacl.secret
seed, sealed = bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2])
sub = nacl.hashlib.blake2b(b"", digest_size=32, key=seed, salt=struct.pack("<Q", 1) + bytes(8),
                           person=b"yhcommit" + bytes(8)).digest()
print(nacl.secret.SecretBox(sub).decrypt(sealed[24:], sealed[:24]).hex())
EOF
)
	assert_eq "$SECRET" "$opened" "the sealed secret opens, as docs/spec.md §11 says, to the revealed secret"
else
	echo "note: no python3 with PyNaCl: the independent unsealing is skipped"
fi

# ---- a sealed secret that does not open, or belongs to another task ---------------------------

# t.db: a store with two tasks committed; FOOD's sealed secret damaged, then OTHER's moved onto it.
yh init --department 330100-SCJG --db t.db
for r in entities inspectors conflicts items; do
	yh import --db t.db "$r" "$FIXTURES/$r.csv"
done
yh plan add --db t.db "$FIXTURES/task-food.json"
sed 's/"T-2026-12-FOOD"/"T-OTHER"/' "$FIXTURES/task-food.json" > other.json
yh plan add --db t.db other.json
yh commit --db t.db "$TASK" --entropy-source "drand quicknet round 24000000"
yh commit --db t.db T-OTHER --entropy-source "drand quicknet round 24000001"
assert_exit 0 "two commits"
good=$(sql t.db "select $(sql_hex secret) from task_commit where task_id = '$TASK'")
digit=0
[ "${good:100:1}" = 0 ] && digit=1
bad=${good:0:100}$digit${good:101} # one digit of the box changed
sql t.db "update task_commit set secret = $(sql_blob "$bad") where task_id = '$TASK'"
n=$(sql t.db "select count(*) from ledger")
yh draw --db t.db "$TASK" --entropy "$VALUE"
assert_exit 4 "a damaged sealed secret: the draw exits 4"
assert_stderr_contains "the sealed commit secret does not open with the store's key (damaged, or sealed with another key): task '$TASK'"
sql t.db "update task_commit set secret = (select secret from task_commit where task_id = 'T-OTHER') where task_id = '$TASK'"
yh draw --db t.db "$TASK" --entropy "$VALUE"
assert_exit 4 "another task's sealed secret: the draw exits 4"
assert_stderr_contains "the stored secret does not open the announced commitment: task '$TASK'"
assert_eq "$n" "$(sql t.db "select count(*) from ledger")" "the refused draws recorded nothing"
sql t.db "update task_commit set secret = $(sql_blob "$good") where task_id = '$TASK'"
yh draw --db t.db "$TASK" --entropy "$VALUE"
assert_exit 0 "the sealed secret put back: the draw succeeds"

# ---- a store from before sealing: its plain secret is sealed when its key is first used ------

# (SQLite only: a PostgreSQL store was never made with the earlier schema.)
if sqlite_only "a store file from before sealing, and the bytes of its files"; then
	# old.db: a copy of s.db's twin taken at its commit, its secret put back in the plain form of
	# the earlier schema (the 32 bytes the draw of s.db revealed).
	cp copy/s.db old.db
	for f in copy/s.db-wal copy/s.db-shm; do [ -e "$f" ] && cp "$f" "old.db${f#copy/s.db}"; done
	cp -p s.db.key old.db.key
	sqlite3 old.db "update task_commit set secret = X'$SECRET' where task_id = '$TASK'; pragma wal_checkpoint(truncate)"
	assert_eq 1 "$(holds "$SECRET" old.db)" "the old store holds the plain secret"
	yh stats --db old.db
	assert_exit 0 "a command without the key reads the old store"
	assert_eq 64 "$(sql old.db "select length($(sql_hex secret)) from task_commit")" "without the key the plain secret stays as it was"
	yh feed --db old.db -o feed.json
	assert_exit 0 "the first command with the key (feed)"
	assert_eq 144 "$(sql old.db "select length($(sql_hex secret)) from task_commit")" "the store now holds the secret sealed"
	assert_eq 0 "$(holds "$SECRET" old.db old.db-wal old.db-shm)" "no byte of the store's files holds the plain secret any more"
	yh draw --db old.db "$TASK" --entropy "$VALUE" -o old-tr.json
	assert_exit 0 "the old store draws with the sealed secret"
	assert_eq "$(cat tr.json)" "$(cat old-tr.json)" "the same transcript as the twin's, byte for byte"
	yh audit --db old.db
	assert_exit 0 "the old store audits"
fi

finish

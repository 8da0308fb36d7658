# test_history.sh — re-imports keep history: changed, closed and added rows,
# stats --as-of an earlier ledger entry, --partial, identical re-imports.
source "$TESTLIB"

E="$FIXTURES/entities.csv"

# The modified copy of entities.csv (CRLF kept):
#   line 2  921508021393685712  risk C -> D          (changed)
#   line 3  91330109MA1EN2G20E  dropped              (closed)
#   new     92410825MA4GL51Q7?  a copy of line 4 with a new id and name (added)
CHANGED=921508021393685712
DROPPED=91330109MA1EN2G20E
NEW17=92410825MA4GL51Q7
NEW=$NEW17$(uscc_check_char "$NEW17")
assert_eq 0 "$(grep -c "^$NEW," "$E")" "the new id $NEW is not in entities.csv"
assert_eq "921508021393685712,临河区徐记杂货店,个体工商户,150802,F52,C,存续,否" "$(sed -n '2s/\r$//p' "$E")" "line 2 is the row to change"
assert_eq "$DROPPED" "$(sed -n '3p' "$E" | cut -d, -f1)" "line 3 is the row to drop"

awk -F, -v OFS=, -v new="$NEW" '
	NR == 2 { $6 = "D" }
	NR == 3 { next }
	NR == 4 { print; line = $0; sub(/^[^,]*,[^,]*,/, new ",温县新开面馆,", line); print line; next }
	{ print }' "$E" > modified.csv
assert_eq 300 "$(tail -n +2 modified.csv | wc -l)" "modified.csv has 300 rows"
assert_eq "$(grep -c $'\r$' "$E")" "$(grep -c $'\r$' modified.csv)" "modified.csv keeps the CRLF line ends"
assert_eq "$NEW,温县新开面馆,个体工商户,410825,H62,A,在业,否" "$(grep "^$NEW," modified.csv | tr -d '\r')" "the added row"

# The ledger entry an import reports in its summary ("... as ledger entry N: ...").
import_seq() { printf '%s\n' "$STDOUT" | sed -n 's/.* as ledger entry \([0-9][0-9]*\): .*/\1/p'; }
# import_at NAME DESC: sets NAME to the entry the last import reports and checks
# that it is the entry right after the previous one ($LAST), then moves $LAST.
import_at() {
	local seq
	seq=$(import_seq)
	assert_eq $((LAST + 1)) "$seq" "$2 is ledger entry $((LAST + 1)), the one after entry $LAST"
	printf -v "$1" '%s' "$seq"
	LAST=$seq
}

yh init --department 330100-SCJG --db h.db
assert_exit 0 "init"
# A new store: the init entry (1), then the key entry; imports follow.
assert_eq "init key" "$(sql h.db "select kind from ledger order by seq" | tr '\n' ' ' | sed 's/ $//')" \
	"a new store's ledger: init, key"
INIT_SEQ=1
LAST=$(sql h.db "select max(seq) from ledger")
NEW_HEAD=$LAST

# The original file.
yh import --db h.db entities "$E"
assert_exit 0 "import entities.csv"
assert_stdout_contains "as ledger entry $((LAST + 1)): 300 rows, 300 added, 0 changed, 0 unchanged, 0 closed"
import_at FIRST_SEQ "the first import"
yh stats --db h.db --json
printf '%s\n' "$STDOUT" > first.json
assert_eq 300 "$(json_get first.json '$.entities.total')" "300 entities after the first import"

# The modified copy.
yh import --db h.db entities modified.csv
assert_exit 0 "import the modified copy"
assert_stdout_contains "as ledger entry $((LAST + 1)): 300 rows, 1 added, 1 changed, 298 unchanged, 1 closed" \
	"the summary shows 1 added, 1 changed, 298 unchanged, 1 closed"
import_at MOD_SEQ "the import of the modified copy"
yh import --db h.db --dry-run --json entities modified.csv
printf '%s\n' "$STDOUT" > redo.json
assert_eq "0 0 300 0" "$(for k in added changed unchanged closed; do printf '%s ' "$(json_get redo.json "\$.$k")"; done | sed 's/ $//')" \
	"a dry run of the same copy: all unchanged"

# The rows: old versions kept and closed at the modified copy's entry.
q() { sql h.db "$1"; }
assert_eq "C|$FIRST_SEQ|$MOD_SEQ
D|$MOD_SEQ|" "$(q "select risk, valid_from, valid_to from entity where id = '$CHANGED' order by valid_from")" \
	"the changed row: the old version closed at $MOD_SEQ, the new one open from $MOD_SEQ"
assert_eq "$FIRST_SEQ|$MOD_SEQ" "$(q "select valid_from, valid_to from entity where id = '$DROPPED'")" "the dropped row is closed at $MOD_SEQ"
assert_eq "$MOD_SEQ|" "$(q "select valid_from, valid_to from entity where id = '$NEW'")" "the added row is open from $MOD_SEQ"
assert_eq 302 "$(db_count h.db entity)" "302 row versions (300 + 1 changed + 1 added)"
assert_eq 300 "$(q "select count(*) from entity where valid_to is null")" "300 current entities"

# Stats now and as of the first import.
yh stats --db h.db --json
printf '%s\n' "$STDOUT" > head.json
assert_eq "$MOD_SEQ" "$(json_get head.json '$.as_of')" "stats at the head is as of entry $MOD_SEQ"
assert_eq 300 "$(json_get head.json '$.entities.total')" "300 entities at the head"
assert_eq "148 89 44 17" "$(for r in A B C D; do printf '%s ' "$(json_get head.json "\$.entities.by_risk.$r")"; done | sed 's/ $//')" \
	"by risk at the head: A 148, B 89, C 44, D 17"
yh stats --db h.db --as-of "$FIRST_SEQ" --json
assert_exit 0 "stats --as-of $FIRST_SEQ"
printf '%s\n' "$STDOUT" > asof2.json
assert_eq "$(cat first.json)" "$(cat asof2.json)" "stats --as-of $FIRST_SEQ --json equals the stats taken right after that import"
assert_eq "148 89 45 16" "$(for r in A B C D; do printf '%s ' "$(json_get asof2.json "\$.entities.by_risk.$r")"; done | sed 's/ $//')" \
	"by risk as of entry $FIRST_SEQ: A 148, B 89, C 45, D 16"
yh stats --db h.db --as-of "$INIT_SEQ" --json
printf '%s\n' "$STDOUT" > asof1.json
assert_eq 0 "$(json_get asof1.json '$.entities.total')" "no entities as of the init entry"
yh stats --db h.db --as-of "$NEW_HEAD" --json
printf '%s\n' "$STDOUT" > asofkey.json
assert_eq 0 "$(json_get asofkey.json '$.entities.total')" "no entities as of the key entry, before the first import"
yh stats --db h.db --as-of "$MOD_SEQ" --json
assert_eq "$(cat head.json)" "$STDOUT" "stats --as-of the head equals plain stats"
yh stats --db h.db --as-of "$FIRST_SEQ"
assert_exit 0 "stats --as-of in text"
assert_stdout_contains "registers as of ledger entry $FIRST_SEQ"
assert_stdout_contains "entities: 300"

# The identical file again: all unchanged, nothing closed.
yh import --db h.db entities modified.csv
assert_exit 0 "re-import of the identical file"
assert_stdout_contains "300 rows, 0 added, 0 changed, 300 unchanged, 0 closed" "re-import: all unchanged"
import_at REIMPORT_SEQ "the identical re-import"
assert_eq 302 "$(db_count h.db entity)" "an identical re-import writes no row versions"
assert_eq "$REIMPORT_SEQ" "$(sql h.db "select max(seq) from ledger")" "the identical re-import is on record as the head, entry $REIMPORT_SEQ"
yh stats --db h.db --json
assert_eq "$(sed "s/\"as_of\": $MOD_SEQ,/\"as_of\": $REIMPORT_SEQ,/" head.json)" "$STDOUT" "an identical re-import changes no statistic"

# The original file with --partial: adds and changes, closes nothing.
yh import --db h.db --partial entities "$E"
assert_exit 0 "import --partial"
assert_stdout_contains "300 rows, 1 added, 1 changed, 298 unchanged, 0 closed" \
	"--partial restores the dropped row and the risk, and closes nothing"
import_at PARTIAL_SEQ "the --partial import"
assert_eq "$MOD_SEQ|" "$(q "select valid_from, valid_to from entity where id = '$NEW'")" "--partial does not close the row absent from the file"
assert_eq 301 "$(q "select count(*) from entity where valid_to is null")" "301 current entities after --partial"
yh log --db h.db --json
assert_stdout_contains '"mode":"partial"' "the ledger records the partial mode"

# --partial with a one-row file: that row changes, the other 300 stay.
{ head -n 1 "$E"; sed -n 2p "$E" | awk -F, -v OFS=, '{ $6 = "B"; print }'; } > one-row.csv
yh import --db h.db --partial entities one-row.csv
assert_exit 0 "import --partial of a one-row file"
assert_stdout_contains "1 rows, 0 added, 1 changed, 0 unchanged, 0 closed"
import_at ONE_ROW_SEQ "the one-row --partial import"
assert_eq 301 "$(q "select count(*) from entity where valid_to is null")" "a one-row --partial import closes nothing"
assert_eq B "$(q "select risk from entity where id = '$CHANGED' and valid_to is null")" "the one row is changed"

# A full import closes what the file lacks.
yh import --db h.db entities "$E"
assert_exit 0 "full import of entities.csv"
assert_stdout_contains "300 rows, 0 added, 1 changed, 299 unchanged, 1 closed"
import_at FULL_SEQ "the full import"
assert_eq 300 "$(q "select count(*) from entity where valid_to is null")" "300 current entities again"
yh stats --db h.db --json
printf '%s\n' "$STDOUT" > last.json
assert_eq "$(sed "s/\"as_of\": $FIRST_SEQ,/\"as_of\": $FULL_SEQ,/" first.json)" "$(cat last.json)" "the register is back to the first import's"

# Every earlier state is still there.
for pair in $INIT_SEQ:0 $NEW_HEAD:0 $FIRST_SEQ:300 $MOD_SEQ:300 $REIMPORT_SEQ:300 $PARTIAL_SEQ:301 $ONE_ROW_SEQ:301 $FULL_SEQ:300; do
	yh stats --db h.db --as-of "${pair%%:*}" --json
	printf '%s\n' "$STDOUT" > s.json
	assert_eq "${pair#*:}" "$(json_get s.json '$.entities.total')" "entities as of entry ${pair%%:*}: ${pair#*:}"
done
yh stats --db h.db --as-of "$MOD_SEQ" --json
assert_eq "$(cat head.json)" "$STDOUT" \
	"stats as of entry $MOD_SEQ are unchanged by later imports"

# Inspectors keep history the same way: change one status, drop one officer.
yh import --db h.db inspectors "$FIXTURES/inspectors.csv"
assert_exit 0 "import inspectors"
import_at INSPECTORS_SEQ "the inspectors import"
awk -F, -v OFS=, 'NR == 2 { $6 = "休假" } NR == 3 { next } { print }' "$FIXTURES/inspectors.csv" > inspectors-mod.csv
yh import --db h.db inspectors inspectors-mod.csv
assert_exit 0 "import the modified inspectors"
assert_stdout_contains "39 rows, 0 added, 1 changed, 38 unchanged, 1 closed"
import_at INSPECTORS_MOD_SEQ "the modified inspectors import"
yh stats --db h.db --json
printf '%s\n' "$STDOUT" > i.json
assert_eq 39 "$(json_get i.json '$.inspectors.total')" "39 inspectors now"
yh stats --db h.db --as-of "$INSPECTORS_SEQ" --json
printf '%s\n' "$STDOUT" > i8.json
assert_eq 40 "$(json_get i8.json '$.inspectors.total')" "40 inspectors as of entry $INSPECTORS_SEQ"
assert_eq 33 "$(json_get i8.json '$.inspectors.by_status.active')" "33 active inspectors as of entry $INSPECTORS_SEQ"

finish

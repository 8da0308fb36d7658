# test_row_order.sh — the register does not depend on row order: entities.csv
# and a shuffled copy (header first) give the same statistics and rows.
source "$TESTLIB"

E="$FIXTURES/entities.csv"
COLS="id,name,type,region,industry,risk,status,abnormal"

# A deterministic shuffle: the random source is a fixed stream.
{ head -n 1 "$E"; tail -n +2 "$E" | shuf --random-source=<(yes); } > shuffled.csv
assert_eq "$(head -n 1 "$E")" "$(head -n 1 shuffled.csv)" "the header stays first"
assert_eq "$(tail -n +2 "$E" | sort)" "$(tail -n +2 shuffled.csv | sort)" "the shuffled copy has the same rows"
assert_ne "$(cat "$E")" "$(cat shuffled.csv)" "the rows are in another order"
{ head -n 1 "$E"; tail -n +2 "$E" | shuf --random-source=<(yes); } > shuffled2.csv
assert_eq "$(sha256sum < shuffled.csv)" "$(sha256sum < shuffled2.csv)" "the shuffle is deterministic"
# Reversed, too.
{ head -n 1 "$E"; tail -n +2 "$E" | tac; } > reversed.csv

for name in orig shuffled reversed; do
	yh init --department 330100-SCJG --db "$name.db"
done
yh import --db orig.db entities "$E"
assert_exit 0 "import entities.csv"
yh import --db shuffled.db entities shuffled.csv
assert_exit 0 "import the shuffled copy"
assert_stdout_contains "300 rows, 300 added"
yh import --db reversed.db entities reversed.csv
assert_exit 0 "import the reversed copy"

yh stats --db orig.db --json
orig_stats=$STDOUT
for name in shuffled reversed; do
	yh stats --db "$name.db" --json
	assert_eq "$orig_stats" "$STDOUT" "$name: stats --json is identical"
	assert_eq "$(sql orig.db "select $COLS from entity order by id")" \
		"$(sql "$name.db" "select $COLS from entity order by id")" "$name: the entity rows are identical"
done

# Re-importing the shuffled copy over the original changes nothing.
yh import --db orig.db entities shuffled.csv
assert_exit 0 "import the shuffled copy over the original"
assert_stdout_contains "300 rows, 0 added, 0 changed, 300 unchanged, 0 closed" "a shuffled re-import is all unchanged"
assert_eq 300 "$(db_count orig.db entity)" "a shuffled re-import writes no row versions"

finish

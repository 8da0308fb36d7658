# test_import.sh — yaohao import of every good fixture: summaries, --json,
# --dry-run, encodings, English headers, and argument errors.
source "$TESTLIB"

ENTITY_COLS="id,name,type,region,industry,risk,status,abnormal"

# The newest ledger entry of a store.
ledger_head() { sql "$1" "select max(seq) from ledger"; }

yh init --department 330100-SCJG --db a.db
assert_exit 0 "init"
# A new store holds its init entry and the key entry; imports come after them.
INIT_ENTRIES=$(db_count a.db ledger)
assert_eq "init key" "$(sql a.db "select kind from ledger order by seq" | tr '\n' ' ' | sed 's/ $//')" \
	"a new store's ledger: init, key"

# import REGISTER FILE ROWS — a first import: every row added, as the entry
# after the ledger's head, which it becomes.
import_ok() {
	local seq=$(($(ledger_head a.db) + 1))
	yh import --db a.db "$1" "$FIXTURES/$2"
	assert_exit 0 "import $1 $2 exits 0"
	assert_stdout_contains "imported $FIXTURES/$2 into $1 as ledger entry $seq: $3 rows, $3 added, 0 changed, 0 unchanged, 0 closed" \
		"import $1: the summary counts $3 rows added as ledger entry $seq"
	assert_stdout_contains "sha256 " "import $1: the summary has the file's sha256"
	assert_stderr_empty "import $1: no diagnostics"
	assert_eq "$seq|import|$1" "$(sql a.db "select seq, kind, $(jx payload '$.register') from ledger where seq = (select max(seq) from ledger)")" \
		"import $1: entry $seq is the ledger's head, the import of $1"
}
import_ok entities entities.csv 300
import_ok inspectors inspectors.csv 40
import_ok conflicts conflicts.csv 15
import_ok items items.csv 8

assert_eq 300 "$(sql a.db "select count(*) from entity where valid_to is null")" "300 current entities"
assert_eq 40 "$(sql a.db "select count(*) from inspector where valid_to is null")" "40 current inspectors"
assert_eq 15 "$(sql a.db "select count(*) from conflict where valid_to is null")" "15 current conflicts"
assert_eq 8 "$(sql a.db "select count(*) from item where valid_to is null")" "8 current items"
assert_eq $((INIT_ENTRIES + 4)) "$(db_count a.db ledger)" "init + key + 4 imports in the ledger"

# The sha256 in the summary is the file's.
yh import --db a.db --dry-run entities "$FIXTURES/entities.csv"
assert_stdout_contains "sha256 $(sha256sum "$FIXTURES/entities.csv" | cut -d' ' -f1)" "the summary's sha256 is the file's"

# Values from the fixture README: special names, derived regions, mapped risks.
assert_eq '杭州滨江"好味道"餐饮有限公司' "$(sql a.db "select name from entity where id = '91330108324340917C'")" \
	"a quoted name with escaped quotes is read"
assert_eq '杭州拱墅鲜,活水产食品有限公司' "$(sql a.db "select name from entity where id = '91330105MA34F9192U'")" \
	"a quoted name with a comma is read"
assert_eq 0 "$(sql a.db "select count(*) from entity where region = ''")" "empty 区划代码 are derived from the credit code"
assert_eq 110105 "$(sql a.db "select region from entity where id = '91110000101623741K'")" "a given 区划代码 wins over the credit code"
assert_eq 15 "$(sql a.db "select count(*) from entity where abnormal = 1")" "15 entities on the abnormal list"
assert_eq "CP-01 GG-01 HB-01 HB-02 SP-01 SP-02 SP-03 TZ-01" "$(sql a.db "select code from item order by code" | tr '\n' ' ' | sed 's/ $//')" "the item codes are read (the BOM is skipped)"
assert_eq "HB-01 SP-02" "$(sql a.db "select code from item where legal_basis like '%,%' order by code" | tr '\n' ' ' | sed 's/ $//')" "quoted 检查依据 with a comma are read"
assert_eq 1 "$(sql a.db "select count(*) from item where code = 'SP-01'")" "the first item code is read despite the BOM"

# --json: the summary parses and has the keys.
yh init --department 330100-SCJG --db j.db
J_SEQ=$(($(ledger_head j.db) + 1))
yh import --db j.db --json entities "$FIXTURES/entities.csv"
assert_exit 0 "import --json exits 0"
printf '%s\n' "$STDOUT" > j.json
assert_eq 1 "$(json_valid j.json)" "import --json prints valid JSON"
for key in register file sha256 dry_run seq rows added changed unchanged closed warnings bad_check_accepted; do
	assert_stdout_contains "\"$key\":" "import --json has key $key"
done
assert_eq entities "$(json_get j.json '$.register')" "json register"
assert_eq "$J_SEQ" "$(json_get j.json '$.seq')" "json seq: the entry after the new store's head"
assert_eq "import" "$(sql j.db "select kind from ledger where seq = $J_SEQ")" "json seq names the import's ledger entry"
assert_eq 300 "$(json_get j.json '$.rows')" "json rows"
assert_eq 300 "$(json_get j.json '$.added')" "json added"
assert_eq 0 "$(json_get j.json '$.closed')" "json closed"
assert_eq 0 "$(json_get j.json '$.dry_run')" "json dry_run false"
assert_eq "$(sha256sum "$FIXTURES/entities.csv" | cut -d' ' -f1)" "$(json_get j.json '$.sha256')" "json sha256"

# --dry-run changes nothing.
yh init --department 330100-SCJG --db d.db
yh import --db d.db entities "$FIXTURES/entities.csv"
before_dump=$(sql_dump d.db)
before_ledger=$(db_count d.db ledger)
before_entities=$(db_count d.db entity)
yh import --db d.db --dry-run inspectors "$FIXTURES/inspectors.csv"
assert_exit 0 "import --dry-run exits 0"
assert_stdout_contains "is valid (dry run, nothing changed): 40 rows would give 40 added, 0 changed, 0 unchanged, 0 closed"
yh import --db d.db --dry-run --json entities "$FIXTURES/entities-gb18030.csv" --encoding gb18030
assert_exit 0 "import --dry-run --json exits 0"
printf '%s\n' "$STDOUT" > dry.json
assert_eq 1 "$(json_get dry.json '$.dry_run')" "json dry_run true"
assert_eq 300 "$(json_get dry.json '$.unchanged')" "a dry run of the same register in GB18030: 300 unchanged"
assert_eq 0 "$(json_get dry.json '$.added')" "a dry run of the same register in GB18030: 0 added"
sed 2,11d "$FIXTURES/entities.csv" > fewer.csv
yh import --db d.db --dry-run entities fewer.csv
assert_exit 0 "a dry run that would close rows exits 0"
assert_stdout_contains "290 rows would give 0 added, 0 changed, 290 unchanged, 10 closed"
assert_eq "$before_ledger" "$(db_count d.db ledger)" "--dry-run: ledger count unchanged"
assert_eq "$before_entities" "$(db_count d.db entity)" "--dry-run: entity row count unchanged"
assert_eq 0 "$(db_count d.db inspector)" "--dry-run: no inspectors written"
assert_eq "$before_dump" "$(sql_dump d.db)" "--dry-run: the store's content is unchanged"

# GB18030 and GBK give the same register as UTF-8.
entity_rows() { sql "$1" "select $ENTITY_COLS from entity where valid_to is null order by id"; }
for enc in gb18030 gbk GB18030; do
	yh init --department 330100-SCJG --db "g-$enc.db"
	yh import --db "g-$enc.db" --encoding "$enc" entities "$FIXTURES/entities-gb18030.csv"
	assert_exit 0 "import --encoding $enc exits 0"
	assert_stdout_contains "300 rows, 300 added, 0 changed, 0 unchanged, 0 closed" "--encoding $enc: 300 added"
	assert_eq "$(entity_rows a.db)" "$(entity_rows "g-$enc.db")" "--encoding $enc gives the same register as entities.csv"
done
yh import --db a.db --encoding gb18030 entities "$FIXTURES/entities-gb18030.csv"
assert_exit 0 "re-import of the same register in GB18030"
assert_stdout_contains "300 rows, 0 added, 0 changed, 300 unchanged, 0 closed" "GB18030 re-import: all unchanged"
for enc in utf-8 UTF-8 utf8; do
	yh import --db a.db --dry-run --encoding "$enc" entities "$FIXTURES/entities.csv"
	assert_exit 0 "--encoding $enc is accepted"
done

# Without --encoding, a file that is not UTF-8 but is GB18030 is read as GB18030, with a
# one-line notice: the same rows as with --encoding gb18030 (and as entities.csv).
yh init --department 330100-SCJG --db g-auto.db
yh import --db g-auto.db entities "$FIXTURES/entities-gb18030.csv"
assert_exit 0 "entities-gb18030.csv without --encoding exits 0"
assert_stdout_contains "300 rows, 300 added, 0 changed, 0 unchanged, 0 closed" "without --encoding: 300 added"
assert_eq "$FIXTURES/entities-gb18030.csv:1: header: warning: the file is not UTF-8; read as GB18030" "$STDERR" \
	"one notice on line 1, nothing else"
assert_eq "$(entity_rows g-gb18030.db)" "$(entity_rows g-auto.db)" "the same rows as with --encoding gb18030"
assert_eq "$(entity_rows a.db)" "$(entity_rows g-auto.db)" "the same rows as entities.csv"
assert_eq "gb18030|$(sha256sum "$FIXTURES/entities-gb18030.csv" | cut -d' ' -f1)" \
	"$(sql g-auto.db "select $(jx payload '$.encoding') || '|' || $(jx payload '$.sha256') from ledger where kind = 'import'")" \
	"the ledger entry records the encoding read and the file's bytes"
yh import --db g-auto.db --dry-run --json entities "$FIXTURES/entities-gb18030.csv"
printf '%s\n' "$STDOUT" > auto.json
assert_eq 1 "$(json_get auto.json '$.warnings')" "--json counts the notice as a warning"
# A UTF-8 file gets no notice; --encoding utf-8 forces UTF-8 (the GB18030 file is refused).
yh import --db g-auto.db --dry-run entities "$FIXTURES/entities.csv"
assert_stderr_empty "a UTF-8 file: no notice"
yh import --db g-auto.db --dry-run --encoding utf-8 entities "$FIXTURES/entities-gb18030.csv"
assert_exit 3 "--encoding utf-8 forces UTF-8"
assert_stderr_contains "(try --encoding gb18030)"
# A file neither UTF-8 nor GB18030 is read as UTF-8 and refused as before.
{ head -n 3 "$FIXTURES/entities.csv"; printf '\xff\xfe\n'; } > neither.csv
yh import --db g-auto.db --dry-run entities neither.csv
assert_exit 3 "a file in neither encoding is refused"
assert_stderr_not_contains "read as GB18030" "and not called GB18030"

# Unsupported --encoding: a usage error (exit 2), naming the encoding.
ledger_before=$(db_count a.db ledger)
yh import --db a.db --encoding latin1 entities "$FIXTURES/entities.csv"
assert_exit 2 "--encoding latin1 exits 2"
assert_stderr_contains "unsupported encoding: 'latin1'"
assert_eq "$ledger_before" "$(db_count a.db ledger)" "an unsupported encoding changes nothing"

# English headers, any order, an unknown column (warning, still imported).
# (sqlite3 re-writes the CSV, quoting every text field, with LF line ends.)
sqlite3 :memory: ".mode csv" ".import $FIXTURES/entities.csv e" ".headers on" \
	"select 经营异常名录 as abnormal, 登记状态 as status, 风险等级 as risk, 行业代码 as industry,
	        区划代码 as region, 市场主体类型 as type, 企业名称 as name, 统一社会信用代码 as id,
	        'x' as remark from e" > english.csv
yh init --department 330100-SCJG --db e.db
yh import --db e.db entities english.csv
assert_exit 0 "English headers in another order import"
assert_stdout_contains "300 rows, 300 added"
assert_stderr_contains "english.csv:1: " "the unknown column is reported on line 1"
assert_stderr_contains "warning: unknown column 'remark'" "an unknown column gives a warning"
assert_eq "$(entity_rows a.db)" "$(entity_rows e.db)" "English headers in another order give the same register"

# Accepted spellings (docs/formats.md): a lower-case credit code, spaces, tabs
# and U+3000 around values, A类/低风险, 在营/开业, 未列入/否, a blank line, LF ends
# and no final line end.  The rows equal entities.csv lines 3 and 4.
{
	printf '统一社会信用代码,企业名称,市场主体类型,区划代码,行业代码,风险等级,登记状态,经营异常名录\n'
	printf '91330109ma1en2g20e,杭州萧山聚鲜烘焙食品有限公司,有限责任公司,330109,C1411,A类,在营,未列入\n'
	printf '\n'
	printf '  92410825MA4GL51Q65 ,\t温县徐记面馆\xe3\x80\x80,个体工商户,410825,H62,低风险,开业,否'
} > lenient.csv
yh import --db a.db --partial entities lenient.csv
assert_exit 0 "accepted spellings import"
assert_stdout_contains "2 rows, 0 added, 0 changed, 2 unchanged, 0 closed" "accepted spellings give the same values as entities.csv"
assert_eq "92410825MA4GL51Q65|温县徐记面馆|A|active|0" \
	"$(sql a.db "select id, name, risk, status, abnormal from entity where id = '92410825MA4GL51Q65' and valid_to is null")" \
	"trimmed and mapped values are stored"

# A header-only file would empty the register in a full import: refused, and
# nothing changes; as a partial import it is valid and does nothing.
head -n 1 "$FIXTURES/entities.csv" > header-only.csv
ledger_before=$(db_count a.db ledger)
yh import --db a.db entities header-only.csv
assert_exit 3 "a header-only full import is refused"
assert_stderr_contains "header-only.csv:2: row: file has no data rows: a full import would close every current row of entities"
assert_eq "$ledger_before" "$(db_count a.db ledger)" "the refused header-only import changes nothing"
yh import --db a.db --dry-run --partial entities header-only.csv
assert_exit 0 "a header-only partial import is valid"
assert_stdout_contains "0 rows would give 0 added, 0 changed, 0 unchanged, 0 closed"

# An empty file has no header: bad data.
: > empty.csv
yh import --db a.db entities empty.csv
assert_exit 3 "an empty file exits 3"
assert_stderr_contains "empty.csv:1: header: "

# Register names.
yh import --db a.db frobs "$FIXTURES/entities.csv"
assert_exit 2 "unknown register name exits 2"
assert_stderr_contains "unknown register 'frobs'"
assert_stderr_contains "yaohao import --help"
for pair in entity:entities inspector:inspectors conflict:conflicts item:items; do
	yh import --db a.db --dry-run "${pair%%:*}" "$FIXTURES/${pair#*:}.csv"
	assert_exit 0 "the singular register name '${pair%%:*}' is accepted"
done

# Missing file: bad input (3), the path in the message, nothing recorded.
ledger_before=$(db_count a.db ledger)
yh import --db a.db entities "$T/no-such-file.csv"
assert_exit 3 "missing file exits 3"
assert_stderr_contains "$T/no-such-file.csv" "the message names the missing file"
assert_eq "$ledger_before" "$(db_count a.db ledger)" "a missing file changes nothing"

# A folder instead of a file: bad input (3), not an internal error.
mkdir adir
yh import --db a.db entities adir
assert_exit 3 "a folder as FILE exits 3"
assert_stderr_contains "adir"
assert_stderr_not_contains "header: header:" "the folder's error does not repeat 'header:'"

# Argument errors.
yh import --db a.db entities
assert_exit 2 "import without FILE exits 2"
assert_stderr_contains "expected REGISTER and FILE"
yh import --db a.db
assert_exit 2 "import without arguments exits 2"
yh import --db a.db entities "$FIXTURES/entities.csv" extra
assert_exit 2 "import with an extra argument exits 2"
for n in 0 -1 x 1000001; do
	yh import --db a.db --max-errors "$n" entities "$FIXTURES/entities.csv"
	assert_exit 2 "--max-errors $n exits 2"
done
assert_eq "$ledger_before" "$(db_count a.db ledger)" "argument errors change nothing"

# adopt: a shared entity register instead of an import (PostgreSQL only: tests/pg/test_shared.sh)
yh adopt --help
assert_exit 0 "adopt --help"
assert_stdout_contains "usage: yaohao adopt"
yh adopt --db a.db one two
assert_exit 2 "adopt with two arguments exits 2"
yh adopt --db a.db
assert_exit 2 "adopt with no register shared exits 2"
if on_pg; then
	assert_stderr_contains "no entity register is shared with department"
else
	assert_stderr_contains "a shared register needs a PostgreSQL store"
fi
assert_eq "$ledger_before" "$(db_count a.db ledger)" "a refused adoption changes nothing"

finish

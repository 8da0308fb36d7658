# test_usage.sh — the command line itself: no arguments, --help, help CMD,
# every command's --help, unknown commands and options, import --columns.
source "$TESTLIB"

COMMANDS="init import stats log demo"

yh
assert_exit 2 "yaohao with no arguments exits 2"
assert_stderr_contains "usage: yaohao <command>" "no arguments: the usage goes to stderr"
assert_eq "" "$STDOUT" "no arguments: nothing on stdout"

for h in --help -h help; do
	yh "$h"
	assert_exit 0 "yaohao $h exits 0"
	assert_stdout_contains "usage: yaohao <command>" "yaohao $h prints the usage on stdout"
	for c in $COMMANDS; do
		assert_stdout_contains "  $c " "yaohao $h lists $c"
	done
	assert_stdout_contains "exit codes: 0 ok, 1 a check failed, 2 usage, 3 bad input data," "yaohao $h documents the exit codes"
done

yh --version
assert_exit 0 "--version exits 0"
assert_stdout_contains "yaohao "

for c in $COMMANDS; do
	yh "$c" --help
	assert_exit 0 "yaohao $c --help exits 0"
	assert_stdout_contains "usage: yaohao $c" "yaohao $c --help prints 'usage: yaohao $c'"
	assert_stderr_empty "yaohao $c --help: nothing on stderr"
	yh "$c" -h
	assert_exit 0 "yaohao $c -h exits 0"
	yh help "$c"
	assert_exit 0 "yaohao help $c exits 0"
	assert_stdout_contains "usage: yaohao $c" "yaohao help $c prints the command's usage"
done
# --help needs no store and changes nothing.
assert_no_store yaohao.db "no command's --help creates a store"
yh log --help --db missing.db
assert_exit 0 "--help wins over a missing store"

yh help import
assert_stdout_contains "--encoding ENC" "help import documents --encoding"
assert_stdout_contains "--accept-bad-check"
assert_stdout_contains "--dry-run"
assert_stdout_contains "--max-errors N"
assert_stdout_contains "--partial"
assert_stdout_contains "FILE:LINE: COLUMN: reason"

# Unknown commands.
yh frobnicate
assert_exit 2 "unknown command exits 2"
assert_stderr_contains "unknown command: 'frobnicate'"
assert_eq "" "$STDOUT" "unknown command: nothing on stdout"
yh help frobnicate
assert_exit 2 "yaohao help <unknown command> exits 2"
assert_stderr_contains "frobnicate" "yaohao help <unknown command> names it"
yh --frob
assert_exit 2 "an unknown global option exits 2"

# Unknown options per command: exit 2 and a pointer to --help.
for c in $COMMANDS; do
	yh "$c" --no-such-option
	assert_exit 2 "yaohao $c --no-such-option exits 2"
	assert_stderr_contains "yaohao $c --help" "yaohao $c --no-such-option points at --help"
	assert_stderr_contains "no-such-option" "yaohao $c --no-such-option names the option"
done
yh init --department
assert_exit 2 "an option without its argument exits 2"

# import --columns REGISTER lists the accepted headers.
yh import --columns entities
assert_exit 0 "import --columns entities exits 0"
assert_stdout_contains "统一社会信用代码"
assert_stdout_contains "企业名称"
assert_stdout_contains "区划代码"
assert_stdout_contains "风险等级"
assert_stdout_contains "经营异常名录"
assert_stdout_contains "required"
yh import --columns inspectors
assert_exit 0 "import --columns inspectors"
assert_stdout_contains "执法证号"
assert_stdout_contains "执法证有效期至"
yh import --columns conflicts
assert_exit 0 "import --columns conflicts"
assert_stdout_contains "entity_id"
assert_stdout_contains "inspector_id"
yh import --columns items
assert_exit 0 "import --columns items"
assert_stdout_contains "事项编码"
yh import --columns frobs
assert_exit 2 "import --columns with an unknown register exits 2"
assert_stderr_contains "unknown register 'frobs'"
yh import --columns
assert_exit 2 "import --columns without a register exits 2"
yh import --columns entities inspectors
assert_exit 2 "import --columns with two registers exits 2"
assert_no_store yaohao.db "import --columns needs no store"

finish

#!/usr/bin/env bash
# cli_suite.sh — runs the CLI tests (tests/cli/test_*.sh, or those named) with every store on
# PostgreSQL (yaohao-on-pg, one throwaway cluster) and lists how each fares: exit 0 when every
# script passed or was skipped whole (exit 77: about the SQLite file itself), else 1.  The
# checks a script skips on PostgreSQL (lib.sh's sqlite_only) are counted in its line.  ctest
# pg.cli_suite runs the scripts that pass; see docs/internals.md.
#   cli_suite.sh BUILD_DIR [test_NAME.sh ...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?cli_suite.sh BUILD_DIR [scripts]}" && pwd); shift
cli=$here/../cli
dir=$(mktemp -d /tmp/yaohao-pg.XXXXXX)
trap 'bash "$here/cluster.sh" stop "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT
bash "$here/cluster.sh" start "$dir" >/dev/null || exit $?
status=0
scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=($(cd "$cli" && ls test_*.sh))
for s in "${scripts[@]}"; do
	out=$(YAOHAO="$here/yaohao-on-pg" YAOHAO_REAL="$build/cli/yaohao" YAOHAO_PG_CLUSTER="$dir" \
		FIXTURES="$here/../../fixtures" TEST_DATA="$here/../data" TESTLIB="$cli/lib.sh" \
		timeout 600 bash "$cli/$s" 2>&1)
	rc=$?
	case $rc in
	0) ;;
	77) out="$out"$'\n'"skipped whole (SQLite only)" ;;
	*) status=1 ;;
	esac
	printf '%-26s exit %-3s %s\n' "$s" "$rc" "$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed|^skipped whole' | tail -n 1)"
	[ -z "${CLI_SUITE_LOGS:-}" ] || printf '%s\n' "$out" >"$CLI_SUITE_LOGS/$s.log"
	# a failure shows its checks (and what each got) in ctest's output
	case $rc in 0 | 77) ;; *) printf '%s\n' "$out" | grep -a -A4 '^FAIL' | head -n 60 | sed 's/^/    /' ;; esac
done
exit $status

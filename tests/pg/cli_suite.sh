#!/usr/bin/env bash
# cli_suite.sh — runs the CLI tests (tests/cli/test_*.sh, or those named) with every store on
# PostgreSQL (yaohao-on-pg, one throwaway cluster) and lists how each fares.  Not a ctest yet:
# many scripts look at the SQLite file itself (sqlite3, its mode, its -wal) or start from
# `yaohao demo`, which makes a file; see docs/internals.md.
#   cli_suite.sh BUILD_DIR [test_NAME.sh ...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?cli_suite.sh BUILD_DIR [scripts]}" && pwd); shift
cli=$here/../cli
dir=$(mktemp -d /tmp/yaohao-pg.XXXXXX)
trap 'bash "$here/cluster.sh" stop "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT
bash "$here/cluster.sh" start "$dir" >/dev/null || exit 1
scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=($(cd "$cli" && ls test_*.sh))
for s in "${scripts[@]}"; do
	out=$(YAOHAO="$here/yaohao-on-pg" YAOHAO_REAL="$build/cli/yaohao" YAOHAO_PG_CLUSTER="$dir" \
		FIXTURES="$here/../../fixtures" TEST_DATA="$here/../data" TESTLIB="$cli/lib.sh" \
		timeout 600 bash "$cli/$s" 2>&1)
	rc=$?
	printf '%-26s exit %-3s %s\n' "$s" "$rc" "$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)"
	printf '%s\n' "$out" > "${CLI_SUITE_LOGS:-/dev/null}/$s.log" 2>/dev/null || true
done

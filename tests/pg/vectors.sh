#!/usr/bin/env bash
# vectors.sh — the draw vectors made in a PostgreSQL store (a throwaway cluster) and compared
# byte for byte with the committed ones, which SQLite makes (tests/vectors/check_golden.sh).
#   vectors.sh CLUSTER_SH MKVECTORS FIXTURES
set -u
cluster=$1 mkvectors=$2 fixtures=$3
dir=$(mktemp -d /tmp/yaohao-pg.XXXXXX)
trap 'bash "$cluster" stop "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT
bash "$cluster" start "$dir" >/dev/null
rc=$?
[ "$rc" -eq 77 ] && { echo "no PostgreSQL server: skipped"; exit 77; }
[ "$rc" -eq 0 ] || { echo "the cluster did not start"; exit 1; }
uri=$(bash "$cluster" createdb "$dir" vectors) || exit 1
YAOHAO_VECTORS_DB=$uri bash "$(dirname "$0")/../vectors/check_golden.sh" "$mkvectors" "$fixtures" || exit 1
# and they were made there: the vectors' ledger (the key, the imports, six tasks) is in the database
entries=$(psql "$uri" -Atc "SELECT count(*) FROM ledger WHERE kind = 'draw'") || exit 1
[ "$entries" = 6 ] || { echo "FAIL the database holds $entries draw entries, not the vectors' 6"; exit 1; }
echo "the six draws are in the PostgreSQL store"

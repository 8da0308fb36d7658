#!/usr/bin/env bash
# bench_smoke.sh — bench/run --backend postgresql at N = 10,000 on this build's binaries: every
# step on both stores must work (the PostgreSQL export equal to SQLite's, the re-imports giving
# the same counts) and the JSON must hold the PostgreSQL keys beside SQLite's.  Skipped (77)
# without a PostgreSQL server.
#   bench_smoke.sh BUILD SOURCE
set -u
build=$1 src=$2
out=$(mktemp -d "${TMPDIR:-/tmp}/yaohao-pg-bench-smoke-XXXXXX")
trap 'rm -rf "$out"' EXIT
pass=0 fail=0
YAOHAO_BUILD="$build" bash "$src/bench/run" --rows 10000 --backend postgresql --no-build \
	--results "$out" > "$out/table.txt" 2>&1
rc=$?
if [ "$rc" -eq 77 ]; then echo "no PostgreSQL server: skipped"; exit 77; fi
if [ "$rc" -eq 0 ]; then pass=$((pass + 1)); else
	echo "FAIL bench/run --rows 10000 --backend postgresql (exit $rc)"; cat "$out/table.txt"; fail=$((fail + 1)); fi
for key in import_s draw_s verify_s draw_vs_limit pg_copy_s pg_copy_keyed_s pg_import_s \
           pg_copy_sorted_s pg_import_vs_copy_keyed pg_import_vs_copy_sorted pg_commit_s pg_limit_s pg_draw_s pg_draw_vs_limit pg_export_s \
           pg_verify_s reimport_s pg_reimport_s pg_reimport_vs_copy_sorted pg_draw_peak_rss_mb; do
	if grep -q "\"$key\": [0-9]" "$out/latest.json" 2>/dev/null; then pass=$((pass + 1)); else
		echo "FAIL latest.json has no \"$key\""; fail=$((fail + 1)); fi
done
grep -q '"backend": "postgresql"' "$out/latest.json" 2>/dev/null && pass=$((pass + 1)) || {
	echo "FAIL latest.json does not say the backend"; fail=$((fail + 1)); }
[ -f "$out/10000-postgresql.json" ] && pass=$((pass + 1)) || {
	echo "FAIL no 10000-postgresql.json"; fail=$((fail + 1)); }
/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out/latest.json" 2>/dev/null &&
	pass=$((pass + 1)) || { echo "FAIL latest.json is not JSON"; fail=$((fail + 1)); }
grep -q '^yaohao draw .* x limit .* x limit$' "$out/table.txt" && pass=$((pass + 1)) || {
	echo "FAIL the side-by-side table has no draw row"; cat "$out/table.txt"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

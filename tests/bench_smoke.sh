#!/usr/bin/env bash
# The benchmark's smoke runs on the binaries of this build: bench/run (N = 10,000), where every
# step must work, the Python peer must select the same entities as yaohao, and the JSON must hold
# its keys; and bench/national at N = 5,000, whose draw must verify.
set -u
build=$1 src=$2
out=$(mktemp -d "${TMPDIR:-/tmp}/yaohao-bench-smoke-XXXXXX")
trap 'rm -rf "$out"' EXIT
pass=0 fail=0
if YAOHAO_BUILD="$build" bash "$src/bench/run" --rows 10000 --no-build --results "$out" > "$out/table.txt" 2>&1; then
	pass=$((pass + 1))
else
	echo "FAIL bench/run --rows 10000"; cat "$out/table.txt"; fail=$((fail + 1))
fi
for key in rows import_rows_per_s import_vs_bare_insert import_vs_sorted_insert draw_s draw_vs_limit verify_s verify_vs_limit \
           python_peer_vs_draw draw_peak_rss_mb; do
	if grep -q "\"$key\": [0-9n]" "$out/latest.json" 2>/dev/null; then pass=$((pass + 1)); else
		echo "FAIL latest.json has no \"$key\""; fail=$((fail + 1)); fi
done
grep -q '"rows": 10000,' "$out/latest.json" 2>/dev/null && pass=$((pass + 1)) || { echo "FAIL rows is not 10000"; fail=$((fail + 1)); }
if YAOHAO_BUILD="$build" bash "$src/bench/national" --rows 5000 --officers 50 --no-build --dir "$out/national" \
	--results "$out" > "$out/national.txt" 2>&1 && grep -q '^verified: every check passed' "$out/national/verify.out"; then
	pass=$((pass + 1))
else
	echo "FAIL bench/national --rows 5000"; cat "$out/national.txt"; fail=$((fail + 1))
fi
for key in rows import_s commit_s draw_s draw_vs_limit verify_s draw_peak_rss_mb store_gb; do
	if grep -q "\"$key\": [0-9]" "$out/national-5000.json" 2>/dev/null; then pass=$((pass + 1)); else
		echo "FAIL national-5000.json has no \"$key\""; fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# Regenerates the draw vectors and compares them with fixtures/vectors/, byte for byte.
set -u
mkvectors=$1 fixtures=$2
out=$(mktemp -d "${TMPDIR:-/tmp}/yaohao-vectors-XXXXXX")
trap 'rm -rf "$out"' EXIT
"$mkvectors" "$fixtures" "$out" || { echo "0 passed, 1 failed"; exit 1; }
pass=0 fail=0
for f in test-key.pub feed.json; do
	if cmp -s "$out/$f" "$fixtures/vectors/$f"; then pass=$((pass + 1)); else
		echo "FAIL $f differs"; fail=$((fail + 1)); fi
done
for case_dir in "$out"/*/; do
	name=$(basename "$case_dir")
	for f in "$case_dir"*; do
		golden="$fixtures/vectors/$name/$(basename "$f")"
		if cmp -s "$f" "$golden"; then
			pass=$((pass + 1))
		else
			echo "FAIL $name/$(basename "$f") differs from $golden"
			diff <(head -c 2000 "$golden") <(head -c 2000 "$f") | head -5
			fail=$((fail + 1))
		fi
	done
done
[ "$pass" -gt 0 ] || fail=$((fail + 1))
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# check_exports.sh — the shared library exports exactly the functions that the
# public headers declare: no private engine function leaks into the ABI (the
# engine is built with hidden visibility), and no declared function is missing
# (a definition that never saw its YH_EXTERN declaration).
#
#   check_exports.sh LIBRARY CC INCLUDE_DIR...
set -euo pipefail
shopt -s nullglob
lib=$1 cc=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The compiler reads every public header, so comments and macros are out of the way.
incs=()
for dir in "$@"; do
	incs+=(-I "$dir")
	for h in "$dir"/yaohao/*.h; do
		echo "#include <yaohao/${h##*/}>"
	done
done >"$tmp/all.c"
"$cc" -E -P "${incs[@]}" "$tmp/all.c" |
	grep -oE '\byh_[A-Za-z0-9_]+[[:space:]]*\(' | sed 's/[[:space:]]*($//' | sort -u >"$tmp/declared"
nm -D --defined-only "$lib" | awk '{print $NF}' | sort -u >"$tmp/exported"

status=0
if [ -n "$(comm -23 "$tmp/exported" "$tmp/declared")" ]; then
	echo "exported by ${lib##*/} but declared in no public header:"
	comm -23 "$tmp/exported" "$tmp/declared" | sed 's/^/  /'
	status=1
fi
if [ -n "$(comm -13 "$tmp/exported" "$tmp/declared")" ]; then
	echo "declared in a public header but not exported by ${lib##*/}:"
	comm -13 "$tmp/exported" "$tmp/declared" | sed 's/^/  /'
	status=1
fi
[ $status -eq 0 ] && echo "ok: ${lib##*/} exports the $(wc -l <"$tmp/declared") public functions and nothing else"
exit $status

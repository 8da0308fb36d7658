#!/usr/bin/env bash
# Runs the independent Python recomputation of the draw vectors (check_spec.py, written from
# docs/spec.md alone). Exits 77, which CTest reports as skipped, when python3 is missing.
# Usage: run_check_spec.sh [VECTORS_DIR]
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIPPED: python3 not found, the independent spec check did not run"
	exit 77
fi
exec python3 "$here/check_spec.py" "$@"

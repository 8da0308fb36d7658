#!/usr/bin/env bash
# Runs the independent Python recomputation of the draw vectors (check_spec.py, written from
# docs/spec.md alone). Exits 77, which CTest reports as skipped, when python3 is missing.
# Usage: run_check_spec.sh [VECTORS_DIR]
here=$(cd "$(dirname "$0")" && pwd)
# Debian's python3 (where the project's set-up installs python3-nacl for the signature
# check) comes first; any other python3 on PATH runs the rest and says what it skipped.
if [ -x /usr/bin/python3 ]; then
	py=/usr/bin/python3
elif command -v python3 >/dev/null 2>&1; then
	py=python3
else
	echo "SKIPPED: python3 not found, the independent spec check did not run"
	exit 77
fi
exec "$py" "$here/check_spec.py" "$@"

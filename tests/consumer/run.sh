#!/usr/bin/env bash
# run.sh — installs this build into a scratch prefix, then builds consumer.c
# against it as an outside project would: with pkg-config, and with CMake's
# find_package(yaohao CONFIG) (shared and static).  Each program must run and
# print what the engine computes.
#
# Environment (set by ctest): CMAKE, PKG_CONFIG, CC, BUILD_DIR, LIBDIR (the
# install's library directory, relative), VERSION, and CONSUMER_FLAGS: flags for
# both builds (a sanitizer build's library needs the sanitizer runtime first).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
read -r -a flags <<<"${CONSUMER_FLAGS:-}"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$CMAKE" --install "$BUILD_DIR" --prefix "$prefix" >/dev/null
for f in "$LIBDIR/cmake/yaohao/yaohaoConfig.cmake" "$LIBDIR/cmake/yaohao/yaohaoConfigVersion.cmake" \
         "$LIBDIR/pkgconfig/yaohao.pc" include/yaohao/yaohao.h include/yaohao/version.h; do
	[ -f "$prefix/$f" ] || fail "cmake --install did not install $f"
done

expected="library $VERSION, headers $VERSION ($VERSION)
uscc 91350100M000100Y43: 0
uscc 91350100M000100Y44: 3, found 4, expected 3
merkle root of a, b, c: 36642e73c2540ab121e3a6bf9545b0a24982cd830eb13d3cd19de3ce6c021ec1"

check_run() { # check_run PROGRAM shared|static
	local name=${1##*/} libs out
	libs=$(LD_LIBRARY_PATH=$prefix/$LIBDIR ldd "$1")
	if [ "$2" = shared ]; then
		# The installed library, not the build tree's or the system's.
		grep -qF "=> $prefix/$LIBDIR/libyaohao.so" <<<"$libs" || fail "$name does not load the installed libyaohao"
	else
		! grep -q libyaohao <<<"$libs" || fail "$name is linked statically yet loads libyaohao"
	fi
	out=$(LD_LIBRARY_PATH=$prefix/$LIBDIR "$1") || fail "$name exited with $?"
	[ "$out" = "$expected" ] || fail "$name printed:
$out
expected:
$expected"
	echo "ok: $name"
}

# pkg-config
pc_flags=$(PKG_CONFIG_PATH=$prefix/$LIBDIR/pkgconfig "$PKG_CONFIG" --cflags --libs yaohao)
# shellcheck disable=SC2086 # pkg-config's output is a list of words
"$CC" -std=c11 -Wall -Wextra -Wstrict-prototypes -Werror "${flags[@]}" -o "$tmp/by_pkg_config" "$here/consumer.c" $pc_flags
check_run "$tmp/by_pkg_config" shared

# CMake
"$CMAKE" -S "$here" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$CC" \
	-DCMAKE_C_FLAGS="${flags[*]}" >/dev/null
grep -qx "yaohao_DIR:PATH=$prefix/$LIBDIR/cmake/yaohao" "$tmp/cmake/CMakeCache.txt" ||
	fail "find_package(yaohao) did not find the installed package"
"$CMAKE" --build "$tmp/cmake" >/dev/null
check_run "$tmp/cmake/consumer" shared
check_run "$tmp/cmake/consumer_static" static

#!/usr/bin/env bash
# cluster.sh — a throwaway PostgreSQL cluster for the tests, in a folder of its own.
#
#   cluster.sh start DIR      initdb in DIR/data and start the server, listening on a Unix socket
#                             in DIR only (no TCP); prints the URI base "postgresql:///?host=DIR"
#   cluster.sh createdb DIR NAME
#                             a new empty database NAME; prints its URI
#   cluster.sh stop DIR       stops the server (DIR stays: the caller removes it)
#
# The server runs as an unprivileged user (it refuses root): the caller's own user when not
# root, else $YAOHAO_PG_USER or "nobody", to whom DIR is given.  Clients connect as the
# cluster's superuser "yaohao" with trust authentication on the socket, which only DIR's owner
# and root can reach.  Exit 77 when no PostgreSQL server is installed (the tests skip).
# $YAOHAO_PG_OPTIONS, when set, is passed to the server after the script's own options, which it
# overrides (bench/run: fsync on, a bigger buffer pool).
set -euo pipefail

bindir=
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
	[ -x "$d/initdb" ] && { bindir=$d; break; }
done
if [ -z "$bindir" ] && command -v initdb >/dev/null; then bindir=$(dirname "$(command -v initdb)"); fi
[ -n "$bindir" ] || { echo "cluster.sh: no PostgreSQL server (initdb) installed" >&2; exit 77; }

cmd=${1:-} dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
dir=$(cd "$dir" && pwd)

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "${YAOHAO_PG_USER:-nobody}" -- "$@"
	else
		"$@"
	fi
}

case $cmd in
start)
	[ "$(id -u)" -eq 0 ] && chown "${YAOHAO_PG_USER:-nobody}" "$dir"
	chmod 700 "$dir"
	as_owner "$bindir/initdb" -D "$dir/data" -U yaohao -A trust -E UTF8 --no-locale \
		--no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	# fsync off: a test cluster's durability does not matter, its speed does
	as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-k $dir -c listen_addresses= -c fsync=off -c synchronous_commit=off ${YAOHAO_PG_OPTIONS:-}" start \
		>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
	echo "postgresql:///?host=$dir&user=yaohao"
	;;
createdb)
	name=${3:?cluster.sh createdb DIR NAME}
	"$bindir/createdb" -h "$dir" -U yaohao "$name"
	echo "postgresql:///$name?host=$dir&user=yaohao"
	;;
stop)
	[ -f "$dir/data/postmaster.pid" ] || exit 0
	as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
	;;
*)
	sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac

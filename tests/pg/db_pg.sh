#!/usr/bin/env bash
# db_pg.sh — the libpq driver's unit suite (test_db_pg.c) against a throwaway cluster.
#   db_pg.sh CLUSTER_SH TEST_DB_PG
set -u
cluster=$1 program=$2
dir=$(mktemp -d /tmp/yaohao-pg.XXXXXX)
trap 'bash "$cluster" stop "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT
bash "$cluster" start "$dir" >/dev/null
rc=$?
[ "$rc" -eq 77 ] && { echo "no PostgreSQL server: skipped"; exit 77; }
[ "$rc" -eq 0 ] || { echo "the cluster did not start"; exit 1; }
YAOHAO_TEST_PG=$(bash "$cluster" createdb "$dir" driver) || exit 1
YAOHAO_TEST_PG=$YAOHAO_TEST_PG "$program"

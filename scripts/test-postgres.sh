#!/usr/bin/env bash
# The whole test suite against PostgreSQL: a database of its own, each store path (and each
# :memory: store) a schema of its own in it, dropped afterwards.
#   npm run test:postgres            (PostgreSQL at postgres://postgres@127.0.0.1:5432 by default)
#   MEDSHIELD_TEST_PG_SERVER=postgres://user@host:port npm run test:postgres -- FILES…
set -euo pipefail
cd "$(dirname "$0")/.."
server="${MEDSHIELD_TEST_PG_SERVER:-postgres://postgres@127.0.0.1:5432}"
db="medshield_test_$$"
psql "$server/postgres" -qAtc "CREATE DATABASE $db" >/dev/null
trap 'psql "$server/postgres" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null' EXIT
export MEDSHIELD_DATABASE_URL="$server/$db" MEDSHIELD_DATABASE_SCHEMA_PER_PATH=1
if [ $# -eq 0 ]; then set -- src/*/*.test.ts src/*/*/*.test.ts; fi
node --import tsx --test --test-concurrency=2 "$@"

#!/usr/bin/env bash
# Checks that the SQL of linkdex's ClickHouse backend runs on a current ClickHouse engine (chdb,
# embedded) and answers exactly as the 18.16 server does: scripts/chdb_check.py does the work.
#
#   scripts/chdb_check.sh BINARY CLICKHOUSE_URL
#
# BINARY is a built linkdex, CLICKHOUSE_URL the HTTP URL of a ClickHouse 18.16 node (e.g. the
# single node of scripts/clickhouse.sh: CLICKHOUSE_URL in its DIR/env). The venv lives in
# target/chdb-venv and is reused; chdb is pinned in scripts/chdb-requirements.txt. Scratch files
# (generated records, requests and their SQL, the chdb session) go to target/chdb-check.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ "$#" -eq 2 ] || { echo "usage: $0 BINARY CLICKHOUSE_URL" >&2; exit 2; }
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
url="$2"
[ -x "$bin" ] || { echo "chdb_check.sh: $bin is not an executable" >&2; exit 2; }
venv="$root/target/chdb-venv"
requirements="$root/scripts/chdb-requirements.txt"
chdb_version="$(sed -n 's/^chdb==//p' "$requirements")"

if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's python3 without venv/ensurepip: install them, then try again.
    rm -rf "$venv"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y python3 python3-venv
    python3 -m venv "$venv"
  fi
fi
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('chdb') != '$chdb_version')" 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir -r "$requirements"
fi
exec "$venv/bin/python" "$root/scripts/chdb_check.py" --linkdex "$bin" --clickhouse-url "$url" \
  --workdir "$root/target/chdb-check"

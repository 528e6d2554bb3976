#!/usr/bin/env bash
# Runs scripts/python_client_test.py (the official DataForSEO Python client) against a running
# linkdex server. The venv lives in target/pyclient-venv and is reused.
#
#   scripts/python_client_test.sh [URL]      # or LINKDEX_URL; default http://127.0.0.1:8080
#   env: LINKDEX_LOGIN, LINKDEX_PASSWORD, LINKDEX_TARGETS, LINKDEX_EXPECT_TOTAL, LINKDEX_EXPECT_MIN_ITEMS
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/target/pyclient-venv"
client_version="2.1.10"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('dataforseo-client') != '$client_version')" 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir "dataforseo-client==$client_version"
fi
exec "$venv/bin/python" "$root/scripts/python_client_test.py" "$@"

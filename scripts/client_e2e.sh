#!/usr/bin/env bash
# End to end with the official DataForSEO Python client: build an index with `linkdex gen`,
# serve it on a free loopback port, run scripts/python_client_test.sh against it, stop it with
# SIGTERM and check it exits cleanly.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Python 3 with venv/ensurepip for the client's venv: present here, installed from Debian if not.
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y python3 python3-venv
fi
# The debug build that the test run already made: no second (release) build of every crate in CI.
cargo build -p linkdex
bin="$root/target/debug/linkdex"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" --data "$work/idx" gen --records 20000 --seed 7 >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LINKDEX_USERS='alice:secret' "$bin" --data "$work/idx" serve --listen "127.0.0.1:$port" 2>"$work/server.log" &
server=$!
for _ in $(seq 100); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=1)" 2>/dev/null && break
  sleep 0.1
done

# The exact total the CLI computes for the same request: the client must see the same.
echo '[{"targets":{"1":"t0.com","2":"t1.com"}}]' > "$work/q.json"
total="$("$bin" --data "$work/idx" query "$work/q.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tasks"][0]["result"][0]["total_count"])')"
LINKDEX_TARGETS="t0.com,t1.com" LINKDEX_EXPECT_TOTAL="$total" LINKDEX_EXPECT_MIN_ITEMS=4 \
  scripts/python_client_test.sh "http://127.0.0.1:$port"

kill -TERM "$server"
wait "$server"
echo "client_e2e: server exited cleanly after SIGTERM (total_count $total)"

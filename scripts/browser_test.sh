#!/usr/bin/env bash
# The Link Gap page in a real browser: Debian's chromium (installed with apt-get when missing)
# driven by playwright-core from npm (scripts/browser, lock file committed; no browser download).
# Builds an index with `linkdex gen`, serves it on a free loopback port, runs
# scripts/browser/link_gap.test.mjs against it, and leaves target/screenshots/link-gap.png.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
fi
(cd scripts/browser && npm ci --no-audit --no-fund --loglevel=error)

# The debug build that the test run already made: no second (release) build in CI.
cargo build -p linkdex
bin="$root/target/debug/linkdex"
work="$(mktemp -d)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

"$bin" --data "$work/idx" gen --records 100000 --seed 7 >/dev/null
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
LINKDEX_USERS='alice:secret' "$bin" --data "$work/idx" serve --listen "127.0.0.1:$port" 2>"$work/server.log" &
server=$!
for _ in $(seq 100); do
  node -e "fetch('http://127.0.0.1:$port/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" && break
  sleep 0.1
done

status=0
LINKDEX_URL="http://127.0.0.1:$port" LINKDEX_LOGIN='alice:secret' \
  SCREENSHOT="$root/target/screenshots/link-gap.png" USER_DATA_DIR="$work/profile" \
  node scripts/browser/link_gap.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "browser_test: failed; server log:" >&2
  tail -n 20 "$work/server.log" >&2
  exit "$status"
fi

kill -TERM "$server"
wait "$server"
server=""
echo "browser_test: ok (screenshot in target/screenshots/link-gap.png)"

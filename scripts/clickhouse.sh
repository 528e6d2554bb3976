#!/usr/bin/env bash
# Throwaway ClickHouse servers for tests (Debian's clickhouse-server 18.16).
#
#   scripts/clickhouse.sh start DIR   start three servers on free loopback ports:
#                                       single  a standalone node
#                                       s1, s2  the two shards of cluster `linkdex_2shards`
#                                     (every server also has `linkdex_single`, a cluster of itself).
#                                     Writes DIR/env (CLICKHOUSE_URL, CLICKHOUSE_S1_URL,
#                                     CLICKHOUSE_S2_URL, CLICKHOUSE_CLUSTER) and DIR/pids.
#   scripts/clickhouse.sh stop DIR    SIGTERM the servers in DIR/pids, SIGKILL after 5 s.
#
# Each server lives in DIR/<name>/ (config/, data/, tmp/, logs/, stdout.log); the configs are
# generated from the templates in scripts/clickhouse/. User `default`, no password, not readonly.
# Installs clickhouse-server from apt if /usr/sbin/clickhouse-server is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
templates="$here/clickhouse"
server_bin=/usr/sbin/clickhouse-server
names=(single s1 s2)
ready_timeout=30

die() { echo "clickhouse.sh: $*" >&2; exit 1; }

usage() { die "usage: $0 start|stop DIR"; }

install_clickhouse() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "clickhouse.sh: installing clickhouse-server from apt" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y clickhouse-server clickhouse-client \
    || { $sudo apt-get update && $sudo env DEBIAN_FRONTEND=noninteractive \
           apt-get install -y clickhouse-server clickhouse-client; }
  [ -x "$server_bin" ] || die "$server_bin still missing after apt-get install"
}

# N free TCP ports on 127.0.0.1, one a line (all held open at once, so they are distinct).
free_ports() {
  local n="$1"
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$n" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
PY
  else
    # No python3: probe random ports in the ephemeral range with bash's /dev/tcp.
    local found=() p
    while [ "${#found[@]}" -lt "$n" ]; do
      p=$((20000 + RANDOM % 30000))
      [[ " ${found[*]-} " == *" $p "* ]] && continue
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then found+=("$p"); fi
    done
    printf '%s\n' "${found[@]}"
  fi
}

# Prints the body of GET http://127.0.0.1:PORT/?query=SELECT%201 (empty if not answering).
select_one() {
  local port="$1"
  if command -v curl >/dev/null 2>&1; then
    curl -sf --max-time 2 "http://127.0.0.1:$port/?query=SELECT%201" 2>/dev/null || true
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "$port" <<'PY' 2>/dev/null || true
import sys, urllib.request
url = "http://127.0.0.1:%s/?query=SELECT%%201" % sys.argv[1]
print(urllib.request.urlopen(url, timeout=2).read().decode().strip())
PY
  else
    (
      exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 0
      printf 'GET /?query=SELECT%%201 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
      timeout 2 cat <&3 | tail -n 1
    ) 2>/dev/null || true
  fi
}

fill() { # fill TEMPLATE OUT KEY=VALUE...
  local in="$1" out="$2" expr=() kv
  shift 2
  for kv in "$@"; do expr+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
  sed "${expr[@]}" "$in" >"$out"
}

alive() { kill -0 "$1" 2>/dev/null; }

stop_pids() { # stop_pids PID...
  local pid deadline
  for pid in "$@"; do alive "$pid" && kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + 5))
  for pid in "$@"; do
    while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.05; done
  done
  for pid in "$@"; do
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  for pid in "$@"; do
    # Reap if it is our child; otherwise wait for it to disappear.
    wait "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.05; done
  done
}

cmd_start() {
  local dir="$1"
  [ -x "$server_bin" ] || install_clickhouse
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ -f "$dir/pids" ]; then
    local pid
    while read -r pid; do
      [ -n "$pid" ] && alive "$pid" && die "servers from $dir/pids still running; run: $0 stop $dir"
    done <"$dir/pids"
    rm -f "$dir/pids"
  fi

  local t0 ports
  t0="$(date +%s.%N)"
  mapfile -t ports < <(free_ports $((3 * ${#names[@]})))
  [ "${#ports[@]}" -eq $((3 * ${#names[@]})) ] || die "could not find free ports"

  declare -A http tcp inter
  local i=0 name
  for name in "${names[@]}"; do
    http[$name]="${ports[$i]}"; tcp[$name]="${ports[$((i + 1))]}"; inter[$name]="${ports[$((i + 2))]}"
    i=$((i + 3))
  done

  local started=()
  declare -A pid_of
  trap 'stop_pids "${started[@]}"' ERR
  for name in "${names[@]}"; do
    local sd="$dir/$name"
    mkdir -p "$sd/config/config.d" "$sd/data" "$sd/tmp" "$sd/logs" "$sd/user_files" "$sd/format_schemas"
    rm -f "$sd/config/config.d/"*.xml
    fill "$templates/config.xml.in" "$sd/config/config.xml" \
      "NAME=$name" "DIR=$sd" "HTTP_PORT=${http[$name]}" "TCP_PORT=${tcp[$name]}" \
      "INTERSERVER_PORT=${inter[$name]}"
    cp "$templates/users.xml" "$sd/config/users.xml"
    if [ "$name" != single ]; then
      fill "$templates/cluster_2shards.xml.in" "$sd/config/config.d/cluster_2shards.xml" \
        "S1_TCP_PORT=${tcp[s1]}" "S2_TCP_PORT=${tcp[s2]}"
    fi
    # Foreground mode (no --daemon), backgrounded here; runs as the current user.
    (cd "$sd" && exec "$server_bin" --config-file="$sd/config/config.xml" \
      >"$sd/stdout.log" 2>&1 </dev/null) &
    started+=("$!")
    pid_of[$name]="$!"
  done
  printf '%s\n' "${started[@]}" >"$dir/pids"

  local deadline=$((SECONDS + ready_timeout)) pending=("${names[@]}") still
  while [ "${#pending[@]}" -gt 0 ]; do
    still=()
    for name in "${pending[@]}"; do
      if ! alive "${pid_of[$name]}"; then
        echo "clickhouse.sh: server $name exited during startup" >&2
        tail -n 30 "$dir/$name/stdout.log" "$dir/$name/logs/clickhouse-server.err.log" >&2 2>/dev/null || true
        false
      fi
      [ "$(select_one "${http[$name]}")" = 1 ] || still+=("$name")
    done
    pending=("${still[@]+"${still[@]}"}")
    [ "${#pending[@]}" -eq 0 ] && break
    if [ "$SECONDS" -ge "$deadline" ]; then
      for name in "${pending[@]}"; do
        echo "clickhouse.sh: server $name not answering SELECT 1 after ${ready_timeout}s" >&2
        tail -n 30 "$dir/$name/stdout.log" "$dir/$name/logs/clickhouse-server.err.log" >&2 2>/dev/null || true
      done
      false
    fi
    sleep 0.05
  done
  trap - ERR

  cat >"$dir/env" <<EOF
CLICKHOUSE_URL=http://127.0.0.1:${http[single]}
CLICKHOUSE_S1_URL=http://127.0.0.1:${http[s1]}
CLICKHOUSE_S2_URL=http://127.0.0.1:${http[s2]}
CLICKHOUSE_CLUSTER=linkdex_2shards
EOF
  local t1
  t1="$(date +%s.%N)"
  echo "clickhouse.sh: 3 servers ready in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')s; see $dir/env" >&2
}

cmd_stop() {
  local dir="$1" pids=()
  [ -f "$dir/pids" ] || { echo "clickhouse.sh: no $dir/pids, nothing to stop" >&2; return 0; }
  mapfile -t pids <"$dir/pids"
  [ "${#pids[@]}" -gt 0 ] && stop_pids "${pids[@]}"
  rm -f "$dir/pids"
}

[ "$#" -eq 2 ] || usage
case "$1" in
  start) cmd_start "$2" ;;
  stop) cmd_stop "$2" ;;
  *) usage ;;
esac

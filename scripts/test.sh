#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs what the tests need beyond the Rust toolchain:
# ClickHouse servers (Debian's clickhouse-server, one node and a 2-shard cluster, on loopback),
# a Python venv with the official DataForSEO client, chdb, and chromium for the page test.
set -euo pipefail
cd "$(dirname "$0")/.."

# A clean build gains nothing from incremental state, which only takes disk.
export CARGO_INCREMENTAL=0
cargo build --workspace --all-targets

ch_dir="$PWD/target/clickhouse-test"
rm -rf "$ch_dir"
scripts/clickhouse.sh start "$ch_dir"
trap 'scripts/clickhouse.sh stop "$ch_dir"' EXIT
# shellcheck disable=SC1091
source "$ch_dir/env"
export LINKDEX_TEST_CLICKHOUSE_URL="$CLICKHOUSE_URL"
export LINKDEX_TEST_CLICKHOUSE_S1_URL="$CLICKHOUSE_S1_URL"
export LINKDEX_TEST_CLICKHOUSE_S2_URL="$CLICKHOUSE_S2_URL"
export LINKDEX_TEST_CLICKHOUSE_CLUSTER="$CLICKHOUSE_CLUSTER"
export LINKDEX_REQUIRE_CLICKHOUSE=1

cargo test --workspace
scripts/chdb_check.sh target/debug/linkdex "$CLICKHOUSE_URL"
scripts/client_e2e.sh
scripts/browser_test.sh

#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs what the tests need beyond the Rust toolchain
# (a Python venv with the official DataForSEO client, under target/).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --workspace --all-targets
cargo test --workspace
scripts/client_e2e.sh
scripts/browser_test.sh

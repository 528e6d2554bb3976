#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs what the tests need beyond the Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --workspace --all-targets
cargo test --workspace 2>&1 | tee target/test-output.txt
if [ -x scripts/python_client_test.sh ]; then
  scripts/python_client_test.sh
fi

#!/usr/bin/env bash
# npm test: install what is missing (Chromium included), build, then run every test layer in
# order and print one line per layer. A missing tool is an error, never a skipped layer.
source "$(dirname "$0")/lib.sh"
bash scripts/setup.sh --browser
bash scripts/build.sh

results=()
failed=0
total_started=$SECONDS
layer() {
  local name="$1"; shift
  say "── $name: $*"
  local started=$SECONDS
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - started)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - started)) s)")
    failed=$((failed + 1))
  fi
}

layer "format" cargo fmt --all --check
layer "clippy" cargo clippy --workspace --all-targets -- -D warnings
layer "clippy (wasm32, the page)" cargo clippy -p paxoscope --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings
layer "clippy (wasm32, explorer)" cargo clippy -p paxoscope --lib --target wasm32-unknown-unknown --features explorer -- -D warnings
layer "clippy (wasm32, the store's page)" cargo clippy -p paxoscope --lib --target wasm32-unknown-unknown --no-default-features --features page-quorum-kv -- -D warnings
layer "clippy (wasm32, Multi-Paxos's page)" cargo clippy -p paxoscope --lib --target wasm32-unknown-unknown --no-default-features --features page-multipaxos -- -D warnings
layer "native tests" cargo test --workspace
# Only the `wasm` test target runs in the browser; the others read files and spawn the CLI.
layer "wasm tests (headless Chromium)" wasm-pack test --mode no-install --headless --chrome crate --test wasm
layer "JS unit tests" node --test web/
layer "end-to-end (Chromium)" node --test --test-concurrency=1 tests/e2e/

echo
say "summary"
for r in "${results[@]}"; do echo "  $r"; done
passed=$(( ${#results[@]} - failed ))
echo "total time: $((SECONDS - total_started)) s"
# The closing line in the plain form CI reads: "N passed, N failed".
echo "layers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

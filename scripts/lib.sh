# Shared helpers for the set-up, build and test scripts. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# wasm-opt comes from the npm `binaryen` package; Debian's (version 108) produces modules that
# fail to instantiate, so ours must come first on PATH.
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WASM_PACK_CACHE="${WASM_PACK_CACHE:-$HOME/.cache/.wasm-pack}"
mkdir -p "$WASM_PACK_CACHE"

say() { printf '\033[1m[paxoscope]\033[0m %s\n' "$*"; }
fail() { printf '\033[31m[paxoscope] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Runs an install step, telling what it does and how long it usually takes, and turns a failure
# into a message that says what to check.
install_step() {
  local what="$1" duration="$2"; shift 2
  say "installing $what (usually $duration)…"
  local started=$SECONDS
  if ! "$@"; then
    fail "could not install $what. The command was: $*
  Check that this machine reaches the package registries (crates.io, the npm registry, Debian's mirrors) and try again."
  fi
  say "installed $what in $((SECONDS - started)) s"
}

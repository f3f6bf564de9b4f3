#!/usr/bin/env bash
# Installs what the build needs and is missing: the wasm32 target, wasm-pack, the wasm-bindgen CLI
# at exactly the version in Cargo.lock, and the npm devDependencies. With --browser, also
# Debian's chromium and chromium-driver for the tests. Each step checks versions first, so a
# second run installs nothing.
source "$(dirname "$0")/lib.sh"

WASM_PACK_VERSION=0.15.1

command -v cargo >/dev/null || fail "cargo is not on PATH: install Rust with rustup first (https://rustup.rs)."
command -v rustup >/dev/null || fail "rustup is not on PATH: the wasm32 target is installed through rustup."
command -v npm >/dev/null || fail "npm is not on PATH: install Node.js 20 or newer."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  install_step "the wasm32-unknown-unknown Rust target" "5 s" rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-pack --version 2>/dev/null)" != "wasm-pack $WASM_PACK_VERSION" ]; then
  install_step "wasm-pack $WASM_PACK_VERSION (compiled from crates.io; wasm-pack's own binary download does not work offline)" \
    "3–5 min, once per machine" cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
fi

# The CLI must match the library exactly, or the generated JS glue does not fit the wasm.
[ -f Cargo.lock ] || cargo generate-lockfile
BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$BINDGEN_VERSION" ] || fail "could not read the wasm-bindgen version from Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $BINDGEN_VERSION" ]; then
  install_bindgen() {
    # --locked is preferred; for some versions a pinned dependency is newer than the registry
    # copy, and then the unlocked build is the one that works.
    cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION" --locked --force ||
      { say "retrying without --locked"; cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION" --force; }
  }
  install_step "wasm-bindgen-cli $BINDGEN_VERSION (must match Cargo.lock)" "about 4 min, once per version" install_bindgen
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if [ -f package-lock.json ]; then
    install_step "npm devDependencies (binaryen for wasm-opt, esbuild, playwright-core)" "5–10 s" npm ci --no-audit --no-fund
  else
    install_step "npm devDependencies (binaryen for wasm-opt, esbuild, playwright-core)" "5–10 s" npm install --no-audit --no-fund
  fi
fi

if [ "${1:-}" = "--browser" ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt_install() {
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
      }
      install_step "Debian's chromium and chromium-driver (for the browser tests)" "about 45 s" apt_install
    else
      fail "the tests need /usr/bin/chromium and /usr/bin/chromedriver. Install them with:
  sudo apt-get install chromium chromium-driver"
    fi
  fi
fi
say "tools ready: $(wasm-pack --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}')"

#!/usr/bin/env bash
# Builds the release wasm into web/pkg and assembles dist/, the static site that any web server
# can host. Two builds of the core: `paxoscope`, which the page fetches on load, and
# `paxoscope-explorer` (cargo feature `explorer`), which only the search worker and the wasm
# benchmark fetch, so that every page load does not pay for the explorer.
source "$(dirname "$0")/lib.sh"
say "building the release wasm (about 45 s cold, seconds when warm)…"
started=$SECONDS
# --mode no-install: use the tools setup.sh installed; never let wasm-pack download them.
wasm-pack --log-level warn build crate --mode no-install --target web --release \
  --out-dir ../web/pkg --out-name paxoscope --no-typescript --no-pack
wasm-pack --log-level warn build crate --mode no-install --target web --release \
  --out-dir ../web/pkg --out-name paxoscope-explorer --no-typescript --no-pack -- --features explorer
rm -rf dist && mkdir -p dist
cp index.html dist/ && cp -r web scenarios dist/
rm -f dist/web/pkg/.gitignore
say "built web/pkg and dist/ in $((SECONDS - started)) s ($(du -k web/pkg/paxoscope_bg.wasm | cut -f1) KB wasm for the page, $(du -k web/pkg/paxoscope-explorer_bg.wasm | cut -f1) KB for the explorer)"

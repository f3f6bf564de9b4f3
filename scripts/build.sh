#!/usr/bin/env bash
# Builds the release wasm into web/pkg (imported by the page) and assembles dist/, the static
# site that any web server can host.
source "$(dirname "$0")/lib.sh"
say "building the release wasm (about 45 s cold, seconds when warm)…"
started=$SECONDS
# --mode no-install: use the tools setup.sh installed; never let wasm-pack download them.
wasm-pack --log-level warn build crate --mode no-install --target web --release \
  --out-dir ../web/pkg --out-name paxoscope --no-typescript --no-pack
rm -rf dist && mkdir -p dist
cp index.html dist/ && cp -r web scenarios dist/
rm -f dist/web/pkg/.gitignore
say "built web/pkg and dist/ in $((SECONDS - started)) s ($(du -k web/pkg/paxoscope_bg.wasm | cut -f1) KB wasm)"

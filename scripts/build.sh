#!/usr/bin/env bash
# Builds the release wasm into web/pkg and assembles dist/, the static site that any web server
# can host. Builds of the core: `paxoscope`, which the page fetches on load (Paxos);
# `page-NAME`, the page's core for each other protocol, fetched when a scenario names it; and
# `paxoscope-explorer` (cargo feature `explorer`), which only the workers and the wasm
# benchmark fetch, so that every page load does not pay for the explorer.
source "$(dirname "$0")/lib.sh"
say "building the release wasm (about 45 s cold, seconds when warm)…"
started=$SECONDS
# --mode no-install: use the tools setup.sh installed; never let wasm-pack download them. The
# page's wasm is built for size (cargo profile `page`, wasm-opt as crate/Cargo.toml says for
# custom profiles), since every load fetches it; the explorer's for speed (`--release`).
wasm-pack --log-level warn build crate --mode no-install --target web --profile page \
  --out-dir ../web/pkg --out-name paxoscope --no-typescript --no-pack -- --no-default-features
# One more page wasm per other protocol, each a `page-NAME` cargo feature (protocols::Page):
# the page fetches `pkg/page-NAME.js` when a scenario names NAME, so that loading the default
# scenario pays for one protocol's code only.
for feature in $(grep -o '^page-[a-z0-9-]*' crate/Cargo.toml); do
  wasm-pack --log-level warn build crate --mode no-install --target web --profile page \
    --out-dir ../web/pkg --out-name "$feature" --no-typescript --no-pack -- --no-default-features --features "$feature"
done
# The page's list of those cores (web/main.js imports it): which protocols have a page wasm of
# their own, so that a link to one fetches that wasm and never the default one first.
names=$(grep -o '^page-[a-z0-9-]*' crate/Cargo.toml | sed 's/^page-\(.*\)$/"\1"/' | paste -sd, -)
printf '// Written by scripts/build.sh from the page-NAME features of crate/Cargo.toml.\nexport const PAGE_CORES = [%s];\n' "$names" > web/pkg/cores.js
wasm-pack --log-level warn build crate --mode no-install --target web --release \
  --out-dir ../web/pkg --out-name paxoscope-explorer --no-typescript --no-pack -- --features explorer
# dist/ is what ships: the page's modules and the wasm-bindgen glue bundled and minified with
# esbuild (half the gzipped bytes of the sources, a few requests instead of a dozen, and the
# glue's unused exports dropped), the worker and the explorer's glue minified, the wasm as
# built. `--splitting` puts each module that main.js imports with
# `import()` (the panels and features loaded on first use) in a chunk of its own, fetched only
# when used, with what they share in common chunks. Chunks stay next to main.js, so that their
# `./pkg/` imports and `new URL(…, import.meta.url)` resolve as in web/. The sources in web/
# stay as they are, and the tests run both.
rm -rf dist && mkdir -p dist/web/pkg
cp index.html dist/ && cp -r scenarios dist/
esbuild() { command esbuild --log-level=warning --minify "$@"; }
esbuild web/main.js web/search-worker.js web/lens-worker.js web/setup-worker.js web/montecarlo-worker.js web/history-worker.js --bundle --splitting --format=esm --target=es2022 \
  --external:./pkg/paxoscope-explorer.js --outdir=dist/web
esbuild web/style.css --outfile=dist/web/style.css
esbuild web/quorums.css --outfile=dist/web/quorums.css
esbuild web/history.css --outfile=dist/web/history.css
esbuild web/pkg/paxoscope-explorer.js --format=esm --outdir=dist/web/pkg
cp web/pkg/*.wasm dist/web/pkg/
say "built web/pkg and dist/ in $((SECONDS - started)) s ($(du -k web/pkg/paxoscope_bg.wasm | cut -f1) KB wasm for the page, $(du -k web/pkg/paxoscope-explorer_bg.wasm | cut -f1) KB for the explorer)"

#!/usr/bin/env bash
# npm run bench: the native benchmarks, the simulation in wasm against native, then the page's
# own costs in Chromium (weight, first frame, frame time with 300+ messages in flight, CPU while
# paused), and the Monte Carlo estimate in the Quorums tab's worker.
source "$(dirname "$0")/lib.sh"
bash scripts/setup.sh --browser
bash scripts/build.sh
cargo bench -p paxoscope --bench simulation
node scripts/bench-wasm.mjs
node scripts/bench-page.mjs
node scripts/bench-montecarlo.mjs

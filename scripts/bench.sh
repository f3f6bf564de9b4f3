#!/usr/bin/env bash
# npm run bench: the native benchmarks (Paxos's, the quorum store's and Multi-Paxos's), the simulation in wasm against native, then the page's
# own costs in Chromium (weight, first frame, frame time with 300+ messages in flight, a Multi-Paxos run's weight and frame time, CPU while
# paused), the Monte Carlo estimate in the Quorums tab's worker, the linearizability checker
# natively and in the History tab's worker, and scrubbing a run of about 100,000 events.
source "$(dirname "$0")/lib.sh"
bash scripts/setup.sh --browser
bash scripts/build.sh
cargo bench -p paxoscope --bench simulation
cargo bench -p paxoscope --bench linearizability
cargo bench -p paxoscope --bench quorum_kv
cargo bench -p paxoscope --bench multipaxos
node scripts/bench-wasm.mjs
node scripts/bench-page.mjs
node scripts/bench-multipaxos-page.mjs
node scripts/bench-montecarlo.mjs
node scripts/bench-history.mjs
node scripts/bench-scrub.mjs

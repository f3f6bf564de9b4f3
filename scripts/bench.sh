#!/usr/bin/env bash
# npm run bench: the native benchmarks.
source "$(dirname "$0")/lib.sh"
bash scripts/setup.sh
bash scripts/build.sh
cargo bench -p paxoscope --bench simulation

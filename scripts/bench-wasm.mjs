// The simulation's speed in WebAssembly (V8, under Node) against the native build, on the same
// swarm seeds with the event log on: `node scripts/bench-wasm.mjs [SEEDS]` after a build. It runs
// the `explorer` build (the one with `benchSwarm`), which is built for speed like the native one;
// the page's own build is built for size (see scripts/build.sh).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import init, { benchSwarm } from '../web/pkg/paxoscope-explorer.js';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const seeds = Number(process.argv[2] ?? 20000);
await init({ module_or_path: readFileSync(`${root}/web/pkg/paxoscope-explorer_bg.wasm`) });

const cli = `${root}/target/release/paxoscope`;
execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'paxoscope', '--bin', 'paxoscope'], { cwd: root, stdio: 'inherit' });

benchSwarm(0, 500); // warm-up: let V8 tier the code up before timing
// This machine's speed drifts by a third from one second to the next, so each wasm run is
// paired with a native run right after it, and the ratio is the median over the pairs: two
// runs a second apart see the same machine far more often than the best of each side do.
const REPETITIONS = 9;
const pairs = [];
let events = 0;
for (let i = 0; i < REPETITIONS; i++) {
  const started = performance.now();
  events = benchSwarm(0, seeds);
  const wasmSeconds = (performance.now() - started) / 1000;
  const native = JSON.parse(execFileSync(cli, ['swarm', '--seeds', String(seeds), '--log', 'on']).toString());
  if (native.events !== events) throw new Error(`native ran ${native.events} events, wasm ${events}: the builds disagree`);
  pairs.push({ wasm: events / wasmSeconds, native: native.events / native.seconds });
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const ratios = pairs.map((p) => p.native / p.wasm).sort((a, b) => a - b);

console.log(`swarm seeds: ${seeds}, events: ${events} (log on, ${REPETITIONS} wasm/native pairs)`);
console.log(`sim_events_per_second_native_log_on: ${Math.round(median(pairs.map((p) => p.native)))} (median; best ${Math.round(Math.max(...pairs.map((p) => p.native)))})`);
console.log(`sim_events_per_second_wasm_node_log_on: ${Math.round(median(pairs.map((p) => p.wasm)))} (median; best ${Math.round(Math.max(...pairs.map((p) => p.wasm)))})`);
console.log(`wasm_slowdown_ratio: ${median(ratios).toFixed(2)} (median of the pairs; they ranged ${ratios[0].toFixed(2)}-${ratios[ratios.length - 1].toFixed(2)})`);

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
// Wasm and native runs take turns, and each keeps its best: this machine's speed drifts from
// minute to minute, and a slow spell should not fall on one side only.
const REPETITIONS = 5;
const runs = [];
const native = [];
for (let i = 0; i < REPETITIONS; i++) {
  const started = performance.now();
  const events = benchSwarm(0, seeds);
  runs.push({ events, seconds: (performance.now() - started) / 1000 });
  native.push(JSON.parse(execFileSync(cli, ['swarm', '--seeds', String(seeds), '--log', 'on']).toString()));
}
const best = runs.reduce((a, b) => (a.seconds < b.seconds ? a : b));
const wasmRate = best.events / best.seconds;
const nativeBest = native.reduce((a, b) => (a.seconds < b.seconds ? a : b));
if (nativeBest.events !== best.events) throw new Error(`native ran ${nativeBest.events} events, wasm ${best.events}: the builds disagree`);
const nativeRate = nativeBest.events / nativeBest.seconds;

console.log(`swarm seeds: ${seeds}, events: ${best.events} (log on, best of ${REPETITIONS}, taking turns)`);
console.log(`sim_events_per_second_native_log_on: ${Math.round(nativeRate)}`);
console.log(`sim_events_per_second_wasm_node_log_on: ${Math.round(wasmRate)}`);
console.log(`wasm_slowdown_ratio: ${(nativeRate / wasmRate).toFixed(2)}`);

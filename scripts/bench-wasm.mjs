// The simulation's speed in WebAssembly (V8, under Node) against the native build, on the same
// swarm seeds with the event log on: `node scripts/bench-wasm.mjs [SEEDS]` after a build. It runs
// the `explorer` build (the one with `benchSwarm`), which is built for speed like the native one;
// the page's own build is built for size (see scripts/build.sh).
//
// This machine's speed swings by a third from one second to the next, and a whole Node process
// can stay in a slow spell. So the runs are spread over several fresh Node processes, each taking
// turns between a wasm run and a native run (a fresh process too), and each side keeps its
// best: noise only ever slows a run down. The medians and the spread of the back-to-back pairs'
// ratios are printed alongside.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const cli = `${root}/target/release/paxoscope`;
const PROCESSES = 5;
const PAIRS_PER_PROCESS = 5;

const nativeRun = (seeds) => {
  const report = JSON.parse(execFileSync(cli, ['swarm', '--seeds', String(seeds), '--log', 'on']).toString());
  return { events: report.events, rate: report.events / report.seconds };
};

if (process.argv[2] === '--pairs') {
  // One Node process's share: load the wasm, warm it up, then take turns.
  const seeds = Number(process.argv[3]);
  const { default: init, benchSwarm } = await import('../web/pkg/paxoscope-explorer.js');
  await init({ module_or_path: readFileSync(`${root}/web/pkg/paxoscope-explorer_bg.wasm`) });
  benchSwarm(0, 500); // warm-up: let V8 tier the code up before timing
  const pairs = [];
  for (let i = 0; i < PAIRS_PER_PROCESS; i++) {
    const started = performance.now();
    const events = benchSwarm(0, seeds);
    const wasm = { events, rate: events / ((performance.now() - started) / 1000) };
    pairs.push({ wasm, native: nativeRun(seeds) });
  }
  console.log(JSON.stringify(pairs));
} else {
  const seeds = Number(process.argv[2] ?? 20000);
  execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'paxoscope', '--bin', 'paxoscope'], { cwd: root, stdio: 'inherit' });
  const pairs = [];
  for (let p = 0; p < PROCESSES; p++) {
    const args = [fileURLToPath(import.meta.url), '--pairs', String(seeds)];
    pairs.push(...JSON.parse(execFileSync(process.execPath, args).toString()));
  }
  for (const { wasm, native } of pairs) {
    if (wasm.events !== native.events) throw new Error(`native ran ${native.events} events, wasm ${wasm.events}: the builds disagree`);
  }
  const sorted = (values) => [...values].sort((a, b) => a - b);
  const median = (values) => sorted(values)[values.length >> 1];
  const wasmRates = pairs.map((p) => p.wasm.rate);
  const nativeRates = pairs.map((p) => p.native.rate);
  const ratios = sorted(pairs.map((p) => p.native.rate / p.wasm.rate));
  const best = (rates) => Math.max(...rates);

  console.log(`swarm seeds: ${seeds}, events: ${pairs[0].wasm.events} (log on; ${pairs.length} wasm/native pairs in ${PROCESSES} Node processes)`);
  console.log(`sim_events_per_second_native_log_on: ${Math.round(best(nativeRates))} (best; median ${Math.round(median(nativeRates))})`);
  console.log(`sim_events_per_second_wasm_node_log_on: ${Math.round(best(wasmRates))} (best; median ${Math.round(median(wasmRates))})`);
  console.log(`wasm_slowdown_ratio: ${(best(nativeRates) / best(wasmRates)).toFixed(2)} (best against best; back-to-back pairs: median ${median(ratios).toFixed(2)}, range ${ratios[0].toFixed(2)}-${ratios[ratios.length - 1].toFixed(2)})`);
}

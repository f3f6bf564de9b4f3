// The Monte Carlo estimate's speed in the browser: `node scripts/bench-montecarlo.mjs` after a
// build (scripts/bench.sh runs it). The Quorums tab's worker (dist/web/montecarlo-worker.js,
// the explorer wasm) runs 10,000 seeded runs of a five-acceptor cluster, the same scenario and
// estimate as `cargo bench`'s montecarlo_10000_runs_seconds, in Debian's Chromium. The time is
// from posting the request to the result, after a one-run warm-up has loaded the wasm; the best
// of 5, since noise only slows a run down. Target: 1 s. Prints `name: value` lines; a missed
// target is reported, not an error.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { serve } from './serve.mjs';
import { LAUNCH } from '../tests/e2e/helpers.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const SITE = resolve(ROOT, 'dist');
const REPETITIONS = 5;
const TARGET_SECONDS = 1;
// The same as MONTECARLO_SCENARIO in crate/benches/simulation.rs.
const SCENARIO = JSON.stringify({
  version: 1, protocol: 'paxos', seed: 1,
  cluster: { proposers: 1, acceptors: 5, learners: 1 },
  network: { delay_ticks_min: 5, delay_ticks_max: 30, loss: 0.05, duplicate: 0 },
  schedule: [{ at: 0, propose: { node: 'p1', value: 'A' } }],
  until_ticks: 1000,
});

if (!existsSync(resolve(SITE, 'web/montecarlo-worker.js'))) {
  console.error('bench-montecarlo: dist/ is not built; run scripts/build.sh first');
  process.exit(1);
}
const { server, url } = await serve(SITE, 0);
const browser = await chromium.launch(LAUNCH);
try {
  const page = await browser.newPage();
  await page.goto(url);
  const result = await page.evaluate(async ({ scenario, repetitions }) => {
    const worker = new Worker(new URL('web/montecarlo-worker.js', location.href), { type: 'module' });
    let next = 1;
    const call = (runs) => new Promise((resolve, reject) => {
      const id = next++;
      worker.onmessage = ({ data }) => {
        if (data.id !== id || 'progress' in data) return;
        if (data.ok) resolve(data.result);
        else reject(new Error(data.error));
      };
      worker.postMessage({ id, kind: 'montecarlo', scenario, runs, p: 0.1, failure: 'uniform', sizes: [], points: 20 });
    });
    await call(1);
    let best = Infinity;
    let decided = null;
    for (let i = 0; i < repetitions; i++) {
      const started = performance.now();
      const { results } = await call(10000);
      best = Math.min(best, (performance.now() - started) / 1000);
      decided = results[0].estimate.decided;
    }
    worker.terminate();
    return { best, decided };
  }, { scenario: SCENARIO, repetitions: REPETITIONS });
  console.log(`montecarlo_decided: ${result.decided}`);
  console.log(`montecarlo_10000_runs_worker_seconds: ${result.best.toFixed(4)}`);
  if (result.best > TARGET_SECONDS) console.log(`# missed the target of ${TARGET_SECONDS} s`);
} finally {
  await browser.close();
  server.close();
}

// Scrubbing speed on the shipped build: `node scripts/bench-scrub.mjs` after a build
// (scripts/bench.sh runs it). A 15-server run with 30 % loss, 5 % duplication and a server
// crashed, restarted and proposing every 1,100 ticks makes about 100,000 events over 100,000
// ticks. The page opens it in Debian's Chromium, and each seek is timed from setting the
// scrubber (its `input` event, as a person's drag fires it) to the frame drawn after it: cold
// seeks to points never reached before, warm seeks back and forth between points reached, and a
// drag of 20 moves across the whole bar. Prints `name: value` lines, the p95 over every seek
// among them; the target is 50 ms p95, and a missed target is reported, not an error.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { serve } from './serve.mjs';
import { LAUNCH } from '../tests/e2e/helpers.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const SITE = resolve(ROOT, 'dist');
const TARGET_MS = 50;
const UNTIL_TICKS = 100000;
const GAP_TICKS = 1100;

const schedule = [];
for (let i = 0; i * GAP_TICKS < UNTIL_TICKS; i++) {
  const node = `s${(i % 15) + 1}`;
  schedule.push({ at: i * GAP_TICKS, crash: node }, { at: i * GAP_TICKS + 10, restart: node },
    { at: i * GAP_TICKS + 11, propose: { node, value: 'ABCDEFGH'[i % 8] } });
}
const SCENARIO = {
  version: 1, protocol: 'paxos', seed: 7, cluster: { servers: 15 },
  network: { delay_ticks_min: 5, delay_ticks_max: 40, loss: 0.3, duplicate: 0.05 },
  schedule, until_ticks: UNTIL_TICKS,
};
// Cold: each point is further than any reached before it, so the run is simulated up to it.
const COLD = [10000, 30000, 50000, 70000, 99999];
// Warm: points all reached already, far apart, in an order that goes back and forth.
const WARM = [5000, 95000, 25000, 75000, 45000, 15000, 85000, 60000, 35000, 1000];
const DRAG_MOVES = 20;

if (!existsSync(resolve(SITE, 'web/main.js'))) {
  console.error('bench-scrub: dist/ is not built; run scripts/build.sh first');
  process.exit(1);
}
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const { server, url } = await serve(SITE, 0);
const browser = await chromium.launch(LAUNCH);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${url}#json=${encodeURIComponent(JSON.stringify(SCENARIO))}`);
  await page.waitForSelector('body[data-ready=true]');
  /** Sets the scrubber to each tick in turn and returns the milliseconds until the frame after. */
  const seeks = (ticks) => page.evaluate(async (ticks) => {
    const scrubber = document.getElementById('scrubber');
    const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    const times = [];
    for (const tick of ticks) {
      await frame();
      const started = performance.now();
      scrubber.value = String(tick);
      scrubber.dispatchEvent(new Event('input', { bubbles: true }));
      await frame();
      times.push(performance.now() - started);
    }
    return times;
  }, ticks);
  const cold = await seeks(COLD);
  const events = Number((await page.locator('#clock').textContent()).match(/· (\d+) events/)[1]);
  const warm = await seeks(WARM);
  const drag = await seeks(Array.from({ length: DRAG_MOVES }, (_, i) => Math.round(((i + 1) / DRAG_MOVES) * (UNTIL_TICKS - 1))));
  const all = [...cold, ...warm, ...drag];
  const print = (name, value) => console.log(`${name}: ${typeof value === 'number' ? value.toFixed(1) : value}`);
  print('scrub_run_events', String(events));
  print('scrub_cold_ms_max', Math.max(...cold));
  print('scrub_cold_ms', cold.map((t) => t.toFixed(0)).join(' '));
  print('scrub_warm_ms_p50', percentile(warm, 50));
  print('scrub_warm_ms_max', Math.max(...warm));
  print('scrub_drag_ms_p50', percentile(drag, 50));
  print('scrub_drag_ms_max', Math.max(...drag));
  print('scrub_ms_p95', percentile(all, 95));
  if (percentile(all, 95) > TARGET_MS) console.log(`# scrub p95 target ≤ ${TARGET_MS} ms: MISSED`);
  else console.log(`# scrub p95 target ≤ ${TARGET_MS} ms: met`);
  if (problems.length) {
    console.error(`bench-scrub: page errors: ${problems.join('; ')}`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  server.close();
}

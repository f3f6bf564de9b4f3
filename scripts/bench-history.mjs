// The linearizability checker's speed in the browser: `node scripts/bench-history.mjs` after a
// build (scripts/bench.sh runs it). The History tab's worker (dist/web/history-worker.js, the
// explorer wasm) checks every history in ../shared/histories/, the same files as `cargo bench
// --bench linearizability`'s lin_total_seconds_all_histories, in Debian's Chromium. Each check
// is the tab's whole job (read the file, check it, lay it out), timed from posting the request
// to the answer, after a warm-up has loaded the wasm; the total over the files, best of 5,
// since noise only slows a run down. Porcupine takes about 1.0 s natively for a set of 118 such
// histories; the target is to be no slower than that here. Prints `name: value` lines; a missed
// target is reported, not an error, and a verdict that is not the file's is an error.
import { chromium } from 'playwright-core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { serve } from './serve.mjs';
import { LAUNCH } from '../tests/e2e/helpers.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const SITE = resolve(ROOT, 'dist');
const HISTORIES = resolve(ROOT, '../shared/histories');
const REPETITIONS = 5;
const TARGET_SECONDS = 1;

if (!existsSync(resolve(SITE, 'web/history-worker.js'))) {
  console.error('bench-history: dist/ is not built; run scripts/build.sh first');
  process.exit(1);
}
const files = readdirSync(HISTORIES).filter((name) => name.endsWith('.json')).sort()
  .map((name) => ({ name, text: readFileSync(resolve(HISTORIES, name), 'utf8') }));
const { server, url } = await serve(SITE, 0);
const browser = await chromium.launch(LAUNCH);
try {
  const page = await browser.newPage();
  await page.goto(url);
  const result = await page.evaluate(async ({ files, repetitions }) => {
    const worker = new Worker(new URL('web/history-worker.js', location.href), { type: 'module' });
    let next = 1;
    const view = (text) => new Promise((resolve, reject) => {
      const id = next++;
      worker.onmessage = ({ data }) => {
        if (data.id !== id) return;
        if (data.ok) resolve(JSON.parse(data.result));
        else reject(new Error(data.error));
      };
      worker.postMessage({ id, kind: 'view', text });
    });
    await view(files[0].text);
    let best = Infinity;
    let mismatches = [];
    for (let i = 0; i < repetitions; i++) {
      mismatches = [];
      let total = 0;
      for (const { name, text } of files) {
        const started = performance.now();
        const answer = await view(text);
        total += performance.now() - started;
        if (!answer.expected?.endsWith('so does the checker.')) mismatches.push(name);
      }
      best = Math.min(best, total / 1000);
    }
    worker.terminate();
    return { best, mismatches };
  }, { files, repetitions: REPETITIONS });
  console.log(`lin_histories: ${files.length}`);
  console.log(`lin_verdict_mismatches: ${result.mismatches.length}`);
  console.log(`lin_total_seconds_all_histories_browser: ${result.best.toFixed(4)}`);
  if (result.best > TARGET_SECONDS) console.log(`# missed the target of ${TARGET_SECONDS} s`);
  if (result.mismatches.length) {
    console.error(`bench-history: verdicts not the files': ${result.mismatches.join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  server.close();
}

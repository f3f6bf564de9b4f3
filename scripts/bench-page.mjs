// The page's own costs, measured in Debian's Chromium (headless, through playwright-core):
// `node scripts/bench-page.mjs` after a build (scripts/bench.sh runs it). Prints one `name: value`
// line per figure; lines starting with `#` are notes. Targets: page weight ≤ 100 KB gzipped,
// frame work p95 ≤ 8 ms with ≥ 300 messages in flight, near-zero CPU while paused. A missed
// target is reported, not an error; a page that does not load or a scenario that never reaches
// 300 messages in flight is an error (exit code 1). It measures dist/, the site that ships
// (scripts/build.sh bundles and minifies the modules there), not the sources in web/.
//
// 1. page_weight_gzip_bytes: every response the page fetched while loading (recorded with
//    page.on('response')), each body gzipped at level 9 with node:zlib.
// 2. first_frame_ms: navigation start → performance.mark('paxoscope-ready'), median of 5 loads,
//    each in a fresh browser context.
// 3. frame_work_ms_*: window.paxoscopeFrameTimes (web/main.js with ?perf: the JS work of each
//    animation frame) while playing a 3-proposer, 9-acceptor, 3-learner run with ≥ 300 messages
//    in flight. frame_interval_ms_*: the gaps between requestAnimationFrame timestamps over the
//    same seconds (a second rAF loop in the page), which also include style, layout, paint and
//    any long task. playing_*_ms_per_frame: CDP Performance.getMetrics deltas over the same
//    seconds divided by the number of frames (main-thread time of every kind, per frame).
// 4. paused_cpu_ms_per_s: CDP Performance.getMetrics TaskDuration over 5 s after pausing.
// 5. *_cpu_ms_*: 5 s more of playing under a Chromium trace, per frame, in thread CPU time
//    (trace `tdur`), which a busy machine inflates far less than the wall-clock figures above:
//    the rAF callback (frame_work_cpu), the whole main-thread frame (frame_main_cpu: rAF, style,
//    layout, paint, commit) and, inside the commit, cc's layer update (canvas_raster_cpu; with
//    --disable-gpu this is where the Lamport canvas's recorded drawing is rasterized). Tracing
//    itself costs a little, so compare these with each other and across runs, not with the
//    untraced wall-clock figures; they show where a frame's time goes when the machine is busy.
import { chromium } from 'playwright-core';
import { gzipSync, constants } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { serve } from './serve.mjs';
import { LAUNCH } from '../tests/e2e/helpers.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
/** What ships: the static site scripts/build.sh assembles (bundled, minified modules). */
const SITE = resolve(ROOT, 'dist');
const LOADS = 5;
const PLAY_MS = 5000;
const IDLE_MS = 5000;
const MIN_IN_FLIGHT = 300;
/** Slider position 57 ≈ 51 ticks/s: a moderate pace at which most frames move the run a tick. */
const SPEED_SLIDER = 57;

/** Three proposers start at tick 0 and keep retrying (every 40–60 ticks) while messages take
 *  250–350 ticks: rounds pile up to ~320–345 messages in flight from tick ~550 on. */
const SCENARIO = {
  version: 1,
  protocol: 'paxos',
  seed: 7,
  cluster: { proposers: 3, acceptors: 9, learners: 3 },
  network: { delay_ticks_min: 250, delay_ticks_max: 350, loss: 0, duplicate: 0 },
  quorum: { kind: 'majority' },
  bugs: [],
  timeouts: { retry_ticks_min: 40, retry_ticks_max: 60 },
  schedule: [
    { at: 0, propose: { node: 'p1', value: 'A' } },
    { at: 0, propose: { node: 'p2', value: 'B' } },
    { at: 0, propose: { node: 'p3', value: 'C' } },
  ],
  until_ticks: 3000,
};

const print = (name, value) => console.log(`${name}: ${value}`);
const note = (text) => console.log(`# ${text}`);
const round = (x, digits = 2) => Number(x.toFixed(digits));

function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
const median = (values) => quantile(values, 0.5);

/** The relative paths of the ES modules reachable from web/main.js by static imports (not the
 *  chunks it loads with `import()` on first use). Minified, several imports share a line. */
function staticImports(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(resolve(SITE, file), 'utf8');
    for (const match of text.matchAll(/(?:^|[;}])\s*(?:import|export)\b[^'"();]*?from\s*['"](\.[^'"]+)['"]/gm)) {
      visit(resolve(SITE, dirname(file), match[1]).slice(SITE.length + 1));
    }
  };
  visit(entry);
  return [...seen];
}

async function withPage(browser, fn) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  try {
    return await fn(page, problems);
  } finally {
    await context.close();
  }
}

async function waitReady(page, problems) {
  await page.waitForFunction(() => performance.getEntriesByName('paxoscope-ready').length > 0, null, { timeout: 30000 });
  const error = await page.evaluate(() => {
    const banner = document.getElementById('error');
    return banner && !banner.hidden ? banner.textContent : null;
  });
  if (error) throw new Error(`the page shows an error: ${error}`);
  if (problems.length) throw new Error(problems.join('\n'));
}

/** 1. What the page fetches while loading, gzipped. */
async function pageWeight(browser, url) {
  return withPage(browser, async (page, problems) => {
    const pending = [];
    page.on('response', (response) => {
      if (!response.url().startsWith(url)) return;
      pending.push(response.body().then(
        (body) => ({ path: new URL(response.url()).pathname.slice(1) || 'index.html', status: response.status(), body }),
        (error) => ({ path: new URL(response.url()).pathname.slice(1), status: response.status(), error })));
    });
    await page.goto(url);
    await waitReady(page, problems);
    await page.waitForLoadState('networkidle');
    const files = await Promise.all(pending);
    let gzipTotal = 0;
    let rawTotal = 0;
    const rows = [];
    for (const file of files) {
      let body = file.body;
      if (!body) {
        // Chromium may not keep a streamed body (the wasm): count the file it was served from.
        note(`no body recorded for ${file.path} (${file.error?.message ?? 'unknown'}); using the file on disk`);
        body = readFileSync(resolve(SITE, file.path));
      }
      if (file.status !== 200) throw new Error(`${file.path} was served with status ${file.status}`);
      const gz = gzipSync(body, { level: constants.Z_BEST_COMPRESSION }).length;
      gzipTotal += gz;
      rawTotal += body.length;
      rows.push({ path: file.path, gz, raw: body.length });
    }
    print('page_weight_gzip_bytes', gzipTotal);
    print('page_weight_raw_bytes', rawTotal);
    print('page_files_loaded', rows.length);
    for (const row of rows.sort((a, b) => b.gz - a.gz)) {
      print(`page_file_gzip_bytes{${row.path}}`, `${row.gz}`);
    }
    note(`page weight target ≤ 100 KB (102400 bytes) gzipped: ${gzipTotal <= 102400 ? 'met' : `MISSED by ${gzipTotal - 102400} bytes`}`);
    // Cross-check against what the sources say the page loads.
    const expected = new Set(['index.html', 'web/style.css', 'web/pkg/paxoscope_bg.wasm', ...staticImports('web/main.js')]);
    const loaded = new Set(rows.map((r) => r.path));
    const missing = [...expected].filter((p) => !loaded.has(p));
    const extra = [...loaded].filter((p) => !expected.has(p));
    if (missing.length) note(`expected from the sources but not fetched: ${missing.join(', ')}`);
    if (extra.length) note(`fetched but not a static import: ${extra.join(', ')}`);
    if (!missing.length && !extra.length) note('the fetched files are exactly index.html, style.css, the wasm and the modules main.js imports');
  });
}

/** 2. Navigation start → paxoscope-ready, fresh context each time. */
async function firstFrame(browser, url) {
  const times = [];
  for (let i = 0; i < LOADS; i++) {
    times.push(await withPage(browser, async (page, problems) => {
      await page.goto(url);
      await waitReady(page, problems);
      return page.evaluate(() => performance.getEntriesByName('paxoscope-ready')[0].startTime);
    }));
  }
  print('first_frame_ms', round(median(times), 1));
  note(`first_frame_ms over ${LOADS} fresh loads: ${times.map((t) => t.toFixed(1)).join(', ')}`);
}

async function metrics(session) {
  const { metrics: list } = await session.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** 3 and 4. Frame costs while playing a crowded run, then CPU while paused. */
async function crowdedRun(browser, url) {
  return withPage(browser, async (page, problems) => {
    await page.goto(`${url}?perf#json=${encodeURIComponent(JSON.stringify(SCENARIO))}`);
    await waitReady(page, problems);
    const inFlight = () => page.evaluate(() => document.querySelectorAll('[data-message]').length);

    // Find the first tick (in steps of 50) with enough messages in flight.
    let tick = null;
    let count = 0;
    for (let t = 0; t <= SCENARIO.until_ticks - 500; t += 50) {
      await page.locator('#scrubber').fill(String(t));
      count = await inFlight();
      if (count >= MIN_IN_FLIGHT) { tick = t; break; }
    }
    if (tick === null) throw new Error(`the scenario never has ${MIN_IN_FLIGHT} messages in flight`);
    print('seek_tick', tick);
    print('messages_in_flight_at_seek', count);
    await page.locator('#speed').fill(String(SPEED_SLIDER));
    print('speed_ticks_per_s', parseFloat(await page.locator('#speed-value').textContent()));

    const session = await page.context().newCDPSession(page);
    await session.send('Performance.enable');
    await page.waitForTimeout(500); // let the seek's link update settle
    const before = await metrics(session);
    // Start a second rAF loop and press play in the same task, so both cover the same frames.
    await page.evaluate(() => {
      const probe = (window.benchProbe = { stamps: [], counts: [], on: true });
      const loop = (t) => { if (probe.on) { probe.stamps.push(t); requestAnimationFrame(loop); } };
      requestAnimationFrame(loop);
      probe.timer = setInterval(() => probe.counts.push(document.querySelectorAll('[data-message]').length), 250);
      document.getElementById('play').click();
    });
    await page.waitForTimeout(PLAY_MS);
    const played = await page.evaluate(() => {
      const probe = window.benchProbe;
      probe.on = false;
      clearInterval(probe.timer);
      const playing = document.getElementById('play').getAttribute('aria-pressed') === 'true';
      if (playing) document.getElementById('play').click();
      return {
        stamps: probe.stamps, counts: probe.counts, work: window.paxoscopeFrameTimes.slice(), stillPlaying: playing,
        clock: document.getElementById('clock').textContent,
      };
    });
    const after = await metrics(session);
    if (!played.stillPlaying) note('the run paused by itself before the measurement ended');

    const work = played.work;
    const intervals = played.stamps.slice(1).map((t, i) => t - played.stamps[i]);
    print('frames', work.length);
    print('frame_work_ms_p50', round(median(work)));
    print('frame_work_ms_p95', round(quantile(work, 0.95)));
    print('frame_work_ms_max', round(Math.max(...work)));
    print('messages_in_flight', median(played.counts));
    note(`messages in flight while playing (every 250 ms): min ${Math.min(...played.counts)}, max ${Math.max(...played.counts)}; ended at ${played.clock}`);
    print('frame_interval_ms_p50', round(median(intervals)));
    print('frame_interval_ms_p95', round(quantile(intervals, 0.95)));
    print('frame_interval_ms_max', round(Math.max(...intervals)));
    print('fps', round(intervals.length / ((played.stamps.at(-1) - played.stamps[0]) / 1000), 1));
    const perFrame = (name) => round(((after[name] - before[name]) * 1000) / Math.max(1, work.length));
    print('playing_task_ms_per_frame', perFrame('TaskDuration'));
    print('playing_script_ms_per_frame', perFrame('ScriptDuration'));
    print('playing_style_ms_per_frame', perFrame('RecalcStyleDuration'));
    print('playing_layout_ms_per_frame', perFrame('LayoutDuration'));
    const p95 = quantile(work, 0.95);
    note(`frame work p95 target ≤ 8 ms: ${p95 <= 8 ? 'met' : 'MISSED'}`);

    // 4. Paused: nothing should run.
    await page.waitForTimeout(1000); // the pause's link update (250 ms debounce) happens here
    const idle0 = await metrics(session);
    const idleStart = Date.now();
    await page.waitForTimeout(IDLE_MS);
    const idle1 = await metrics(session);
    const seconds = (Date.now() - idleStart) / 1000;
    print('paused_cpu_ms_per_s', round(((idle1.TaskDuration - idle0.TaskDuration) * 1000) / seconds, 3));
    print('paused_script_ms_per_s', round(((idle1.ScriptDuration - idle0.ScriptDuration) * 1000) / seconds, 3));

    // 5. The same playing, traced, for CPU time per frame.
    await page.context().browser().startTracing(page, { categories: ['devtools.timeline', 'cc', 'toplevel'] });
    await page.evaluate(() => document.getElementById('play').click());
    await page.waitForTimeout(PLAY_MS);
    await page.evaluate(() => { if (document.getElementById('play').getAttribute('aria-pressed') === 'true') document.getElementById('play').click(); });
    const cpu = frameCpu(JSON.parse(await page.context().browser().stopTracing()));
    print('traced_frames', cpu.work.length);
    if (!cpu.work.length) note('the trace holds no rAF callback named `frame` (web/main.js): frame_work_cpu_ms is NaN');
    print('frame_work_cpu_ms_p50', round(median(cpu.work)));
    print('frame_work_cpu_ms_p95', round(quantile(cpu.work, 0.95)));
    print('frame_main_cpu_ms_p50', round(median(cpu.main)));
    print('frame_main_cpu_ms_p95', round(quantile(cpu.main, 0.95)));
    print('canvas_raster_cpu_ms_p50', round(median(cpu.raster)));
    if (problems.length) throw new Error(problems.join('\n'));
  });
}

/** Per-frame thread CPU (ms) on the renderer's main thread from a trace: the rAF callback named
 *  `frame` (web/main.js), each BeginMainFrame task, and cc's layer update inside it. */
function frameCpu(trace) {
  const events = trace.traceEvents ?? trace;
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map((e) => `${e.pid}:${e.tid}`));
  const on = events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  const ms = (e) => (e.tdur ?? e.dur ?? 0) / 1000;
  const work = on.filter((e) => e.name === 'FunctionCall' && e.args?.data?.functionName === 'frame').map(ms);
  const frames = on.filter((e) => e.name === 'ProxyMain::BeginMainFrame').sort((a, b) => a.ts - b.ts);
  const updates = on.filter((e) => e.name === 'LayerTreeHost::DoUpdateLayers');
  const raster = frames.map((f) => updates.filter((u) => u.ts >= f.ts && u.ts < f.ts + f.dur).reduce((sum, u) => sum + ms(u), 0));
  return { work, main: frames.map(ms), raster };
}

if (!existsSync(resolve(SITE, 'web/pkg/paxoscope_bg.wasm'))) {
  console.error('[paxoscope] error: dist/ is not built; run `bash scripts/build.sh` first.');
  process.exit(1);
}
const { server, url } = await serve(SITE, 0);
const browser = await chromium.launch(LAUNCH);
let failed = false;
try {
  note(`Chromium ${browser.version()}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start`);
  await pageWeight(browser, url);
  await firstFrame(browser, url);
  await crowdedRun(browser, url);
  note(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at end`);
} catch (error) {
  console.error(`[paxoscope] error: ${error.stack ?? error}`);
  failed = true;
} finally {
  await browser.close();
  await new Promise((r) => server.close(r));
}
process.exit(failed ? 1 : 0);

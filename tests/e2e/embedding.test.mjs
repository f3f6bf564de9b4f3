// An embed as a host page and its readers use it: what it tells the host, and the link from it
// to the full page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { start, ROOT } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

const HAPPY = readFileSync(`${ROOT}/scenarios/happy-path.json`, 'utf8');

/** A host page with one embed of the happy path, and a way to ask it things; with `below`,
 *  the embed lies that many pixels down the page, out of view. */
async function host({ below = 0 } = {}) {
  const page = await env.newPage({ viewport: { width: 1000, height: 900 } });
  await page.setContent(`
    <script>
      window.replies = [];
      window.addEventListener('message', (event) => window.replies.push(event.data));
    </script>
    <div style="height: ${below}px"></div>
    <iframe id="embed" src="${env.url}?embed&controls=play,scrubber#json=${encodeURIComponent(HAPPY)}" width="600" height="700"></iframe>`);
  await page.waitForFunction(() => window.replies.some((r) => r.event === 'ready'));
  const ask = async (message) => {
    const count = await page.evaluate(() => window.replies.length);
    await page.evaluate((m) => document.getElementById('embed').contentWindow.postMessage({ type: 'paxoscope', ...m }, '*'), message);
    await page.waitForFunction((n) => window.replies.length > n, count);
    return page.evaluate(() => window.replies.at(-1));
  };
  return { page, ask, frame: page.frame({ url: /embed/ }) };
}

test('the ready message an embed sends is the one the README documents', async () => {
  const { page } = await host();
  const ready = await page.evaluate(() => window.replies.find((r) => r.event === 'ready'));
  const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
  const documented = readme.match(/\{ type: 'paxoscope', event: 'ready', state: \{ ([\w, ]+) \} \}/);
  assert.ok(documented, 'the README documents no ready message');
  assert.deepEqual(Object.keys(ready.state).sort(), documented[1].split(', ').sort());
  await page.close();
});

test('a load the embed refuses is answered with the reason', async () => {
  const { page, ask } = await host();
  const reply = await ask({ action: 'load', scenario: HAPPY.replace('"p1", "value"', '"p9", "value"'), id: 3 });
  assert.equal(reply.ok, false);
  assert.match(reply.error, /schedule\[0\]\.propose\.node: unknown node "p9"/);
  await page.close();
});

test('Open in Paxoscope opens the full page at the embed\'s tick', async () => {
  const { page, ask, frame } = await host();
  assert.equal((await ask({ action: 'seek', tick: 120 })).state.tick, 120);
  const [full] = await Promise.all([page.context().waitForEvent('page'), frame.locator('#open-full').click()]);
  await full.waitForSelector('body[data-ready=true]');
  assert.match(await full.locator('#clock').textContent(), /^tick 120 of /);
  assert.equal(await full.locator('#error').isVisible(), false);
  await full.close();
  await page.close();
});

test('the console stayed clean in every embed', () => {
  assert.deepEqual(env.problems, []);
});

test('in a 760 px blog column the drawing\'s text stays readable, and message labels too small to read are left out', async () => {
  const before = env.problems.length;
  const sizes = async (viewport, query) => {
    const page = await env.newPage({ viewport });
    await page.goto(`${env.url}${query}#json=${encodeURIComponent(HAPPY)}&t=15`);
    await page.waitForSelector('body[data-ready=true]');
    // Screen pixels: the badge's and the name's boxes, and the message labels' size or "none".
    const seen = () => page.evaluate(() => ({
      badge: document.querySelector('[data-node=a1] .badge').getBoundingClientRect().height,
      name: document.querySelector('[data-node=a1] .name').getBoundingClientRect().height,
      labels: document.querySelector('#stage canvas').dataset.labels,
    }));
    await page.waitForFunction(() => document.querySelector('#stage canvas')?.dataset.labels !== undefined);
    const result = await seen();
    await page.close();
    return result;
  };
  const column = await sizes({ width: 760, height: 480 }, '?embed');
  // At its natural size the badge's text would be about 5 px here.
  assert.ok(column.badge >= 9, `badge ${column.badge} px`);
  assert.ok(column.name >= 11, `name ${column.name} px`);
  assert.equal(column.labels, 'none');
  // The full page on a desktop keeps its sizes and its labels.
  const desktop = await sizes({ width: 1280, height: 800 }, '');
  assert.equal(desktop.labels, '9.0');
  assert.ok(desktop.badge >= 9, `badge ${desktop.badge} px`);
  assert.deepEqual(env.problems.slice(before), []);
});

test('an embed told to play while it is off screen plays on: its run advances', async () => {
  const before = env.problems.length;
  // Far below the fold: the browser gives an off-screen frame no animation frames.
  const { page, ask } = await host({ below: 4000 });
  const started = await ask({ action: 'play' });
  assert.equal(started.state.playing, true);
  await page.waitForTimeout(1500);
  const later = await ask({ action: 'state' });
  assert.ok(later.state.tick > started.state.tick + 5, `tick ${started.state.tick} → ${later.state.tick}`);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

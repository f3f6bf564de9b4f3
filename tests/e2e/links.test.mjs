// Links, bad links, history, and embeds, as a student and a teacher use them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { start, ROOT } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

const HAPPY = readFileSync(`${ROOT}/scenarios/happy-path.json`, 'utf8');

async function open(path = '') {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(env.url + path);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}

const clock = (page) => page.locator('#clock').textContent();
const crashed = (page) => page.locator('[data-node][data-crashed=true]').evaluateAll((nodes) => nodes.map((n) => n.dataset.node));

test('a copied link reopens exactly the same run at the same tick', async () => {
  const page = await open();
  await page.locator('#scrubber').fill('30');
  await page.locator('[data-node=a1]').click();
  await page.getByRole('button', { name: 'Crash (c)' }).click();
  await page.locator('#scrubber').fill('140');
  await page.getByRole('tab', { name: 'Share' }).click();
  await page.locator('#copy-link').click();
  await page.waitForFunction(() => document.getElementById('share-link').value.includes('#s1='));
  const link = await page.locator('#share-link').inputValue();
  const original = { clock: await clock(page), status: await page.locator('#status').textContent(), crashed: await crashed(page) };
  assert.match(original.clock, /^tick 140 of/);

  const copy = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await copy.goto(link);
  await copy.waitForSelector('body[data-ready=true]');
  assert.deepEqual({ clock: await clock(copy), status: await copy.locator('#status').textContent(), crashed: await crashed(copy) }, original);
  assert.deepEqual(original.crashed, ['a1']);
  await copy.close();
  await page.close();
});

test('a link made after stepping reopens the same event inside its tick', async () => {
  const page = await open(`#json=${encodeURIComponent(HAPPY)}`);
  for (let i = 0; i < 4; i++) await page.locator('#step').click();
  await page.getByRole('tab', { name: 'Share' }).click();
  await page.locator('#copy-link').click();
  await page.waitForFunction(() => /&a=\d+/.test(document.getElementById('share-link').value));
  const link = await page.locator('#share-link').inputValue();
  const copy = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await copy.goto(link);
  await copy.waitForSelector('body[data-ready=true]');
  assert.equal(await clock(copy), await clock(page));
  await copy.close();
  await page.close();
});

test('a scenario whose seed no JavaScript number holds loads, and keeps its seed', async () => {
  const big = HAPPY.replace('"seed": 42', '"seed": 18446744073709551557');
  const page = await open(`#json=${encodeURIComponent(big)}&t=400`);
  assert.match(await page.locator('#status').textContent(), /“A” is chosen/);
  await page.getByRole('tab', { name: 'Setup' }).click();
  assert.equal(await page.locator('#setup-form [name=seed]').inputValue(), '18446744073709551557');
  await page.getByRole('button', { name: 'Apply and restart' }).click();
  await page.getByRole('tab', { name: 'Share' }).click();
  assert.equal(await page.locator('#error').isVisible(), false);
  await page.close();
});

test('a corrupted link says what is wrong and opens the default scenario, with a clean console', async () => {
  const before = env.problems.length;
  for (const [fragment, expected] of [
    ['#s1=AAAA!!!', /characters a Paxoscope link never has/],
    ['#s1=q1YqSy0qzszPU7JSMjTSUcrOK8hNBQA', /damaged|cannot be loaded/],
    [`#json=${encodeURIComponent(HAPPY.replace('"version": 1', '"version": 7'))}`, /version 7 is newer than this Paxoscope understands/],
    [`#json=${encodeURIComponent(HAPPY.replace('"p1", "value"', '"p9", "value"'))}`, /schedule\[0\]\.propose\.node: unknown node "p9"/],
    ['#s9=xyz', /newer Paxoscope \(link format s9\)/],
  ]) {
    const page = await open(fragment);
    await page.locator('#error:not([hidden])').waitFor();
    assert.match(await page.locator('#error').textContent(), expected, fragment);
    assert.equal(await page.locator('[data-node]').count(), 7, 'the default scenario is shown');
    await page.close();
  }
  assert.deepEqual(env.problems.slice(before), []);
});

test('a link to a run with a hundred million events stops it early instead of freezing the tab', async () => {
  const heavy = {
    version: 1, protocol: 'paxos', seed: 1, cluster: { servers: 15 },
    network: { delay_ticks_min: 1, delay_ticks_max: 50, loss: 0.3, duplicate: 0.3 },
    timeouts: { retry_ticks_min: 1, retry_ticks_max: 2 },
    schedule: [{ at: 0, propose: { node: 's1', value: 'A' } }, { at: 0, propose: { node: 's2', value: 'B' } },
      ...['s3', 's4', 's5', 's6', 's7', 's8', 's9'].map((node) => ({ at: 0, crash: node }))],
    until_ticks: 1000000,
  };
  const started = Date.now();
  const page = await open(`#json=${encodeURIComponent(JSON.stringify(heavy))}&t=1000000`);
  await page.getByRole('tab', { name: 'Log' }).click();
  const status = await page.locator('#status').textContent();
  assert.match(status, /stopped after 2000000 events, the most one run may have, so it ends at tick \d+/);
  // The run ends at its last event: the cursor and the scrubber go no further, and no message
  // hangs frozen in flight beyond it.
  const end = status.match(/ends at tick (\d+)/)[1];
  assert.ok(Number(end) < 1000000, end);
  assert.match(await clock(page), new RegExp(`^tick ${end} of ${end} · 2000016 events`));
  assert.equal(await page.locator('#scrubber').getAttribute('max'), end);
  await page.locator('#scrubber').fill(end);
  await page.locator('#step').click();
  assert.match(await clock(page), new RegExp(`^tick ${end} of ${end} · 2000016 events`));
  assert.ok(await page.locator('#log li').count() <= 400);
  assert.ok(Date.now() - started < 30000, `took ${Date.now() - started} ms`);
  // Still responsive: scrubbing back works.
  await page.locator('#scrubber').fill('100');
  assert.match(await clock(page), new RegExp(`^tick 100 of ${end}`));
  await page.close();
});

test('scenario text is shown as text, never as markup', async () => {
  const hostile = HAPPY.replace('"value": "A"', '"value": "<img src=x onerror=alert(1)>"');
  const page = await open(`#json=${encodeURIComponent(hostile)}&t=400`);
  assert.match(await page.locator('#status').textContent(), /“<img src=x onerror=alert\(1\)>” is chosen/);
  assert.equal(await page.locator('img').count(), 0);
  await page.close();
});

test('back and forward move between the states the person made', async () => {
  const page = await open(`#json=${encodeURIComponent(HAPPY)}&t=20`);
  const act = async (node) => {
    const hash = await page.evaluate(() => location.hash);
    await page.locator(`[data-node=${node}]`).click();
    await page.getByRole('button', { name: 'Crash (c)' }).click();
    await page.waitForFunction((old) => location.hash !== old, hash);
  };
  await act('a1');
  await act('a2');
  assert.deepEqual(await crashed(page), ['a1', 'a2']);
  await page.goBack();
  await page.waitForFunction(() => document.querySelectorAll('[data-crashed=true]').length === 1);
  assert.deepEqual(await crashed(page), ['a1']);
  await page.goForward();
  await page.waitForFunction(() => document.querySelectorAll('[data-crashed=true]').length === 2);
  assert.deepEqual(await crashed(page), ['a1', 'a2']);
  await page.close();
});

test('two embeds on one page play independently and answer postMessage', async () => {
  const page = await env.newPage({ viewport: { width: 1000, height: 1400 } });
  const fragment = `#json=${encodeURIComponent(HAPPY)}`;
  await page.setContent(`
    <script>
      window.replies = [];
      window.addEventListener('message', (event) => window.replies.push({ data: event.data }));
    </script>
    <iframe id="a" src="${env.url}?embed&controls=play,scrubber${fragment}" width="480" height="560"></iframe>
    <iframe id="b" src="${env.url}?embed&controls=play,step,scrubber&speed=400${fragment}" width="480" height="560"></iframe>`);
  await page.waitForFunction(() => window.replies.filter((r) => r.data.event === 'ready').length === 2);
  const ask = async (frame, message) => {
    const count = await page.evaluate(() => window.replies.length);
    await page.evaluate(({ frame, message }) => document.getElementById(frame).contentWindow.postMessage({ type: 'paxoscope', ...message }, '*'), { frame, message });
    await page.waitForFunction((n) => window.replies.length > n, count);
    return page.evaluate(() => window.replies.at(-1).data);
  };
  const seek = await ask('a', { action: 'seek', tick: 100, id: 1 });
  assert.equal(seek.ok, true);
  assert.equal(seek.id, 1);
  assert.equal(seek.state.tick, 100);
  assert.equal((await ask('b', { action: 'state' })).state.tick, 0);

  await ask('b', { action: 'play' });
  await page.waitForTimeout(600);
  const b = (await ask('b', { action: 'pause' })).state;
  assert.ok(b.tick > 0, `b played to tick ${b.tick}`);
  assert.equal((await ask('a', { action: 'state' })).state.tick, 100, 'a stayed where it was');

  const bad = await ask('a', { action: 'seek', tick: 'soon' });
  assert.equal(bad.ok, false);
  assert.match(bad.error, /whole number/);
  const unknown = await ask('a', { action: 'explode' });
  assert.match(unknown.error, /unknown action/);

  const finished = await ask('b', { action: 'seek', tick: 400 });
  assert.equal(finished.state.chosen, 'A');
  const loaded = await ask('b', { action: 'load', scenario: JSON.parse(HAPPY.replace('"value": "A"', '"value": "Z"')) });
  assert.equal(loaded.ok, true);
  assert.equal((await ask('b', { action: 'seek', tick: 400 })).state.chosen, 'Z');

  const frameA = page.frame({ url: /controls=play,scrubber/ });
  assert.equal(await frameA.locator('.side').isVisible(), false);
  assert.equal(await frameA.locator('#step').isVisible(), false);
  assert.equal(await frameA.locator('#play').isVisible(), true);
  await page.close();
});

test('the console stayed clean through every test', () => {
  assert.deepEqual(env.problems, []);
});

// The History tab as a student and a teacher use it: open the library's stale read and follow
// its tour, open history files from real systems (every shared Jepsen and Porcupine history,
// checked by the core's wasm in the browser), show a linearization, read the lanes as a table,
// and get a clear message for a bad file without losing what was pasted. Every assertion reads
// what the page shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { start, ROOT } from './helpers.mjs';

const SHARED = resolve(ROOT, '../shared/histories');

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

/** The page with the History tab open. */
async function openTab(viewport = { width: 1280, height: 900 }) {
  const page = await env.newPage({ viewport });
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  await page.getByRole('tab', { name: 'History' }).click();
  await page.locator('#history-file').waitFor();
  return page;
}

/** Pastes `text`, presses Check, and waits for a verdict or an error. */
async function paste(page, text) {
  const details = page.locator('.history-paste');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  await page.locator('#history-text').fill(text);
  await page.locator('#history-check').click();
  await page.locator('#history-verdict, #history-error').first().waitFor({ timeout: 30000 });
}

test('the library\'s stale read opens in the History tab, marks the get that cannot be placed, and tours it', async () => {
  const before = env.problems.length;
  const page = await openTab();
  await page.getByRole('tab', { name: 'Library' }).click();
  await page.locator('[data-history=stale-read]').click();
  await page.locator('#history-verdict').waitFor();
  assert.equal(await page.locator('#tab-history').getAttribute('aria-selected'), 'true');
  assert.match(await page.locator('#history-verdict').textContent(),
    /^Not linearizable: c2's get\(x\) returned "1", but c3's get\(x\) had already returned "2", and nothing wrote "1" since\.$/);
  assert.equal(await page.locator('#history-expected').textContent(), 'The file says not linearizable, and so does the checker.');
  // One lane per client, the failing get and the get it conflicts with marked.
  assert.deepEqual(await page.locator('.history-names .lane-name').allTextContents(), ['c1', 'c2', 'c3']);
  assert.equal(await page.locator('.history-lanes .op').count(), 5);
  assert.match(await page.locator('[data-op="4"]').getAttribute('class'), /\bfailing\b/);
  assert.match(await page.locator('[data-op="3"]').getAttribute('class'), /\bconflict\b/);
  assert.equal(await page.locator('.prefix-label').textContent(), 'no order fits up to here');
  // The tour: each step marks the operations it talks about.
  assert.match(await page.locator('.history-tour').textContent(), /step 1 of 5/);
  assert.equal(await page.locator('.history-lanes .op.marked').count(), 0);
  await page.locator('#history-tour-next').click();
  assert.match(await page.locator('[data-tour-text]').textContent(), /c1 puts “1” into x/);
  assert.deepEqual(await page.locator('.history-lanes .op.marked').evaluateAll((ops) => ops.map((o) => o.dataset.op)), ['0', '1']);
  for (let i = 0; i < 3; i += 1) await page.locator('#history-tour-next').click();
  assert.match(await page.locator('.history-tour').textContent(), /step 5 of 5/);
  assert.equal(await page.locator('#history-tour-next').count(), 0);
  await page.getByRole('button', { name: 'End tour' }).click();
  assert.equal(await page.locator('.history-tour').count(), 0);
  // No linearization to show for a history that has none.
  assert.equal(await page.locator('#history-linearization').count(), 0);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('every shared history, Jepsen\'s and Porcupine\'s, gets its known verdict from the wasm build in the browser', async () => {
  const page = await openTab();
  const files = readdirSync(SHARED).filter((name) => name.endsWith('.json')).sort();
  assert.equal(files.length, 66);
  let seen400 = false;
  for (const name of files) {
    const text = readFileSync(resolve(SHARED, name), 'utf8');
    await paste(page, text);
    assert.equal(await page.locator('#history-error').count(), 0, name);
    const expected = await page.locator('#history-expected').textContent();
    assert.match(expected, /and so does the checker\.$/, `${name}: ${expected}`);
    const ops = JSON.parse(text).ops.length;
    // A kv history opens on one key; the table counts every operation on every key.
    if (await page.locator('#history-key').count()) await page.locator('#history-key').selectOption('');
    assert.equal(await page.locator('.history-table tbody tr').count(), ops, name);
    if (ops >= 400) seen400 = true;
  }
  assert.ok(seen400, 'the sample has the 400-operation kv history');
  await page.close();
});

test('a linearizable history shows one linearization, a point inside each bar, in order', async () => {
  const page = await openTab();
  await paste(page, readFileSync(resolve(SHARED, 'handmade_h07_pending_write_takes_effect.json'), 'utf8'));
  assert.match(await page.locator('#history-verdict').textContent(), /^Linearizable/);
  assert.equal(await page.locator('.history-lanes .point').count(), 0);
  await page.locator('#history-linearization').check();
  const points = await page.locator('.history-lanes .point').evaluateAll((circles) => circles.map((c) => ({
    op: c.dataset.point, x: Number(c.getAttribute('cx')),
  })));
  assert.ok(points.length >= 3, `${points.length} points`);
  for (let i = 1; i < points.length; i += 1) assert.ok(points[i].x >= points[i - 1].x, 'the points go left to right');
  for (const { op, x } of points) {
    const rect = page.locator(`[data-op="${op}"] rect`);
    const left = Number(await rect.getAttribute('x'));
    const right = left + Number(await rect.getAttribute('width'));
    assert.ok(x > left && x <= right, `op ${op}: ${x} in [${left}, ${right}]`);
  }
  // The write that never returned is drawn open-ended, and the table says so.
  assert.match(await page.locator('.history-lanes .op.pending').first().getAttribute('class'), /pending/);
  await page.locator('.history-table summary').focus();
  await page.keyboard.press('Enter');
  assert.match(await page.locator('.history-table').textContent(), /never/);
  assert.match(await page.locator('.history-table').textContent(), /linearized 1/);
  await page.close();
});

test('a history file opened from disk is checked; a bad one gets a message naming the field and keeps the text', async () => {
  const before = env.problems.length;
  const page = await openTab();
  await page.locator('#history-file').setInputFiles(resolve(SHARED, 'kv_c01-ok.json'));
  await page.locator('#history-verdict').waitFor();
  assert.match(await page.locator('#history-verdict').textContent(), /^Linearizable/);
  for (const [text, message] of [
    ['{"model": "register", "init": "nil", "ops": [{"client": 0, "op": "read", "input": null, "output": 1, "call": 5, "return": 2}]}', /ops\[0\]/],
    ['{"model": "queue", "ops": []}', /model/],
    ['not json at all', /./],
  ]) {
    await paste(page, text);
    assert.match(await page.locator('#history-error').textContent(), message, text);
    assert.equal(await page.locator('#history-text').inputValue(), text);
    assert.equal(await page.locator('#history-verdict').count(), 0);
  }
  // Five megabytes of garbage: a message, and the tab still answers.
  await paste(page, 'x'.repeat(5 * 1024 * 1024));
  assert.match(await page.locator('#history-error').textContent(), /cannot be checked/);
  await paste(page, readFileSync(resolve(SHARED, 'handmade_h01_stale_read.json'), 'utf8'));
  assert.match(await page.locator('#history-verdict').textContent(), /^Not linearizable/);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('a kv history opens on the key that breaks it, and another key can be chosen', async () => {
  const page = await openTab();
  await paste(page, readFileSync(resolve(SHARED, 'kv_c10-bad.json'), 'utf8'));
  const key = await page.locator('#history-key').inputValue();
  assert.notEqual(key, '');
  const shown = await page.locator('.history-lanes .op').count();
  await page.locator('#history-key').selectOption('');
  assert.ok(await page.locator('.history-lanes .op').count() > shown);
  assert.equal(await page.locator('.history-lanes .op.failing').count(), 1);
  await page.close();
});

test('the tab fits a phone', async () => {
  const page = await openTab({ width: 390, height: 844 });
  await page.getByRole('tab', { name: 'Library' }).click();
  await page.locator('[data-history=stale-read]').click();
  await page.locator('#history-verdict').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
  await page.close();
});

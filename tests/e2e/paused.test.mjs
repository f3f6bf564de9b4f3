// Acting while paused, as a teacher does at the board: several actions in a row all happen at
// the cursor, in the order taken, and nothing else runs until the person plays or steps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

const clock = async (page) => {
  const [, tick, events] = (await page.locator('#clock').textContent()).match(/^tick (\d+) of \d+ · (\d+) events/);
  return { tick: Number(tick), events: Number(events) };
};

test('crashing three acceptors one after another while paused crashes them all at the cursor', async () => {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  await page.locator('#scrubber').fill('50');
  const before = await clock(page);
  assert.equal(before.tick, 50);
  for (const node of ['a1', 'a2', 'a3']) {
    await page.locator(`[data-node=${node}]`).click();
    await page.getByRole('button', { name: 'Crash (c)' }).click();
    assert.equal(await page.locator(`[data-node=${node}]`).getAttribute('data-crashed'), 'true');
  }
  // Three crash events and nothing else, all at tick 50.
  assert.deepEqual(await clock(page), { tick: 50, events: before.events + 3 });
  await page.locator('#tab-log').click();
  const last = await page.locator('#log li').evaluateAll((items) => items.slice(-3).map((li) => li.textContent));
  assert.deepEqual(last, ['t=50a1 crashed: it stops, and forgets everything it did not write to disk',
    't=50a2 crashed: it stops, and forgets everything it did not write to disk',
    't=50a3 crashed: it stops, and forgets everything it did not write to disk']);
  await page.close();
});

test('the console stayed clean while acting paused', () => {
  assert.deepEqual(env.problems, []);
});

test('acting in the past says how many later interventions it discarded, and Back brings them back', async () => {
  const before = env.problems.length;
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  const crash = async (node) => {
    await page.locator(`[data-node=${node}]`).click();
    await page.getByRole('button', { name: 'Crash (c)' }).click();
  };
  await page.locator('#scrubber').fill('50');
  await crash('a2');
  await page.waitForFunction(() => location.hash.length > 1);
  assert.equal(await page.locator('#error').isVisible(), false);
  await page.locator('#scrubber').fill('10');
  // The cursor's move is written into the link a moment later; the crash then pushes a new one.
  await page.waitForTimeout(500);
  const beforeA3 = await page.evaluate(() => location.hash);
  await crash('a3');
  const notice = page.locator('#error.notice');
  await notice.waitFor();
  assert.match(await notice.textContent(), /^Acting at tick 10 replaced what came after it: it discarded your later intervention\. The browser's Back button brings it back\./);
  await page.locator('#scrubber').fill('60');
  assert.equal(await page.locator('[data-node=a2]').getAttribute('data-crashed'), 'false');
  // The link of the run with a3's crash, once written; Back leaves it for the one before.
  await page.waitForFunction((hash) => location.hash !== hash, beforeA3);
  const withA3 = await page.evaluate(() => location.hash);
  await page.goBack();
  await page.waitForFunction((hash) => location.hash !== hash, withA3);
  await page.waitForFunction(() => document.getElementById('error').hidden);
  await page.locator('#scrubber').fill('60');
  assert.equal(await page.locator('[data-node=a2]').getAttribute('data-crashed'), 'true');
  assert.equal(await page.locator('#error').isVisible(), false);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

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

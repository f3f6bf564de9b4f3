// Reset, and Home, take the run back to where it was when it was loaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

test('Reset and Home show the run as a fresh load does, with nothing done yet', async () => {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  const fresh = { clock: await page.locator('#clock').textContent(), status: await page.locator('#status').textContent() };
  assert.match(fresh.clock, /^tick 0 of 1500 · 0 events/);
  for (const reset of [() => page.locator('#reset').click(), () => page.keyboard.press('Home')]) {
    await page.locator('#scrubber').fill('100');
    await page.locator('#stage').click({ position: { x: 5, y: 5 } });
    await reset();
    assert.equal(await page.locator('#clock').textContent(), fresh.clock);
    assert.equal(await page.locator('#status').textContent(), fresh.status);
  }
  await page.close();
});

test('the console stayed clean through Reset', () => {
  assert.deepEqual(env.problems, []);
});

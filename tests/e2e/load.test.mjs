import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

test('the page loads the wasm core and shows what it computed, with a clean console', async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await page.locator('[data-fact="core version"]').waitFor();
  assert.match(await page.locator('[data-fact="core version"]').textContent(), /^\d+\.\d+\.\d+$/);
  assert.equal(await page.locator('[data-fact="phase-2 quorum size"]').textContent(), '2');
  assert.equal(await page.locator('[data-fact="chosen"]').textContent(), 'A');
  assert.deepEqual(env.problems, []);
});

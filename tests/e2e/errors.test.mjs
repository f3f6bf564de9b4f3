// What the page says about a link or a scenario it cannot take as it is, and that it stops
// saying it once a good one replaces it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { start, ROOT } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

const MINORITY = readFileSync(`${ROOT}/scenarios/minority-partition.json`, 'utf8');
const link = (scenario, rest = '') => `#json=${encodeURIComponent(scenario)}${rest}`;

async function open(fragment) {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(env.url + fragment);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}

test('a value with a control character in it is refused, naming the field', async () => {
  for (const [value, code] of [['A\u202eB', 'U\\+202E'], ['A\u0000', 'U\\+0000']]) {
    const page = await open(link(MINORITY.replace('"value": "A"', `"value": ${JSON.stringify(value)}`), '&t=400'));
    await page.locator('#error:not([hidden])').waitFor();
    assert.match(await page.locator('#error').textContent(),
      new RegExp(`schedule\\[1\\]\\.propose\\.value: must not contain control characters, and it has ${code}`));
    assert.doesNotMatch(await page.locator('#status').textContent(), /[\u0000\u202e]/);
    assert.equal(await page.locator('[data-node]').count(), 7, 'the default scenario is shown');
    await page.close();
  }
});

test('a link with a bad time cursor says the linked scenario is shown, from tick 0', async () => {
  const page = await open(link(MINORITY, '&t=-5'));
  await page.locator('#error:not([hidden])').waitFor();
  const said = await page.locator('#error span').textContent();
  assert.match(said, /time cursor \(t=-5\) is not a tick number, so the run starts at tick 0/);
  assert.doesNotMatch(said, /default scenario/);
  assert.deepEqual(await page.locator('[data-node]').evaluateAll((nodes) => nodes.map((n) => n.dataset.node)), ['s1', 's2', 's3']);
  assert.match(await page.locator('#clock').textContent(), /^tick 0 of 700/);
  await page.close();
});

test('a good link opened after a bad one takes the bad one\'s error away', async () => {
  const page = await open('#s1=AAAA!!!');
  await page.locator('#error:not([hidden])').waitFor();
  await page.evaluate((fragment) => { location.hash = fragment; }, link(MINORITY, '&t=100'));
  await page.waitForFunction(() => /^tick 100 of 700/.test(document.getElementById('clock').textContent));
  assert.equal(await page.locator('#error').isVisible(), false);
  await page.close();
});

test('the console stayed clean through every error test', () => {
  assert.deepEqual(env.problems, []);
});

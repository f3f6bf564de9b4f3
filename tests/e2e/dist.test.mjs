// The site as it ships: dist/, where scripts/build.sh bundles and minifies the page's modules,
// the search worker and the wasm-bindgen glue. The other end-to-end tests use the sources in
// web/; these check that the bundle works the same: it loads with a clean console, plays until
// a value is learned, and its search worker loads the explorer's wasm and finds a violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { start, ROOT } from './helpers.mjs';

const SITE = resolve(ROOT, 'dist');

let env;
before(async () => {
  assert.ok(existsSync(resolve(SITE, 'web/main.js')), 'dist/ is built by scripts/build.sh');
  env = await start(SITE);
});
after(async () => { await env.stop(); });

test('dist/ holds one bundled module for the page instead of the sources', () => {
  assert.deepEqual(readdirSync(resolve(SITE, 'web')).sort(), ['main.js', 'pkg', 'search-worker.js', 'style.css']);
});

test('the built page plays until a value is learned', async () => {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  const fetched = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  assert.ok(!fetched.some((path) => path.endsWith('/stage.js')), `fetched the sources: ${fetched.join(', ')}`);
  await page.locator('#speed').fill('100');
  await page.locator('#play').click();
  await page.waitForFunction(() => /every learner has learned it/.test(document.getElementById('status').textContent), null, { timeout: 10000 });
  assert.match(await page.locator('[data-node=l1] .badge').textContent(), /^learned “[AB]”$/);
  await page.close();
});

test('the built search worker finds a violation in broken Paxos', async () => {
  const scenario = JSON.stringify({
    version: 1, protocol: 'paxos', cluster: { proposers: 2, acceptors: 3, learners: 1 },
    bugs: ['proposer_ignores_promised_value'],
    schedule: [{ at: 0, propose: { node: 'p1', value: 'A' } }, { at: 0, propose: { node: 'p2', value: 'B' } }],
  });
  const page = await env.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${env.url}#json=${encodeURIComponent(scenario)}`);
  await page.waitForSelector('body[data-ready=true]');
  await page.getByRole('tab', { name: 'Setup' }).click();
  await page.locator('#search-go').click();
  await page.locator('[data-search]').waitFor({ timeout: 60000 });
  assert.equal(await page.locator('[data-search]').getAttribute('data-search'), 'violation');
  await page.close();
});

test('the console stayed clean', () => {
  assert.deepEqual(env.problems, []);
});

// The site as it ships: dist/, where scripts/build.sh bundles and minifies the page's modules,
// the search worker and the wasm-bindgen glue. The other end-to-end tests use the sources in
// web/; these check that the bundle works the same: it loads with a clean console, plays until
// a value is learned, and its search worker loads the explorer's wasm and finds a violation.
// The panels and features the first frame does not need are chunks that the page fetches on
// first use: these tests use each one for the first time, as a person would (by keyboard where
// the person could), and check that loading the page fetched none of them.
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

test('dist/ holds the bundled page, its lazily loaded chunks and the worker instead of the sources', () => {
  const files = readdirSync(resolve(SITE, 'web')).map((name) => name.replace(/-[A-Z0-9]{8}\.js$/, '-HASH.js')).sort();
  assert.deepEqual([...new Set(files)], ['chunk-HASH.js', 'embed-HASH.js', 'history-HASH.js', 'history-worker.js', 'history.css', 'lens-worker.js', 'library-HASH.js', 'link-HASH.js', 'main.js', 'montecarlo-worker.js', 'network-HASH.js', 'page-multipaxos-HASH.js', 'page-quorum-kv-HASH.js', 'paxoscope-HASH.js', 'pkg', 'quorums-HASH.js', 'quorums.css', 'search-worker.js', 'setup-HASH.js', 'setup-worker.js', 'share-HASH.js', 'style.css']);
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

test('the built Quorums tab analyses the run\'s system and runs an estimate in its workers', async () => {
  const before = env.problems.length;
  const page = await env.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  await page.getByRole('tab', { name: 'Quorums' }).click();
  await page.locator('#lens-facts').waitFor({ timeout: 30000 });
  assert.match(await page.locator('#lens-facts').textContent(), /every read quorum meets every write quorum/i);
  await page.locator('#montecarlo-runs').fill('200');
  await page.locator('#montecarlo-go').click();
  await page.locator('#montecarlo-summary').waitFor({ timeout: 30000 });
  assert.match(await page.locator('#montecarlo-summary').textContent(), /of 200 runs decided/);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

/** The chunks of the page that are fetched only on first use (see scripts/build.sh). */
const LAZY = /\/web\/(share|library|network|setup|quorums|history|embed|link|page-quorum-kv|page-multipaxos|chunk)-[A-Z0-9]{8}\.js$/;

/** Opens the built page and returns it with the paths it has fetched so far (the list grows). */
async function open(path = '', viewport = { width: 1280, height: 800 }) {
  const page = await env.newPage({ viewport });
  const fetched = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  await page.goto(env.url + path);
  await page.waitForSelector('body[data-ready=true]');
  await page.waitForLoadState('networkidle');
  return { page, fetched };
}

/** Moves keyboard focus along the tabs, from the first, to the tab named `name`. */
async function keyboardToTab(page, name) {
  await page.locator('#tab-details').focus();
  const tabs = await page.locator('[role=tab]').count();
  for (let i = 0; i < tabs && (await page.evaluate(() => document.activeElement.textContent)) !== name; i++) {
    await page.keyboard.press('ArrowRight');
  }
  assert.equal(await page.evaluate(() => document.activeElement.textContent), name);
}

test('loading the built page fetches none of the chunks loaded on first use', async () => {
  const { page, fetched } = await open();
  const js = fetched.filter((path) => path.endsWith('.js'));
  assert.ok(js.includes('/web/main.js'), js.join(', '));
  // main.js may share a chunk with the lazy ones (dom.js), but the features' own are not fetched.
  assert.deepEqual(js.filter((path) => LAZY.test(path) && !/\/chunk-/.test(path)), []);
  // Nor another protocol's core: its glue or its wasm.
  assert.deepEqual(fetched.filter((path) => /page-(quorum-kv|multipaxos)/.test(path)), []);
  await page.close();
});

test('the built page fetches only the store\'s core for a store link, and the default core once a Paxos link follows', async () => {
  const before = env.problems.length;
  const scenario = { version: 1, protocol: 'quorum-kv', seed: 1, cluster: { replicas: 3, clients: 2 },
    schedule: [{ at: 0, request: { client: 'c1', op: 'put', key: 'x', value: '1' } }], until_ticks: 200 };
  const { page, fetched } = await open(`#json=${encodeURIComponent(JSON.stringify(scenario))}`);
  assert.ok(fetched.some((path) => path.endsWith('/pkg/page-quorum-kv_bg.wasm')), fetched.join(', '));
  // The default core is not fetched first: the link's protocol picks the one core it needs.
  assert.ok(!fetched.some((path) => path.endsWith('/pkg/paxoscope_bg.wasm')), fetched.join(', '));
  assert.match(await page.locator('#version').textContent(), /^Paxoscope core \d+\.\d+\.\d+/);
  await page.locator('#scrubber').fill('200');
  assert.equal(await page.locator('#stage [data-headline]').textContent(), '1 of 1 operations returned');
  // A Paxos link pasted into the same tab fetches the default core then, and runs it.
  const paxos = { version: 1, protocol: 'paxos', cluster: { proposers: 1, acceptors: 3, learners: 1 },
    schedule: [{ at: 0, propose: { node: 'p1', value: 'A' } }] };
  await page.evaluate((hash) => { location.hash = hash; }, `#json=${encodeURIComponent(JSON.stringify(paxos))}`);
  await page.locator('[data-node="a3"]').waitFor();
  assert.ok(fetched.some((path) => path.endsWith('/pkg/paxoscope_bg.wasm')), fetched.join(', '));
  await page.locator('#scrubber').fill('200');
  assert.match(await page.locator('#status').textContent(), /every learner has learned it/);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('Share, first used from the keyboard, copies a link to this run', async () => {
  const { page, fetched } = await open();
  await page.locator('#scrubber').fill('40');
  await keyboardToTab(page, 'Share');
  await page.locator('#copy-link').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('share-link').value.includes('#s1='));
  assert.match(await page.locator('#share-link').inputValue(), /#s1=[\w-]+&t=40(&a=\d+)?$/);
  assert.match(await page.locator('#copy-status').textContent(), /Copied|Copy the selected link/);
  assert.ok(fetched.some((path) => /\/share-/.test(path)), fetched.join(', '));
  await page.close();
});

test('the Library, first used from the keyboard, lists the scenarios and starts a tour', async () => {
  const { page } = await open();
  await keyboardToTab(page, 'Library');
  const first = page.locator('#panel-library [data-scenario]').first();
  await first.waitFor();
  await first.focus();
  await page.keyboard.press('Enter');
  await page.locator('#tour [data-tour-text]').waitFor();
  assert.match(await page.locator('#tour h2').textContent(), /step 1 of \d+/);
  await page.close();
});

test('Network, first used from the keyboard, shows the quorums and partitions the cluster', async () => {
  const { page, fetched } = await open();
  await keyboardToTab(page, 'Network');
  await page.locator('#panel-network select[data-node=p1]').waitFor();
  assert.match(await page.locator('#panel-network').textContent(), /Quorums/);
  assert.equal(await page.locator('#panel-network [data-focus-key=heal]').isDisabled(), true);
  await page.locator('#panel-network select[data-node=p1]').selectOption('1');
  await page.locator('#panel-network [data-focus-key=partition]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('#panel-network [data-focus-key=heal]').disabled);
  assert.ok(fetched.some((path) => /\/network-/.test(path)), fetched.join(', '));
  await page.close();
});

test('Setup, first used from the keyboard, shows the form and the search, which runs', async () => {
  // One proposer: few enough states for the search to see them all within its default limit.
  const scenario = JSON.stringify({
    version: 1, protocol: 'paxos', cluster: { proposers: 1, acceptors: 3, learners: 1 },
    schedule: [{ at: 0, propose: { node: 'p1', value: 'A' } }],
  });
  const { page } = await open(`#json=${encodeURIComponent(scenario)}`);
  await keyboardToTab(page, 'Setup');
  await page.locator('#setup-form [name=seed]').waitFor();
  assert.equal(await page.locator('#setup-form [name=proposers]').inputValue(), '1');
  await page.locator('#search-go').focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-search]').waitFor({ timeout: 60000 });
  assert.equal(await page.locator('[data-search]').getAttribute('data-search'), 'safe');
  await page.close();
});

test('an embedded built page shows only the chosen controls and answers its host', async () => {
  const page = await env.newPage({ viewport: { width: 800, height: 700 } });
  await page.setContent(`
    <script>
      window.replies = [];
      window.addEventListener('message', (event) => window.replies.push(event.data));
    </script>
    <iframe src="${env.url}?embed&controls=play,scrubber&start=50" width="600" height="600"></iframe>`);
  await page.waitForFunction(() => window.replies.some((r) => r.event === 'ready'));
  assert.equal(await page.evaluate(() => window.replies.find((r) => r.event === 'ready').state.tick), 50);
  const frame = page.frame({ url: /embed/ });
  assert.equal(await frame.locator('body').getAttribute('class'), 'embed');
  assert.equal(await frame.locator('#play').isVisible(), true);
  assert.equal(await frame.locator('#step').isVisible(), false);
  assert.equal(await frame.locator('.side').isVisible(), false);
  await frame.locator('#play').focus();
  await page.keyboard.press('Enter');
  await frame.waitForFunction(() => !/^tick 50 of/.test(document.getElementById('clock').textContent));
  await page.close();
});

test('a chunk that cannot be fetched (offline) says so in its panel, and trying again works', async () => {
  // Its own context: the failed fetch is expected to be logged, so it stays out of env.problems.
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  await page.route(/\/web\/share-/, (route) => route.abort('internetdisconnected'));
  await page.getByRole('tab', { name: 'Share' }).click();
  const warning = page.locator('#panel-share .warning');
  await warning.waitFor();
  assert.match(await warning.textContent(), /^The Share panel could not be loaded \(.+\)\. Check the connection and try again\.$/);
  assert.equal(await page.locator('#error').isHidden(), true, 'no page-wide error banner');
  await page.unroute(/\/web\/share-/);
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.locator('#copy-link').waitFor();
  assert.ok(problems.every((text) => /Failed to load resource|Failed to fetch dynamically imported module/.test(text)), problems.join('\n'));
  await context.close();
});

test('the console stayed clean', () => {
  assert.deepEqual(env.problems, []);
});

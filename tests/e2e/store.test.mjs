// The quorum-replicated store in the page, as a student meets it after Paxos: a link or a
// library entry naming `"protocol": "quorum-kv"` fetches the store's core, the drawing and its
// legend are the store's, a client takes a get or a put from the Node panel, the Setup panel
// sets the read and write quorums and warns when they need not meet, and a link replays the run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, ROOT } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

const lesson = (name) => readFileSync(join(ROOT, 'scenarios/quorum-kv', `${name}.json`), 'utf8');
const link = (text) => `#json=${encodeURIComponent(JSON.stringify(JSON.parse(text)))}`;
const clock = (page) => page.locator('#clock').textContent();
const headline = (page) => page.locator('#stage [data-headline]').textContent();

async function open(hash = '') {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(env.url + hash);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}

test('a store link opens the store: its nodes, its legend and its verdict', async () => {
  const before = env.problems.length;
  const page = await open(link(lesson('stale-read')));
  await page.locator('[data-node="r1"]').waitFor();
  assert.equal(await page.locator('#legend').textContent(), ' replica client the latest quorum');
  assert.deepEqual(await page.locator('[data-node]').evaluateAll((nodes) => nodes.map((n) => n.dataset.node)),
    ['r1', 'r2', 'r3', 'c1', 'c2']);
  assert.equal(await headline(page), '0 of 0 operations returned');
  await page.locator('#scrubber').fill('300');
  assert.equal(await headline(page), 'NOT LINEARIZABLE');
  // The ring marks the latest quorum, the get's write back to r3 alone, and the centre says so.
  const ringed = await page.locator('[data-node].highlight').evaluateAll((nodes) => nodes.map((n) => n.dataset.node));
  assert.deepEqual(ringed, ['r3']);
  assert.match(await page.locator('#stage').textContent(), /ringed: c2's write quorum for get\(x\)/);
  const banner = await page.locator('#violation').textContent();
  assert.match(banner, /^Safety violated at tick 155: c2's get\(x\) returned "" after c1's put\(x, "1"\) had completed, and nothing wrote "" since\. /);
  // The same run natively: crate/tests/transcripts/quorum-kv/stale-read.txt.
  assert.match(await clock(page), / · trace f584b54f03ace5f7$/);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('a client takes a put and a get from the Node panel, and the log and the link keep them', async () => {
  const before = env.problems.length;
  const page = await open(link(lesson('read-sees-last-write')));
  await page.locator('[data-node="c2"]').click();
  await page.locator('#input-request-Put-key').fill('y');
  await page.locator('#input-request-Put-value').fill('7');
  const opened = await page.evaluate(() => location.hash);
  await page.getByRole('button', { name: 'Put', exact: true }).click();
  await page.waitForFunction((old) => location.hash !== old, opened);
  const afterPut = await page.evaluate(() => location.hash);
  await page.getByRole('tab', { name: 'Log' }).click();
  assert.match(await page.locator('#log').textContent(), /c2 was asked to put\(y, "7"\)/);
  // From the keyboard: the get's field, then Enter.
  await page.getByRole('tab', { name: 'Node' }).click();
  await page.locator('#input-request-Get-key').fill('y');
  await page.locator('#input-request-Get-key').press('Enter');
  // The address is written a moment after an action: the link below must hold the get too.
  await page.waitForFunction((old) => location.hash !== old, afterPut);
  await page.locator('#scrubber').fill('300');
  assert.equal(await page.locator('#violation').isHidden(), true);
  assert.equal(await headline(page), '4 of 4 operations returned');
  const trace = (await clock(page)).split(' · trace ')[1];
  // The link replays the run with both requests.
  const hash = await page.evaluate(() => location.hash);
  const again = await open(hash);
  await again.locator('#scrubber').fill('300');
  assert.equal((await clock(again)).split(' · trace ')[1], trace);
  assert.equal(await headline(again), '4 of 4 operations returned');
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
  await again.close();
});

test('Setup sets the store\'s quorums and warns, in the panel and the drawing, when R + W ≤ N', async () => {
  const before = env.problems.length;
  const page = await open(link(lesson('read-sees-last-write')));
  await page.locator('#tab-setup').click();
  await page.locator('#setup-form [name=replicas]').waitFor();
  assert.equal(await page.locator('#setup-form [name=read]').inputValue(), '2');
  assert.equal(await page.locator('#setup-form [name=mode]').inputValue(), 'abd');
  assert.equal(await page.locator('#setup-form [name=proposers]').count(), 0, 'no Paxos field');
  await page.locator('#setup-form [name=quorum]').selectOption('threshold');
  await page.locator('#setup-form [name=read]').fill('1');
  await page.locator('#setup-form [name=write]').fill('1');
  const hash = await page.evaluate(() => location.hash);
  await page.getByRole('button', { name: 'Apply and restart' }).click();
  await page.waitForFunction((old) => location.hash !== old, hash);
  await page.locator('#tab-setup').click();
  assert.match(await page.locator('#panel-setup .warning').first().textContent(), /^R \+ W ≤ N \(1 \+ 1 ≤ 3\)/);
  assert.match(await page.locator('#stage').textContent(), /read and write quorums need not meet/);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('from the store back to Paxos: a Paxos library entry brings Paxos\'s core and legend back', async () => {
  const before = env.problems.length;
  const page = await open();
  await page.getByRole('tab', { name: 'Library' }).click();
  await page.locator('[data-scenario="store-stale-read"]').click();
  await page.locator('[data-node="c1"]').waitFor();
  assert.match(await page.locator('#legend').textContent(), /replica/);
  await page.getByRole('tab', { name: 'Library' }).click();
  await page.locator('[data-scenario="happy-path"]').click();
  await page.locator('[data-node="p1"]').waitFor();
  assert.doesNotMatch(await page.locator('#legend').textContent(), /replica/);
  assert.match(await page.locator('#legend').textContent(), /proposer/);
  // Browser Back returns to the store's run.
  await page.goBack();
  await page.locator('[data-node="c1"]').waitFor();
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('a link naming an unknown protocol says which ones there are and shows the default scenario', async () => {
  const page = await open(`#json=${encodeURIComponent('{"version":1,"protocol":"raft","seed":1}')}`);
  await page.locator('#error:not([hidden])').waitFor();
  assert.match(await page.locator('#error').textContent(), /unknown protocol "raft"; this version knows "paxos", "quorum-kv", "multipaxos"/);
  // The default scenario is Paxos's: its legend, not the store's.
  assert.match(await page.locator('#legend').textContent(), /proposer/);
  assert.match(await clock(page), /^tick 0 of /);
  await page.close();
});

test('the search worker explores the store and plays back what it found', async () => {
  const before = env.problems.length;
  // R = W = 1 of 3: a get that begins after a put returned can read a replica the put missed.
  // The lesson's get comes 95 ticks after its put; the search keeps it after the put, at any
  // point, and with the form's own bounds finds the stale read.
  const page = await open(link(lesson('stale-read')));
  await page.getByRole('tab', { name: 'Setup' }).click();
  // The bound on rounds is in the store's words, and starts with no resends.
  assert.match(await page.locator('#search-form').textContent(), /Resends per client at most/);
  assert.doesNotMatch(await page.locator('#search-form').textContent(), /Ballots/);
  assert.equal(await page.locator('#search-form [name=rounds]').inputValue(), '0');
  await page.locator('#search-go').click();
  await page.locator('[data-search]:not([data-search=progress])').waitFor({ timeout: 90000 });
  assert.equal(await page.locator('[data-search]').getAttribute('data-search'), 'violation');
  assert.match(await page.locator('#search-result').textContent(), /Counterexample found after [\d,]+ states .*returned "" after c1's put\(x, "1"\) had completed/);
  await page.locator('#play-counterexample').click();
  await page.locator('#scrubber').fill('2000');
  await page.locator('#violation:not([hidden])').waitFor();
  assert.equal(await headline(page), 'NOT LINEARIZABLE');
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('the history lanes under the diagram show each operation, and mark the stale read', async () => {
  const before = env.problems.length;
  const page = await open(link(lesson('stale-read')));
  const lanes = page.locator('#history-lanes');
  await page.locator('#scrubber').fill('80');
  await page.waitForFunction(() => /1 operation, 1 returned$/.test(document.getElementById('history-lanes').getAttribute('aria-label')));
  assert.equal(await lanes.isVisible(), true);
  await page.locator('#scrubber').fill('300');
  await page.waitForFunction(() => /cannot be placed/.test(document.getElementById('history-lanes').getAttribute('aria-label')));
  assert.equal(await lanes.getAttribute('aria-label'), "Client history: 2 operations, 2 returned; c2's get(x) cannot be placed in any order");
  // A click on the lanes moves the cursor, as on the diagram.
  const box = await lanes.boundingBox();
  await lanes.click({ position: { x: 34 + (box.width - 34) * 0.1, y: 10 } });
  assert.doesNotMatch(await clock(page), /^tick 300 of/);
  // The History tab checks the run's history so far, and says why it breaks.
  await page.locator('#scrubber').fill('300');
  await page.getByRole('tab', { name: 'History' }).click();
  await page.locator('#history-of-run').click();
  await page.locator('#history-result').getByText(/Not linearizable/).first().waitFor();
  assert.match(await page.locator('#history-result').textContent(), /c2's get\(x\) returned "" after c1's put\(x, "1"\) had completed/);
  // Share downloads the same history, with the checker's verdict.
  await page.getByRole('tab', { name: 'Share' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-history').click()]);
  const history = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(history.model, 'kv');
  assert.equal(history.ops.length, 2);
  assert.equal(history.expected, 'not linearizable');
  // A Paxos run has no clients: no lanes, no history to download or check.
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  assert.equal(await lanes.isVisible(), false);
  await page.getByRole('tab', { name: 'Share' }).click();
  assert.equal(await page.locator('#download-history').isVisible(), false);
  await page.getByRole('tab', { name: 'History' }).click();
  assert.equal(await page.locator('#history-of-run').isVisible(), false);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

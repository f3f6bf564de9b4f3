// Multi-Paxos in the page: a link naming `"protocol": "multipaxos"` fetches its core; the
// drawing rings the leader and shows each server's latest log slots as cells, the centre
// counts the chosen slots, a server's panel lists its log and store, a client takes an append
// from the Node panel, Setup shows its timeouts, and a broken lesson shows its gravest
// violation first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, ROOT } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

const lesson = (name) => readFileSync(join(ROOT, 'scenarios/multipaxos', `${name}.json`), 'utf8');
const link = (text) => `#json=${encodeURIComponent(JSON.stringify(JSON.parse(text)))}`;
const clock = (page) => page.locator('#clock').textContent();
const headline = (page) => page.locator('#stage [data-headline]').textContent();
const ringed = (page) => page.locator('[data-node].highlight').evaluateAll((nodes) => nodes.map((n) => n.dataset.node));
const cells = (page, node) => page.locator(`[data-node="${node}"] .cell`).evaluateAll(
  (rects) => rects.map((r) => [r.getAttribute('class'), r.textContent]));

/** Opens the page at `hash`; `page.fetched` lists the paths it has fetched (the list grows). */
async function open(hash = '') {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  page.fetched = [];
  page.on('request', (request) => page.fetched.push(new URL(request.url()).pathname));
  await page.goto(env.url + hash);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}

test('a leader crash in the page: the ring moves to the new leader and the log cells fill in', async () => {
  const before = env.problems.length;
  const page = await open(link(lesson('leader-crash')));
  await page.locator('[data-node="s1"]').waitFor();
  // The link's core alone is fetched: not the default one first.
  assert.ok(page.fetched.some((path) => path.endsWith('/pkg/page-multipaxos_bg.wasm')), page.fetched.join(', '));
  assert.ok(!page.fetched.some((path) => path.endsWith('/pkg/paxoscope_bg.wasm')), page.fetched.join(', '));
  assert.match(await page.locator('#legend').textContent(), /server client the leader slot: nothing accepted slot: accepted slot: known chosen slot: applied/);
  await page.locator('#scrubber').fill('52');
  assert.deepEqual(await ringed(page), ['s1']);
  assert.deepEqual(await cells(page, 's2'), [['cell cell-accepted', 'slot 1: accepted c1 put(x, "1") at 1.s1']]);
  assert.match(await page.locator('#status').textContent(), /c1 waits for put\(x, "1"\)/);
  await page.locator('#scrubber').fill('800');
  assert.deepEqual(await ringed(page), ['s3']);
  assert.equal(await headline(page), '3 slots chosen · 2 of 2 operations returned');
  assert.deepEqual((await cells(page, 's3')).map(([c]) => c), ['cell cell-applied', 'cell cell-applied', 'cell cell-applied']);
  // The server's panel lists its role, its log and its store.
  await page.locator('[data-node="s3"]').click();
  const panel = await page.locator('#panel-details').textContent();
  assert.match(panel, /It leads with ballot 3\.s3/);
  assert.match(panel, /Slot 2: c1 put\(x, "1"\) \(applied\)\./);
  assert.match(panel, /Its store holds "1" for x\./);
  // The same run natively: crate/tests/transcripts/multipaxos/leader-crash.txt.
  const golden = readFileSync(join(ROOT, 'crate/tests/transcripts/multipaxos/leader-crash.txt'), 'utf8');
  assert.match(await clock(page), new RegExp(` · trace ${golden.match(/trace_hash: (\w+)/)[1]}$`));
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('a client appends from the Node panel, and the run and its link keep the request', async () => {
  const before = env.problems.length;
  const page = await open(link(lesson('steady-state')));
  await page.locator('[data-node="c1"]').click();
  await page.locator('#input-request-Append-key').fill('y');
  await page.locator('#input-request-Append-value').fill('z');
  const opened = await page.evaluate(() => location.hash);
  await page.getByRole('button', { name: 'Append', exact: true }).click();
  await page.waitForFunction((old) => location.hash !== old, opened);
  await page.getByRole('tab', { name: 'Log' }).click();
  assert.match(await page.locator('#log').textContent(), /c1 was asked to append\(y, "z"\)/);
  await page.locator('#scrubber').fill('600');
  assert.equal(await headline(page), '7 slots chosen · 7 of 7 operations returned');
  await page.locator('[data-node="s2"]').click();
  assert.match(await page.locator('#panel-details').textContent(), /Its store holds "z" for y\./);
  const hash = await page.evaluate(() => location.hash);
  const again = await open(hash);
  await again.locator('#scrubber').fill('600');
  assert.equal((await clock(again)).split(' · trace ')[1], (await clock(page)).split(' · trace ')[1]);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
  await again.close();
});

test('a broken lesson heads the page with two commands in one slot, and Setup shows the timeouts', async () => {
  const before = env.problems.length;
  const page = await open(link(lesson('leader-skips-recovery')));
  await page.locator('#scrubber').fill('700');
  assert.equal(await headline(page), 'TWO COMMANDS IN ONE SLOT');
  assert.match(await page.locator('#violation').textContent(), /slot 1 was chosen twice, with c1's put\(x, "1"\) and then c2's put\(x, "2"\)/);
  await page.locator('#tab-setup').click();
  await page.locator('#setup-form [name=servers]').waitFor();
  assert.equal(await page.locator('#setup-form [name=heartbeat_ticks]').inputValue(), '30');
  assert.equal(await page.locator('#setup-form [name=reads]').inputValue(), 'log');
  assert.equal(await page.locator('#setup-form [name=bug][value=leader_skips_recovery]').isChecked(), true);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('the search worker explores Multi-Paxos and plays back the resent append it runs twice', async () => {
  const before = env.problems.length;
  // One server, so that the search is small: c1's resend, while its first copy is in flight,
  // becomes a second command, and without the session table both run.
  const page = await open(link(JSON.stringify({
    version: 1, protocol: 'multipaxos', seed: 1, cluster: { servers: 1, clients: 1 }, bugs: ['no_client_dedup'],
    schedule: [
      { at: 0, request: { client: 'c1', op: 'append', key: 'x', value: 'a' } },
      { at: 1, request: { client: 'c1', op: 'get', key: 'x' } },
    ],
  })));
  await page.getByRole('tab', { name: 'Setup' }).click();
  assert.match(await page.locator('#search-form').textContent(), /Timeouts per node at most/);
  assert.equal(await page.locator('#search-form [name=rounds]').inputValue(), '1');
  await page.locator('#search-go').click();
  await page.locator('[data-search]:not([data-search=progress])').waitFor({ timeout: 90000 });
  assert.equal(await page.locator('[data-search]').getAttribute('data-search'), 'violation');
  assert.match(await page.locator('#search-result').textContent(), /Counterexample found after [\d,]+ states .*c1's get\(x\) returned "aa"/);
  await page.locator('#play-counterexample').click();
  await page.locator('#scrubber').fill('2000');
  await page.locator('#violation:not([hidden])').waitFor();
  assert.equal(await headline(page), 'NOT LINEARIZABLE');
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

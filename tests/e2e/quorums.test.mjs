// The Quorums tab as a teacher uses it: open it on a run, read the exact figures, edit the
// system (a threshold, a grid, explicit lists clicked together on the ring), see bad systems
// refused with a message, read a chart as a table, apply a system to the run, and run the
// Monte Carlo estimate (with progress, Cancel, and a run that did not decide opened in the
// page). Every assertion reads what the page shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

const scenario = (extra = {}) => JSON.stringify({
  version: 1, protocol: 'paxos', seed: 3, cluster: { proposers: 1, acceptors: 3, learners: 1 },
  schedule: [{ at: 0, propose: { node: 'p1', value: 'A' } }], until_ticks: 600, ...extra,
});

/** The page on `json`, with the Quorums tab open and its first analysis drawn. */
async function openLens(json = scenario(), viewport = { width: 1280, height: 900 }) {
  const page = await env.newPage({ viewport });
  await page.goto(`${env.url}#json=${encodeURIComponent(json)}`);
  await page.waitForSelector('body[data-ready=true]');
  await page.getByRole('tab', { name: 'Quorums' }).click();
  await page.locator('#lens-facts').waitFor({ timeout: 30000 });
  return page;
}

const facts = (page) => page.locator('#lens-facts').textContent();

/** Picks a system kind, fills its fields and presses Analyse; waits for facts or an error. */
async function analyse(page, kind, fields) {
  await page.locator('#lens-kind').selectOption(kind);
  for (const [name, value] of Object.entries(fields)) await page.locator(`#lens-${name}`).fill(String(value));
  await page.locator('#lens-analyse').click();
  await page.locator('#lens-facts, #lens-error').first().waitFor();
}

test('the tab shows the run\'s own system with its exact figures, and a chart reads as a table', async () => {
  const before = env.problems.length;
  const page = await openLens();
  assert.equal(await page.locator('#lens-kind').inputValue(), 'majority');
  const text = await facts(page);
  assert.match(text, /every read quorum meets every write quorum/i);
  assert.match(text, /any 1 node can fail/i);
  // The ring names the run's acceptors, not n1…n3.
  assert.deepEqual(await page.locator('[data-lens-node]').evaluateAll((nodes) => nodes.map((n) => n.dataset.lensNode)), ['a1', 'a2', 'a3']);
  assert.equal(await page.locator('#lens-pick-read option').count(), 3);
  assert.match(await page.locator('#lens-intersection').textContent(), /These two share a/);
  // The availability chart as a table: one row per p, the last p = 1 with nothing available.
  const figure = page.locator('#chart-availability');
  assert.equal(await figure.locator('table').isHidden(), true);
  await figure.getByRole('button', { name: 'Show as a table' }).click();
  const rows = figure.locator('tbody tr');
  assert.equal(await rows.count(), 21);
  assert.deepEqual(await rows.last().locator('th, td').allTextContents(), ['1', '0', '0', '0']);
  assert.deepEqual(await rows.first().locator('th, td').allTextContents(), ['0', '1', '1', '1']);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('a threshold system whose reads can miss writes says so and shows two disjoint quorums', async () => {
  const page = await openLens();
  await analyse(page, 'threshold', { nodes: 5, read: 2, write: 3 });
  assert.match(await facts(page), /R \+ W ≤ N|can miss/i);
  // Some read quorum and some write quorum are disjoint; picking them shows it.
  const reads = await page.locator('#lens-pick-read option').allTextContents();
  const writes = await page.locator('#lens-pick-write option').allTextContents();
  const r = reads.findIndex((q) => writes.some((w) => !w.split(' ').some((n) => q.split(' ').includes(n))));
  const w = writes.findIndex((q) => !q.split(' ').some((n) => reads[r].split(' ').includes(n)));
  await page.locator('#lens-pick-read').selectOption(String(r));
  await page.locator('#lens-pick-write').selectOption(String(w));
  assert.match(await page.locator('#lens-intersection').textContent(), /share no node/);
  await page.close();
});

test('bad systems are refused with a message that names the field, and the form keeps them', async () => {
  const before = env.problems.length;
  const page = await openLens();
  for (const [kind, fields, message] of [
    ['grid', { rows: 0, cols: 3 }, /rows/],
    ['majority', { nodes: 16 }, /15/],
    ['weighted', { weights: '1, 1, 1', read: 5, write: 2 }, /read/],
  ]) {
    await analyse(page, kind, fields);
    assert.match(await page.locator('#lens-error').textContent(), message, kind);
    for (const [name, value] of Object.entries(fields)) assert.equal(await page.locator(`#lens-${name}`).inputValue(), String(value));
  }
  // p outside [0, 1] too.
  await analyse(page, 'majority', { nodes: 3, p: 1.5 });
  assert.match(await page.locator('#lens-error').textContent(), /\bp\b/);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('explicit quorums are clicked together on the ring, by mouse and by keyboard', async () => {
  const page = await openLens();
  await analyse(page, 'explicit', { nodes: 4, read: 'n1 n2\nn3 n4', write: 'n1 n3\nn2 n4' });
  assert.match(await facts(page), /every read quorum meets every write quorum/i);
  await page.locator('[data-lens-node="n1"]').click();
  await page.locator('[data-lens-node="n4"]').focus();
  await page.keyboard.press('Enter');
  assert.match(await page.locator('.lens-draft').textContent(), /Draft quorum: n1 n4/);
  await page.locator('[data-add="write"]').click();
  await page.locator('#lens-facts').waitFor();
  assert.equal(await page.locator('#lens-write').inputValue(), 'n1 n3\nn2 n4\nn1 n4');
  await page.close();
});

test('a crash in the run keeps the system the person is editing; From the run brings the run\'s back', async () => {
  const page = await openLens();
  await analyse(page, 'threshold', { nodes: 5, read: 2, write: 4 });
  const edited = await facts(page);
  // The crash changes the run's scenario (a new intervention) but not its quorum system.
  await page.locator('[data-node=a1]').click();
  await page.getByRole('button', { name: 'Crash (c)' }).click();
  assert.equal(await page.locator('[data-node=a1]').getAttribute('data-crashed'), 'true');
  await page.getByRole('tab', { name: 'Quorums' }).click();
  await page.locator('#lens-facts').waitFor();
  assert.equal(await page.locator('#lens-kind').inputValue(), 'threshold');
  for (const [name, value] of Object.entries({ nodes: 5, read: 2, write: 4 })) {
    assert.equal(await page.locator(`#lens-${name}`).inputValue(), String(value));
  }
  assert.equal(await facts(page), edited);
  await page.getByRole('button', { name: 'From the run' }).click();
  await page.waitForFunction(() => document.querySelector('#lens-kind')?.value === 'majority');
  await page.locator('#lens-facts').waitFor();
  assert.match(await facts(page), /any 1 node can fail/i);
  await page.close();
});

test('Use in the run applies the system to the run, from tick 0', async () => {
  const page = await openLens();
  await analyse(page, 'flexible', { nodes: 3, phase1: 3, phase2: 1 });
  await page.locator('#lens-use').click();
  await page.locator('#lens-used').waitFor();
  await page.locator('#lens-facts').waitFor();
  // The run's own account of its quorum system, in the Network panel.
  await page.getByRole('tab', { name: 'Network' }).click();
  await page.locator('#panel-network p', { hasText: 'flexible' }).waitFor();
  assert.match(await page.locator('#panel-network').textContent(), /flexible \(phase 1: 3 of 3, phase 2: 1 of 3\)/);
  await page.getByRole('tab', { name: 'Quorums' }).click();
  const link = page.url();
  // A system of the wrong size is refused and the run is left alone.
  await analyse(page, 'majority', { nodes: 5 });
  await page.locator('#lens-use').click();
  await page.locator('#lens-error').waitFor();
  assert.match(await page.locator('#lens-error').textContent(), /5/);
  assert.equal(page.url(), link);
  await page.close();
});

test('the Monte Carlo estimate runs with progress, draws its band, and opens a run that did not decide', async () => {
  const before = env.problems.length;
  const page = await openLens();
  await page.locator('#montecarlo-runs').fill('1000');
  await page.locator('#montecarlo-p').fill('0.3');
  await page.locator('#montecarlo-sizes').fill('3 5');
  await page.locator('#montecarlo-go').click();
  await page.locator('#montecarlo-summary').waitFor({ timeout: 30000 });
  const lines = await page.locator('#montecarlo-summary li').allTextContents();
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^3 acceptors: \d+ of 1000 runs decided by tick 600: [\d.]+ % \(95 % band/);
  assert.equal(await page.locator('#montecarlo-progress').isHidden(), true);
  // The chart's table lists both sizes with their bands, and the legend the exact values.
  const figure = page.locator('#chart-montecarlo');
  assert.match(await figure.locator('.chart-legend').textContent(), /exact, quorums up \(3 acceptors\): 0\.784/);
  await figure.getByRole('button', { name: 'Show as a table' }).click();
  assert.match(await figure.locator('tbody tr').last().textContent(), /\(0\.\d+–0\.\d+\)/);
  // At p = 0.3 some runs lose their majority: one of them opens as an ordinary run.
  await page.locator('#montecarlo-open').click();
  await page.locator('#scrubber').fill('600');
  assert.equal(await page.locator('[data-chosen]').count(), 0);
  assert.match(await page.locator('#stage').textContent(), /nothing chosen yet/);
  await page.getByRole('tab', { name: 'Log' }).click();
  assert.match(await page.locator('#log').textContent(), /crashed/);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('a long estimate can be cancelled, and bad sizes get a message', async () => {
  const page = await openLens();
  await page.locator('#montecarlo-runs').fill('100000');
  await page.locator('#montecarlo-sizes').fill('3 5 7');
  await page.locator('#montecarlo-go').click();
  await page.locator('#montecarlo-progress:not([hidden])').waitFor();
  await page.locator('#montecarlo-stop').click();
  await page.locator('#montecarlo-cancelled').waitFor();
  assert.equal(await page.locator('#montecarlo-go').isDisabled(), false);
  await page.locator('#montecarlo-runs').fill('100');
  await page.locator('#montecarlo-sizes').fill('3 x');
  await page.locator('#montecarlo-go').click();
  await page.locator('#montecarlo-error').waitFor();
  assert.match(await page.locator('#montecarlo-error').textContent(), /"x" is not a whole number/);
  await page.close();
});

test('the tab fits a phone', async () => {
  const page = await openLens(scenario(), { width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
  await page.close();
});

test('the grid library entry: switching to a majority in the tab and using it in the run chooses a value', async () => {
  const before = env.problems.length;
  const page = await env.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  await page.getByRole('tab', { name: 'Library' }).click();
  await page.locator('[data-scenario="majority-vs-grid"]').click();
  // The entry opens the Quorums tab on the run's grid.
  await page.locator('#lens-facts').waitFor({ timeout: 30000 });
  assert.equal(await page.locator('#lens-kind').inputValue(), 'grid');
  assert.match(await page.locator('#lens-facts').textContent(), /Load 0\.3333/);
  await page.locator('#lens-kind').selectOption('majority');
  assert.equal(await page.locator('#lens-nodes').inputValue(), '9');
  await page.locator('#lens-analyse').click();
  await page.locator('#lens-facts', { hasText: 'Load 0.5556' }).waitFor();
  await page.locator('#lens-use').click();
  await page.locator('#lens-used').waitFor();
  await page.locator('#scrubber').fill('300');
  assert.equal(await page.locator('[data-chosen]').getAttribute('data-chosen'), 'A');
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('on a store run the tab analyses its R and W over the replicas and puts majorities in the run', async () => {
  const before = env.problems.length;
  const store = JSON.stringify({
    version: 1, protocol: 'quorum-kv', seed: 1, cluster: { replicas: 3, clients: 2 },
    quorum: { kind: 'threshold', read: 1, write: 1 },
    schedule: [{ at: 0, request: { client: 'c1', op: 'put', key: 'x', value: '1' } }], until_ticks: 300,
  });
  const page = await openLens(store);
  assert.equal(await page.locator('#lens-kind').inputValue(), 'threshold');
  assert.deepEqual(await page.locator('[data-lens-node]').evaluateAll((nodes) => nodes.map((n) => n.dataset.lensNode)), ['r1', 'r2', 'r3']);
  assert.doesNotMatch(await facts(page), /every read quorum meets every write quorum/i);
  await analyse(page, 'majority', { nodes: 3 });
  assert.match(await facts(page), /every read quorum meets every write quorum/i);
  await page.locator('#lens-use').click();
  await page.locator('#lens-used').waitFor();
  // The store's centre no longer warns that its quorums need not meet.
  await page.waitForFunction(() => !/need not meet/.test(document.getElementById('stage').textContent));
  // The Monte Carlo estimate is Paxos's, and says so.
  await page.locator('#montecarlo-runs').fill('10');
  await page.locator('#montecarlo-go').click();
  await page.locator('#montecarlo-error').waitFor();
  assert.match(await page.locator('#montecarlo-error').textContent(), /times Paxos runs to a value chosen, and this run is "quorum-kv"/);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

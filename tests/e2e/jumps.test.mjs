// Jumping to an event, as a teacher does from a timeline marker or a log entry: the page shows
// the state just after the event it names, and the entry stays in the log, marked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

async function openAtEnd() {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  // The markers of a run appear as far as it has been computed: go to its end, then back.
  await page.locator('#scrubber').fill('1500');
  await page.locator('#scrubber').fill('0');
  return page;
}

test('clicking the “is chosen” marker shows the value chosen', async () => {
  const page = await openAtEnd();
  const marker = page.locator('#markers .marker.chosen').first();
  const label = await marker.getAttribute('aria-label');
  const [, value] = label.match(/"(\w+)" is chosen/);
  await marker.click();
  assert.equal(await page.locator('[data-chosen]').getAttribute('data-chosen'), value, label);
  assert.match(await page.locator('#clock').textContent(), new RegExp(`^tick ${label.match(/tick (\d+)/)[1]} of`));
  await page.close();
});

test('clicking the “learned” marker shows the learner as having learned it', async () => {
  const page = await openAtEnd();
  const marker = page.locator('#markers .marker.learn').first();
  const label = await marker.getAttribute('aria-label');
  const [, learner, value] = label.match(/(l\d) learned "(\w+)"/);
  await marker.click();
  assert.equal(await page.locator(`[data-node=${learner}] .badge`).textContent(), `learned “${value}”`, label);
  await page.close();
});

test('a log entry jumped to stays in the log, marked, and its step is done', async () => {
  const page = await openAtEnd();
  await page.locator('#scrubber').fill('1500');
  await page.locator('#tab-log').click();
  const entry = page.locator('#log li', { hasText: 'has a phase-1 quorum' }).first();
  const index = await entry.getAttribute('data-index');
  const text = await entry.textContent();
  await entry.click();
  const same = page.locator(`#log li[data-index="${index}"]`);
  assert.equal(await same.count(), 1, `${text} is still in the log`);
  assert.equal(await same.getAttribute('aria-current'), 'true');
  assert.equal(await page.locator('#log li[aria-current]').count(), 1);
  // The next log entry was not reached: the cursor is just after this one's step.
  const proposer = text.match(/(p\d) has a phase-1 quorum/)[1];
  await page.locator(`[data-node=${proposer}]`).click();
  await page.locator('#tab-details').click();
  assert.doesNotMatch(await page.locator('#panel-details').textContent(), /waiting for \d+ more promise/);
  await page.close();
});

test('a run with several violations names the gravest first and marks the chain that led to it', async () => {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${env.url}`);
  await page.waitForSelector('body[data-ready=true]');
  await page.getByRole('tab', { name: 'Library' }).click();
  await page.locator('[data-scenario="bug-acceptor-forgets-on-restart"]').click();
  await page.locator('#scrubber').fill('300');
  // The seek is drawn on the next frame: wait for it rather than read the banner before.
  await page.waitForFunction(() => document.querySelector('#violation').textContent !== '');
  const banner = await page.locator('#violation').textContent();
  // A promise went back down first, at tick 100; two values were chosen later, and that leads.
  assert.match(banner, /^Safety violated at tick \d+: two different values were chosen/, banner);
  assert.match(banner, /Also at tick 100: a1's promise went from/, banner);
  assert.match(await page.locator('#status').textContent(), /^Safety violated: two different values were chosen/);
  await page.getByRole('button', { name: 'Show the events involved' }).click();
  const involved = await page.locator('#log li.involved').allTextContents();
  assert.ok(involved.some((t) => /forgot|promise went from/.test(t)), involved.join('\n'));
  assert.ok(involved.some((t) => /has a phase-1 quorum/.test(t)), involved.join('\n'));
  assert.equal(involved.filter((t) => /is chosen/.test(t)).length, 2, involved.join('\n'));
  await page.close();
});

test('a crash one tick after a proposal keeps its own marker, in the faults row', async () => {
  const scenario = { version: 1, protocol: 'paxos', cluster: { proposers: 1, acceptors: 3, learners: 1 },
    schedule: [{ at: 0, propose: { node: 'p1', value: 'A' } }, { at: 1, crash: 'a1' }] };
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${env.url}#json=${encodeURIComponent(JSON.stringify(scenario))}`);
  await page.waitForSelector('body[data-ready=true]');
  await page.locator('#scrubber').fill('100');
  assert.equal(await page.locator('#markers .marker.propose').count(), 1);
  assert.equal(await page.locator('#markers .marker.crash').count(), 1);
  const [propose, crash] = await Promise.all(['propose', 'crash'].map((kind) =>
    page.locator(`#markers .marker.${kind}`).boundingBox()));
  assert.ok(crash.y > propose.y + 5, `the crash is drawn under the proposal: ${crash.y} vs ${propose.y}`);
  await page.locator('#markers .marker.crash').click();
  assert.equal(await page.locator('[data-node=a1]').getAttribute('data-crashed'), 'true');
  await page.close();
});

test('the console stayed clean through every jump', () => {
  assert.deepEqual(env.problems, []);
});

test('Page Down and Page Up, a presentation clicker\'s keys, jump to the next and the previous key event', async () => {
  const before = env.problems.length;
  // A fresh load: the run is computed only as far as the first key event asked for.
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  await page.getByRole('tab', { name: 'Log' }).click();
  const at = async () => ({
    tick: Number((await page.locator('#clock').textContent()).match(/^tick (\d+)/)[1]),
    entry: await page.locator('#log li[aria-current]').textContent(),
  });
  await page.keyboard.press('PageDown');
  const first = await at();
  await page.keyboard.press('PageDown');
  const second = await at();
  assert.ok(second.tick >= first.tick, `${first.tick} then ${second.tick}`);
  assert.notEqual(second.entry, first.entry);
  await page.keyboard.press('PageUp');
  assert.deepEqual(await at(), first);
  // The buttons do the same.
  await page.locator('#next-key').click();
  assert.deepEqual(await at(), second);
  await page.locator('#prev-key').click();
  assert.deepEqual(await at(), first);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

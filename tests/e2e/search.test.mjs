// The in-browser explorer: searching a broken Paxos finds a counterexample that then plays as
// an ordinary run; searching correct Paxos finds none. The page stays responsive meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

const scenario = (bugs, proposers = 2) => JSON.stringify({
  version: 1, protocol: 'paxos', seed: 3, cluster: { proposers, acceptors: 3, learners: 1 }, bugs,
  schedule: [{ at: 0, propose: { node: 'p1', value: 'A' } }, { at: 0, propose: { node: 'p2', value: 'B' } }].slice(0, proposers),
  until_ticks: 600,
});

async function search(bugs, bounds = {}, proposers = 2, wait = true) {
  const page = await env.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${env.url}#json=${encodeURIComponent(scenario(bugs, proposers))}`);
  await page.waitForSelector('body[data-ready=true]');
  await page.getByRole('tab', { name: 'Setup' }).click();
  for (const [name, value] of Object.entries(bounds)) await page.locator(`#search-form [name=${name}]`).fill(String(value));
  await page.locator('#search-go').click();
  if (wait) await page.locator('[data-search]:not([data-search=progress])').waitFor({ timeout: 60000 });
  return page;
}

test('a search of broken Paxos finds a counterexample that plays in the page', async () => {
  const page = await search(['proposer_ignores_promised_value']);
  assert.equal(await page.locator('[data-search]').getAttribute('data-search'), 'violation');
  assert.match(await page.locator('#search-result').textContent(), /Counterexample found after [\d,]+ states .*two different values were chosen/);
  await page.locator('#play-counterexample').click();
  await page.locator('#scrubber').fill('600');
  await page.locator('#violation:not([hidden])').waitFor();
  assert.match(await page.locator('#violation').textContent(), /two different values were chosen/);
  await page.close();
});

test('a counterexample that breaks a lesser rule offers to keep searching for two values chosen, and that one plays', async () => {
  const before = env.problems.length;
  const page = await search(['acceptor_accepts_below_promise']);
  const result = page.locator('#search-result');
  assert.match(await result.textContent(), /Counterexample found after [\d,]+ states .*accepted ballot .* after promising the higher ballot/);
  assert.equal(await page.locator('[data-search-gravest]').getAttribute('data-search-gravest'), 'two values chosen');
  await page.locator('#search-gravest').click();
  await page.waitForFunction(() => /two different values were chosen/.test(document.querySelector('[data-search=violation]')?.textContent ?? ''), null, { timeout: 60000 });
  // Found: nothing more to keep searching for.
  assert.equal(await page.locator('#search-gravest').count(), 0);
  await page.locator('#play-counterexample').click();
  await page.locator('#scrubber').fill('600');
  await page.locator('#violation:not([hidden])').waitFor();
  // The banner names the gravest first.
  assert.match(await page.locator('#violation').textContent(), /^[^.]*two different values were chosen/);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('a search of correct Paxos finds no violation', async () => {
  // Two proposers: more states than the default limit, so the search stops without a violation.
  let page = await search([]);
  assert.equal(await page.locator('[data-search]').getAttribute('data-search'), 'incomplete');
  assert.match(await page.locator('#search-result').textContent(), /No violation in the first [\d,]+ states/);
  await page.close();
  // One proposer with a crash and a drop allowed: small enough to see every state.
  page = await search([], { crashes: 1, drops: 1 }, 1);
  assert.equal(await page.locator('[data-search]').getAttribute('data-search'), 'safe');
  assert.match(await page.locator('#search-result').textContent(), /No violation in any of the [\d,]+ reachable states/);
  await page.close();
});

test('a long search shows how far it has got, and Stop ends it', async () => {
  const page = await search([], { states: 5000000 }, 2, false);
  const progress = page.locator('[data-search=progress]');
  await progress.waitFor({ timeout: 60000 });
  const first = await progress.textContent();
  assert.match(first, /^Searching… [\d,]+ states so far, \d+ steps deep, \d+ s\. Stop ends the search\.$/);
  // It goes on: a later report counts more states.
  const count = (text) => Number(text.match(/([\d,]+) states/)[1].replaceAll(',', ''));
  await page.waitForFunction((before) => {
    const text = document.querySelector('[data-search=progress]')?.textContent ?? '';
    const match = text.match(/([\d,]+) states/);
    return match && Number(match[1].replaceAll(',', '')) > before;
  }, count(first), { timeout: 60000 });
  await page.locator('#search-stop').click();
  assert.equal(await page.locator('#search-result').textContent(), 'Search stopped.');
  assert.equal(await page.locator('#search-go').isEnabled(), true);
  await page.close();
});

test('the console stayed clean', () => {
  assert.deepEqual(env.problems, []);
});

// The Setup panel as a teacher uses it: it changes what the person changed and nothing else.
// Each test here reproduces a defect a newcomer's test found, and reads what the page shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

async function open(fragment = '') {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${env.url}${fragment}`);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}

async function openSetup(page) {
  await page.locator('#tab-setup').click();
  await page.locator('#setup-form [name=seed]').waitFor();
}

/** The slider's value as the browser holds it, and the text shown next to it. */
async function slider(page, name) {
  const input = page.locator(`#setup-form [name=${name}]`);
  return { value: await input.inputValue(), shown: await input.locator('xpath=following-sibling::output').textContent() };
}

/** Presses Apply and waits for the new run's link in the address bar. */
async function apply(page) {
  const before = await page.evaluate(() => location.hash);
  await page.getByRole('button', { name: 'Apply and restart' }).click();
  await page.waitForFunction((hash) => location.hash !== hash, before);
}

const lossy = (loss, duplicate) => `#json=${encodeURIComponent(JSON.stringify({
  version: 1, protocol: 'paxos', seed: 7, cluster: { proposers: 1, acceptors: 3, learners: 1 },
  network: { delay_ticks_min: 5, delay_ticks_max: 20, loss, duplicate },
  schedule: [{ at: 0, propose: { node: 'p1', value: 'A' } }],
}))}`;

test('Setup shows the network loss and duplication the scenario has, and Apply keeps them', async () => {
  const page = await open(lossy(0.3, 0.1));
  await openSetup(page);
  assert.deepEqual(await slider(page, 'loss'), { value: '0.3', shown: '30 %' });
  assert.deepEqual(await slider(page, 'duplicate'), { value: '0.1', shown: '10 %' });
  // Change only the seed, twice: the network must come back unchanged each time.
  for (const seed of ['8', '9']) {
    await page.locator('#setup-form [name=seed]').fill(seed);
    await apply(page);
    await openSetup(page);
    assert.deepEqual(await slider(page, 'loss'), { value: '0.3', shown: '30 %' }, `after applying seed ${seed}`);
    assert.deepEqual(await slider(page, 'duplicate'), { value: '0.1', shown: '10 %' }, `after applying seed ${seed}`);
  }
  await page.close();
});

test('a network value between the slider\'s steps survives an Apply that did not touch it', async () => {
  const page = await open(lossy(0.33, 0.07));
  await openSetup(page);
  await page.locator('#setup-form [name=seed]').fill('8');
  await apply(page);
  const link = await page.evaluate(() => location.hash);
  await openSetup(page);
  assert.deepEqual(await slider(page, 'delay_ticks_max'), { value: '20', shown: '20 ticks' });
  // The slider itself can only sit on a step; what matters is the scenario, which the new link
  // carries and the text beside each slider shows.
  const reopened = await open(link);
  await openSetup(reopened);
  const shown = await reopened.evaluate(() => [...document.querySelectorAll('#setup-form output')].map((o) => o.textContent));
  assert.ok(shown.includes('33 %') && shown.includes('7 %'), shown.join(', '));
  await reopened.close();
  await page.close();
});

test('a loss the person sets in Setup is applied, and stays through a second Apply', async () => {
  const page = await open();
  await openSetup(page);
  await page.locator('#setup-form [name=loss]').fill('0.3');
  await page.locator('#setup-form [name=duplicate]').fill('0.1');
  await apply(page);
  await openSetup(page);
  await page.locator('#setup-form [name=seed]').fill('12');
  await apply(page);
  await openSetup(page);
  assert.deepEqual(await slider(page, 'loss'), { value: '0.3', shown: '30 %' });
  assert.deepEqual(await slider(page, 'duplicate'), { value: '0.1', shown: '10 %' });
  await page.close();
});

test('switching the default run to servers keeps both proposals and says what it dropped', async () => {
  const scenario = { version: 1, protocol: 'paxos', seed: 1, cluster: { proposers: 2, acceptors: 3, learners: 1 },
    schedule: [{ at: 0, propose: { node: 'p1', value: 'A' } }, { at: 25, propose: { node: 'p2', value: 'B' } }, { at: 40, crash: 'a1' }] };
  const page = await open(`#json=${encodeURIComponent(JSON.stringify(scenario))}`);
  await openSetup(page);
  await page.locator('#setup-form input[name=shape][value=servers]').check();
  await apply(page);
  await openSetup(page);
  assert.deepEqual(await page.locator('#setup-dropped li').allTextContents(),
    ['the crash of a1 at tick 40 was dropped: the new cluster has no a1']);
  // Both proposals are in the new run: its log says so once it has run past tick 25.
  await page.locator('#scrubber').fill('30');
  await page.locator('#tab-log').click();
  const log = await page.locator('#log').textContent();
  assert.match(log, /s1 was asked to propose "A"/);
  assert.match(log, /s2 was asked to propose "B"/);
  // The note is said once: the next drawing of the panel no longer shows it.
  await page.locator('#tab-setup').click();
  await page.locator('#setup-form [name=seed]').fill('3');
  await apply(page);
  await openSetup(page);
  assert.equal(await page.locator('#setup-dropped').count(), 0);
  await page.close();
});

test('Setup sets how long the run lasts, and refuses a length out of range', async () => {
  const page = await open(lossy(0, 0));
  await openSetup(page);
  assert.equal(await page.locator('#setup-form [name=until_ticks]').inputValue(), '2000');
  await page.locator('#setup-form [name=until_ticks]').fill('600');
  await apply(page);
  assert.match(await page.locator('#clock').textContent(), /^tick 0 of 600 /);
  await openSetup(page);
  assert.equal(await page.locator('#setup-form [name=until_ticks]').inputValue(), '600');
  const link = await page.evaluate(() => location.hash);
  // Out of the field's range, the browser itself refuses the form and says why; the run stays.
  const field = page.locator('#setup-form [name=until_ticks]');
  await field.fill('0');
  await page.getByRole('button', { name: 'Apply and restart' }).click();
  assert.equal(await field.evaluate((input) => input.validity.rangeUnderflow), true);
  assert.notEqual(await field.evaluate((input) => input.validationMessage), '');
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => location.hash), link);
  assert.match(await page.locator('#clock').textContent(), /^tick 0 of 600 /);
  await page.close();
});

test('Q1 and Q2 are disabled unless the quorums are flexible, and the counts follow the cluster shape', async () => {
  const page = await open(lossy(0, 0));
  await openSetup(page);
  const field = (name) => page.locator(`#setup-form [name=${name}]`);
  assert.equal(await field('phase1').isDisabled(), true);
  assert.equal(await field('phase2').isDisabled(), true);
  await field('quorum').selectOption('flexible');
  assert.equal(await field('phase1').isDisabled(), false);
  await field('phase1').fill('3');
  // Back to majorities: the touched Q1 is not sent, and the run applies.
  await field('quorum').selectOption('majority');
  assert.equal(await field('phase1').isDisabled(), true);
  assert.equal(await field('servers').isDisabled(), true);
  await page.locator('#setup-form input[name=shape][value=servers]').check();
  assert.equal(await field('servers').isDisabled(), false);
  assert.equal(await field('proposers').isDisabled(), true);
  await page.locator('#setup-form input[name=shape][value=roles]').check();
  await field('seed').fill('11');
  await apply(page);
  assert.equal(await page.locator('#error').isVisible(), false);
  await openSetup(page);
  assert.equal(await field('seed').inputValue(), '11');
  assert.equal(await field('quorum').inputValue(), 'majority');
  await page.close();
});

test('Setup shows the retry timeouts in force and changes the one touched', async () => {
  const page = await open(lossy(0, 0));
  await openSetup(page);
  const field = (name) => page.locator(`#setup-form [name=${name}]`);
  // Drawn from the network's 20-tick delays: a little over two round trips.
  assert.equal(await field('retry_ticks_min').inputValue(), '90');
  assert.equal(await field('retry_ticks_max').inputValue(), '180');
  await field('retry_ticks_min').fill('30');
  await apply(page);
  await openSetup(page);
  assert.equal(await field('retry_ticks_min').inputValue(), '30');
  assert.equal(await field('retry_ticks_max').inputValue(), '180');
  await page.close();
});

test('the console stayed clean through every Setup test', () => {
  assert.deepEqual(env.problems, []);
});

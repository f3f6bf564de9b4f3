// The scenario library as a student uses it: open the Library tab, pick a scenario, read the
// tour's first step, and see the run end where the library says it ends. Every library entry is
// played this way, and every assertion reads what the page shows: the chosen value on the stage,
// the violation banner, the status line, the learners' badges and the event log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, ROOT } from './helpers.mjs';

const library = JSON.parse(readFileSync(join(ROOT, 'scenarios/library.json'), 'utf8'));
const untilTicks = (entry) => JSON.parse(readFileSync(join(ROOT, 'scenarios', entry.file), 'utf8')).until_ticks;

/** How each violation kind reads in the log and the banner (the checker's explanations). */
const VIOLATION_TEXT = {
  agreement: /two different values were chosen|learners disagree|was chosen twice/,
  validity: /was never proposed|which no client asked for/,
  promise_decreased: /promise went from .* back to none/,
  accepted_below_promise: /accepted ballot .* after promising the higher ballot/,
  learned_not_chosen: /no phase-2 quorum of distinct acceptors has accepted it/,
  linearizability: /returned .* after .* had completed|no order of|had already returned/,
  learned_means_chosen: /learned .* in slot \d+ but .* chosen there/,
  apply_order: /applied slot \d+ before slot \d+/,
};

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

const clock = (page) => page.locator('#clock').textContent();

/** Opens the page and starts library entry `id` from the Library tab. */
async function openEntry(id) {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  await page.getByRole('tab', { name: 'Library' }).click();
  await page.locator(`[data-scenario="${id}"]`).click();
  await page.locator('#tour:not([hidden]) [data-tour-text]').waitFor();
  return page;
}

for (const entry of library.scenarios) {
  test(`library: ${entry.id} starts its tour and ends as the library claims`, async () => {
    const before = env.problems.length;
    const page = await openEntry(entry.id);
    const until = untilTicks(entry);

    // The tour box shows step 1, and the run waits at tick 0 for the person to press Next.
    assert.equal(await page.locator('#tour [data-tour-text]').textContent(), entry.tour[0].text);
    assert.match(await page.locator('#tour h2').textContent(), new RegExp(`step 1 of ${entry.tour.length}$`));
    assert.match(await clock(page), new RegExp(`^tick 0 of ${until} · `));

    // Seek to the end, as a person dragging the time slider all the way right.
    await page.locator('#scrubber').fill(String(until));
    assert.match(await clock(page), new RegExp(`^tick ${until} of ${until} · `));
    const { expect } = entry;
    const status = await page.locator('#status').textContent();
    const banner = page.locator('#violation');

    // A protocol that chooses no value says what the run came to in the drawing's headline.
    if (expect.stage) assert.equal(await page.locator('#stage [data-headline]').textContent(), expect.stage);
    if (expect.violations.length === 0) {
      assert.equal(await banner.isHidden(), true, 'no violation banner on a safe run');
      if (expect.stage) {
        // Checked above.
      } else if (expect.chosen === null) {
        assert.equal(await page.locator('[data-chosen]').count(), 0);
        assert.match(await page.locator('#stage').textContent(), /nothing chosen yet/);
      } else {
        assert.equal(await page.locator('[data-chosen]').getAttribute('data-chosen'), expect.chosen);
        assert.ok(status.startsWith(`“${expect.chosen}” is chosen`), status);
      }
    } else {
      // A violated run shows SAFETY VIOLATED instead of a chosen value, and says why.
      assert.equal(await page.locator('[data-chosen]').count(), 0);
      if (!expect.stage) assert.match(await page.locator('#stage').textContent(), /SAFETY VIOLATED/);
      assert.equal(await banner.isVisible(), true, 'the violation banner is shown');
      const bannerText = await banner.textContent();
      assert.match(bannerText, /^Safety violated at tick \d+: /);
      assert.ok(status.startsWith('Safety violated: '), status);
      // The banner and the status line name the first violation; the run's first one must be
      // one of the expected kinds.
      assert.ok(expect.violations.some((kind) => VIOLATION_TEXT[kind].test(bannerText)), bannerText);
    }

    // The log lists every violation and every value chosen, in order.
    await page.getByRole('tab', { name: 'Log' }).click();
    const violations = await page.locator('#log li.violation').allTextContents();
    const kinds = new Set(violations.map((text) => {
      const kind = Object.keys(VIOLATION_TEXT).find((k) => VIOLATION_TEXT[k].test(text));
      assert.ok(kind, `unrecognized violation in the log: ${text}`);
      return kind;
    }));
    assert.deepEqual([...kinds].sort(), [...expect.violations].sort());
    const chosen = await page.locator('#log li.chosen').allTextContents();
    // A protocol that says what it came to in the headline (`stage`) may choose many values,
    // one per slot of a log; one that decides one value chooses it once or not at all.
    if (expect.chosen === null && !expect.stage) assert.deepEqual(chosen, []);
    else if (expect.chosen !== null) assert.match(chosen[0] ?? '', new RegExp(`^t=\\d+"${expect.chosen}" is chosen`));

    // Each learner's badge says what it learned at the end.
    for (const [learner, value] of Object.entries(expect.learned ?? {})) {
      const label = await page.locator(`[data-node="${learner}"]`).getAttribute('aria-label');
      if (value === null) assert.doesNotMatch(label, /learned “/, label);
      else assert.match(label, new RegExp(`learned “${value}”`), label);
    }

    assert.deepEqual(env.problems.slice(before), []);
    await page.close();
  });
}

test('Next ▶ plays the tour to its second step and pauses there', async () => {
  const entry = library.scenarios.find((e) => e.id === 'happy-path');
  const page = await openEntry(entry.id);
  await page.locator('#speed').fill('100');
  await page.locator('#tour-next').click();
  await page.waitForFunction(
    (text) => document.querySelector('#tour [data-tour-text]')?.textContent === text,
    entry.tour[1].text, { timeout: 10000 });
  assert.match(await page.locator('#tour h2').textContent(), new RegExp(`step 2 of ${entry.tour.length}$`));
  assert.equal(await page.locator('#play').textContent(), '▶ Play');
  assert.match(await clock(page), new RegExp(`^tick ${entry.tour[1].at} of `));
  await page.close();
});

// A run that breaks Paxos pauses on its own at the violation; with a tour on, the tour's own
// next step is where it stops, so that one Next is one step, violation or not.
for (const entry of library.scenarios.filter((e) => e.expect.violations.length)) {
  test(`library: ${entry.id}, one Next is one step of its tour, through the violation`, async () => {
    const page = await openEntry(entry.id);
    // About 60 ticks a second, a tick or so a frame: at full speed one frame can leap from
    // before a violation to the next step, and hide a stop short of it.
    await page.locator('#speed').fill('60');
    for (let i = 1; i < entry.tour.length; i++) {
      await page.locator('#tour-next').click();
      await page.waitForFunction(
        (text) => document.querySelector('#tour [data-tour-text]')?.textContent === text,
        entry.tour[i].text, { timeout: 20000 });
      await page.waitForFunction(() => document.getElementById('play').textContent === '▶ Play');
      assert.match(await clock(page), new RegExp(`^tick ${entry.tour[i].at} of `), `step ${i + 1}`);
    }
    assert.equal(await page.locator('#violation').isVisible(), true, 'the violation banner is shown');
    await page.close();
  });
}

test('the console stayed clean through every library test', () => {
  assert.deepEqual(env.problems, []);
});

test('the library\'s note on Nakamoto consensus opens from the keyboard', async () => {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  await page.getByRole('tab', { name: 'Library' }).click();
  const note = page.locator('[data-note=nakamoto-is-not-paxos]');
  assert.equal(await note.locator('summary').textContent(), 'Is Nakamoto consensus a variant of Paxos?');
  assert.equal(await note.locator('p').isVisible(), false);
  await note.locator('summary').focus();
  await page.keyboard.press('Enter');
  assert.match(await note.locator('p').textContent(), /It is not one\. .* no quorums/);
  await page.close();
});

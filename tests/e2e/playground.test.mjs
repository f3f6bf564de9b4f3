// The playground as a person uses it: load, play until a value is learned, crash an acceptor by
// clicking it, drop a message by clicking it, step back and forth, break Paxos and read the
// explanation, and do it from the keyboard. Every assertion reads what the page shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

async function open(viewport = { width: 1280, height: 800 }) {
  const page = await env.newPage({ viewport });
  await page.goto(env.url);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}

const seek = (page, tick) => page.locator('#scrubber').fill(String(tick));
const clock = (page) => page.locator('#clock').textContent();

test('the page loads with a clean console and shows the cluster and a status line', async () => {
  const before = env.problems.length;
  const page = await open();
  assert.equal(await page.locator('[data-node]').count(), 7);
  assert.match(await page.locator('#status').textContent(), /press play|phase 1/);
  assert.match(await clock(page), /^tick 0 of 1500 · \d+ events · trace [0-9a-f]{16}$/);
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('playing runs until a value is chosen and learned, and the page says which', async () => {
  const page = await open();
  await page.locator('#speed').fill('100');
  await page.locator('#play').click();
  await page.locator('[data-chosen]').waitFor({ timeout: 10000 });
  const chosen = await page.locator('[data-chosen]').getAttribute('data-chosen');
  assert.match(chosen, /^[AB]$/);
  await page.waitForFunction(() => /every learner has learned it/.test(document.getElementById('status').textContent), null, { timeout: 10000 });
  const badge = await page.locator('[data-node=l1] .badge').textContent();
  assert.equal(badge, `learned “${chosen}”`);
  await page.close();
});

test('clicking an acceptor and then Crash draws it as crashed', async () => {
  const page = await open();
  await seek(page, 5);
  await page.locator('[data-node=a1]').click();
  await page.getByRole('button', { name: 'Crash (c)' }).click();
  assert.equal(await page.locator('[data-node=a1]').getAttribute('data-crashed'), 'true');
  assert.match(await page.locator('[data-node=a1]').getAttribute('class'), /crashed/);
  assert.match(await page.locator('#panel-details').textContent(), /a1 is crashed/);
  await page.getByRole('button', { name: 'Restart (r)' }).click();
  assert.equal(await page.locator('[data-node=a1]').getAttribute('data-crashed'), 'false');
  await page.close();
});

/** The client coordinates of a point the message canvas has painted with a ballot colour: some
 *  message is drawn there, so this is where a person would click to reach it. */
function paintedMessagePoint(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('#stage .message-canvas');
    const { data, width } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < data.length; i += 4) {
      // Opaque and saturated: the fill of a message, not its white outline or a label's ink.
      const [r, g, b, a] = data.slice(i, i + 4);
      if (a === 255 && Math.max(r, g, b) - Math.min(r, g, b) > 80) {
        const rect = canvas.getBoundingClientRect();
        const scale = rect.width / canvas.width;
        // A few pixels below the first painted row: the middle of the shape, not its edge.
        return { x: rect.left + ((i / 4) % width) * scale, y: rect.top + (Math.floor(i / 4 / width) + 4) * scale };
      }
    }
    return null;
  });
}

test('clicking a message in flight and Drop removes it from the next frame and logs why', async () => {
  const page = await open();
  await seek(page, 5);
  const point = await paintedMessagePoint(page);
  assert.ok(point, 'no message is drawn at tick 5');
  await page.mouse.move(point.x, point.y);
  assert.match(await page.locator('#stage > title').textContent(), /^message \d+: /);
  await page.mouse.click(point.x, point.y);
  assert.ok(await page.locator('#message-menu').isVisible(), 'clicking where a message is drawn did not open its menu');
  const id = (await page.locator('#message-menu p').textContent()).match(/^Message (\d+):/)[1];
  assert.equal(await page.locator(`[data-message="${id}"]`).count(), 1);
  await page.locator('#message-menu [data-action=drop]').click();
  assert.equal(await page.locator(`[data-message="${id}"]`).count(), 0);
  await page.getByRole('tab', { name: 'Log' }).click();
  assert.match(await page.locator('#log').textContent(), new RegExp(`message ${id}, .* was lost: it was dropped on purpose`));
  await page.close();
});

/** Opens the first message's menu from the keyboard, through its button in the canvas's
 *  fallback content; returns the message's id. */
async function openMenuByKeyboard(page) {
  const first = page.locator('[data-message]').first();
  const id = await first.getAttribute('data-message');
  await first.focus();
  await page.keyboard.press('Enter');
  return id;
}

test('a message can be delayed by as many ticks as the person types, and a bad amount is refused', async () => {
  const page = await open();
  await seek(page, 5);
  const id = await openMenuByKeyboard(page);
  assert.equal(await page.locator('#delay-ticks').inputValue(), '20');
  await page.locator('#delay-ticks').fill('45');
  await page.locator('#delay-ticks').press('Enter');
  assert.ok(await page.locator('#message-menu').isHidden());
  await page.getByRole('tab', { name: 'Log' }).click();
  assert.match(await page.locator('#log').textContent(), new RegExp(`message ${id} was held back 45 more ticks`));
  // The Node panel's Delay buttons use the same amount, and say so.
  await page.locator('[data-node=p1]').click();
  const row = page.locator('#panel-details [data-message-row]').first();
  const other = await row.getAttribute('data-message-row');
  const button = row.getByRole('button', { name: 'Delay 45 ticks' });
  await button.click();
  await page.getByRole('tab', { name: 'Log' }).click();
  assert.match(await page.locator('#log').textContent(), new RegExp(`message ${other} was held back 45 more ticks`));
  // The menu starts from the last amount typed; an empty one is refused with the core's reason.
  await openMenuByKeyboard(page);
  assert.equal(await page.locator('#delay-ticks').inputValue(), '45');
  await page.locator('#delay-ticks').fill('');
  await page.locator('#message-menu [data-action=delay]').click();
  await page.locator('#error:not([hidden])').waitFor();
  assert.match(await page.locator('#error').textContent(), /ticks/);
  await page.close();
});

test('clicking beside the messages still selects the node underneath', async () => {
  const page = await open();
  await seek(page, 5);
  const box = await page.locator('[data-node=a3]').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 3);
  assert.ok(await page.locator('#message-menu').isHidden());
  assert.match(await page.locator('#panel-details h2').textContent(), /^a3 · acceptor/);
  await page.close();
});

test('messages can be reached without a pointer: their buttons and the node panel', async () => {
  const page = await open();
  await seek(page, 5);
  const id = await openMenuByKeyboard(page);
  assert.match(await page.locator('#message-menu p').textContent(), new RegExp(`^Message ${id}: `));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), 'drop');
  await page.keyboard.press('Escape');
  assert.ok(await page.locator('#message-menu').isHidden());
  assert.equal(await page.evaluate(() => document.activeElement.dataset.message), id);
  // The node panel lists the messages to or from the node, with their actions.
  await page.locator('[data-node=p1]').focus();
  await page.keyboard.press('Enter');
  const row = page.locator('[data-message-row]').first();
  const rowId = await row.getAttribute('data-message-row');
  await row.getByRole('button', { name: 'Drop' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.locator(`[data-message="${rowId}"]`).count(), 0);
  await page.close();
});

test('stepping back and then forward shows the same state', async () => {
  const page = await open();
  for (let i = 0; i < 6; i++) await page.locator('#step').click();
  const read = async () => [await clock(page), await page.locator('#status').textContent(), await page.locator('[data-message]').count()];
  const after6 = await read();
  await page.locator('#step-back').click();
  assert.notDeepEqual(await read(), after6);
  await page.locator('#step').click();
  assert.deepEqual(await read(), after6);
  await page.close();
});

test('a break-Paxos switch leads to a violation that the page pauses on and explains', async () => {
  const page = await open();
  await page.getByRole('tab', { name: 'Setup' }).click();
  await page.getByLabel('acceptor accepts below promise').check();
  await page.getByRole('button', { name: 'Apply and restart' }).click();
  await page.locator('#speed').fill('100');
  await page.locator('#play').click();
  await page.locator('#violation:not([hidden])').waitFor({ timeout: 10000 });
  assert.match(await page.locator('#violation').textContent(), /Safety violated at tick \d+: a\d accepted ballot .* after promising the higher ballot/);
  assert.equal(await page.locator('#play').textContent(), '▶ Play');
  assert.match(await page.locator('#stage').textContent(), /SAFETY VIOLATED/);
  await page.getByRole('button', { name: 'Show the events involved' }).click();
  assert.ok(await page.locator('#log li.involved').count() >= 1);
  await page.close();
});

test('a slow frame that leaps past two violations stops just after the first, and names it', async () => {
  // A CPU forty times slower makes each frame leap tens of ticks at full speed: from before
  // the broken promise at tick 52 to past the two values chosen at 94.
  const page = await open();
  await page.getByRole('tab', { name: 'Setup' }).click();
  await page.getByLabel('acceptor accepts below promise').check();
  await page.getByRole('button', { name: 'Apply and restart' }).click();
  await page.locator('#speed').fill('100');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 40 });
  await page.locator('#play').click();
  await page.locator('#violation:not([hidden])').waitFor({ timeout: 30000 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  assert.match(await page.locator('#violation').textContent(), /^Safety violated at tick 52: a3 accepted ballot 1\.p1 after promising the higher ballot 1\.p2/);
  assert.match(await page.locator('#clock').textContent(), /^tick 53 of /);
  assert.equal(await page.locator('#play').textContent(), '▶ Play');
  await page.close();
});

test('everything above works from the keyboard', async () => {
  const page = await open();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.match(await clock(page), /^tick \d+ of 1500 · [1-9]\d* events/);
  await page.locator('[data-node=a2]').focus();
  await page.keyboard.press('Enter');
  assert.match(await page.locator('#panel-details h2').textContent(), /^a2 · acceptor/);
  await page.keyboard.press('c');
  assert.equal(await page.locator('[data-node=a2]').getAttribute('data-crashed'), 'true');
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#play').textContent(), '⏸ Pause');
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#play').textContent(), '▶ Play');
  await page.close();
});

test('the phone layout shows the cluster and the controls without horizontal scrolling', async () => {
  const page = await open({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  assert.ok(await page.locator('#play').isVisible());
  assert.ok(await page.locator('[data-node=p1]').isVisible());
  await page.close();
});

/** Whether all of `selector`'s first element lies inside the viewport, once scrolling ends. */
const onScreen = (page, selector) => page.waitForFunction((sel) => {
  const box = document.querySelector(sel).getBoundingClientRect();
  return box.height > 0 && box.top >= -1 && box.bottom <= innerHeight + 1;
}, selector, { timeout: 5000 }).then(() => true, () => false);

test('on a phone, a tapped node\'s panel and a chosen tour come into view next to the drawing', async () => {
  const before = env.problems.length;
  const page = await open({ width: 390, height: 844 });
  await page.locator('[data-node=a3]').click();
  assert.match(await page.locator('#panel-details h2').textContent(), /^a3 · acceptor/);
  assert.ok(await onScreen(page, '#panel-details'), 'the Node panel is on screen');
  // The drawing is still there, above the panel: the tapped node is on screen too.
  assert.ok(await onScreen(page, '[data-node=a3]'), 'the node is still on screen');
  // A tour chosen from the Library, far down the page, shows its banner.
  await page.getByRole('tab', { name: 'Library' }).click();
  await page.locator('#panel-library [data-scenario]').first().click();
  await page.locator('#tour [data-tour-text]').waitFor();
  assert.ok(await onScreen(page, '#tour'), 'the tour\'s banner is on screen');
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('narration reads out the moments the core marks, and not every message', async () => {
  const page = await open();
  await page.locator('#narrate').check();
  await seek(page, 100);
  const text = await page.locator('#narration').textContent();
  assert.match(text, /is chosen|learned|was asked to propose|has a phase-1 quorum/, text);
  assert.doesNotMatch(text, / sent | received /, text);
  await page.close();
});

test('a one-way cut is drawn with an arrowhead pointing the way messages no longer go', async () => {
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  const scenario = {
    version: 1, protocol: 'paxos', seed: 1, cluster: { proposers: 1, acceptors: 3, learners: 1 },
    schedule: [{ at: 0, cut: { from: 'p1', to: 'a1' } }, { at: 0, propose: { node: 'p1', value: 'A' } }],
  };
  await page.goto(`${env.url}#json=${encodeURIComponent(JSON.stringify(scenario))}&t=5`);
  await page.waitForSelector('body[data-ready=true]');
  const cut = page.locator('[data-cut="p1->a1"]');
  assert.equal(await cut.locator('title').textContent(), 'the link from p1 to a1 is cut: its messages are lost');
  // The arrow's tip (its first point) is nearer a1, where the cut line ends, than its base is.
  const line = cut.locator('line');
  const [ax, ay] = [Number(await line.getAttribute('x2')), Number(await line.getAttribute('y2'))];
  const [tip, ...base] = (await cut.locator('polygon').getAttribute('points')).split(' ').map((p) => p.split(',').map(Number));
  const distance = ([x, y]) => Math.hypot(x - ax, y - ay);
  assert.ok(distance(tip) < distance(base[0]) && distance(tip) < distance(base[1]), `${tip} ${base}`);
  await page.close();
});

test('the console stayed clean through every test', () => {
  assert.deepEqual(env.problems, []);
});

test('a run that has nothing more to do pauses by itself, says so, and Play plays it again', async () => {
  const before = env.problems.length;
  const page = await open();
  await page.locator('#speed').fill('100');
  await page.locator('#play').click();
  await page.waitForFunction(() => /Nothing more will happen in this run/.test(document.getElementById('status').textContent), null, { timeout: 30000 });
  await page.waitForFunction(() => document.getElementById('play').textContent === '▶ Play');
  const stopped = await clock(page);
  const tick = Number(stopped.match(/^tick (\d+)/)[1]);
  assert.ok(tick < 1500, `paused at tick ${tick}, before the run's end`);
  assert.match(await page.locator('#status').textContent(), /every learner has learned it\. Nothing more will happen/);
  assert.equal(await page.locator('#play').getAttribute('title'), 'Play again from tick 0 (Space)');
  await page.waitForTimeout(300);
  assert.equal(await clock(page), stopped, 'the clock stays where it paused');
  // Play starts the run again from the beginning.
  await page.locator('#play').click();
  assert.equal(await page.locator('#play').textContent(), '⏸ Pause');
  assert.ok(Number((await clock(page)).match(/^tick (\d+)/)[1]) < tick, 'played again from the start');
  await page.locator('#play').click();
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('the log says when it shows only the latest events, and lists one node\'s events when asked', async () => {
  const scenario = {
    version: 1, protocol: 'paxos', seed: 7, cluster: { servers: 15 },
    network: { delay_ticks_min: 5, delay_ticks_max: 40, loss: 0.3, duplicate: 0.05 },
    schedule: ['s1', 's2', 's3'].map((node, i) => ({ at: i * 10, propose: { node, value: 'ABC'[i] } })),
    until_ticks: 2000,
  };
  const page = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${env.url}#json=${encodeURIComponent(JSON.stringify(scenario))}`);
  await page.waitForSelector('body[data-ready=true]');
  await page.locator('#scrubber').fill('30');
  await page.getByRole('tab', { name: 'Log' }).click();
  assert.equal(await page.locator('#log-note').textContent(), '');
  await page.locator('#scrubber').fill('2000');
  const events = Number((await clock(page)).match(/· (\d+) events/)[1]);
  assert.ok(events > 400, `${events} events`);
  assert.equal(await page.locator('#log-note').textContent(), `The latest 400 of the ${events} events up to the cursor; move the cursor back for earlier ones.`);
  assert.equal(await page.locator('#log li').count(), 400);
  await page.locator('#log-node').selectOption('s7');
  const lines = await page.locator('#log li').allTextContents();
  assert.ok(lines.length > 0 && lines.length < 400, `${lines.length} lines`);
  for (const line of lines) assert.match(line, /s7(?!\d)/);
  assert.match(await page.locator('#log-note').textContent(), /Only those of s7 are listed\.$/);
  await page.locator('#log-node').selectOption('');
  assert.equal(await page.locator('#log li').count(), 400);
  await page.close();
});

test('a proposer\'s timeout can be forced from its panel or with t, and the link replays it', async () => {
  const before = env.problems.length;
  const page = await open();
  await seek(page, 5);
  await page.locator('[data-node=a1]').click();
  assert.equal(await page.getByRole('button', { name: 'Time out now (t)' }).count(), 0, 'an acceptor has no timer');
  await page.locator('[data-node=p1]').click();
  await page.getByRole('button', { name: 'Time out now (t)' }).click();
  await page.getByRole('tab', { name: 'Log' }).click();
  assert.match(await page.locator('#log').textContent(), /t=5 ?p1's timer fired/);
  // By key, for p2 once it has proposed.
  await seek(page, 30);
  await page.locator('[data-node=p2]').click();
  await page.locator('body').press('t');
  await page.getByRole('tab', { name: 'Log' }).click();
  assert.match(await page.locator('#log').textContent(), /t=30 ?p2's timer fired/);
  // The address bar's link holds both, and a fresh page replays them.
  await page.waitForFunction(() => location.hash.includes('s1='));
  const again = await env.newPage({ viewport: { width: 1280, height: 800 } });
  await again.goto(page.url());
  await again.waitForSelector('body[data-ready=true]');
  await again.getByRole('tab', { name: 'Log' }).click();
  const log = await again.locator('#log').textContent();
  assert.match(log, /t=5 ?p1's timer fired/);
  assert.match(log, /t=30 ?p2's timer fired/);
  assert.equal(await again.locator('#clock').textContent(), await page.locator('#clock').textContent());
  assert.deepEqual(env.problems.slice(before), []);
  await again.close();
  await page.close();
});

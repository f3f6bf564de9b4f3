// The space-time diagram, read from its pixels: a message in flight is drawn as far as it has
// travelled, a dropped or delayed message loses the arrow drawn before, the cursor follows the
// run while it plays, and a click seeks to the tick under it, also once the window has scrolled.
// The diagram keeps what it drew in cached layers, so these check that the cache follows the run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

/** One proposer, one acceptor and one learner, and every message takes exactly 100 ticks: the
 *  first Prepare (message 1) travels from p1's lane at tick 0 to a1's lane at tick 100, alone. */
function scenario(schedule = []) {
  return {
    version: 1, protocol: 'paxos', seed: 1,
    cluster: { proposers: 1, acceptors: 1, learners: 1 },
    network: { delay_ticks_min: 100, delay_ticks_max: 100, loss: 0, duplicate: 0 },
    quorum: { kind: 'majority' },
    schedule: [{ at: 0, propose: { node: 'p1', value: 'A' } }, ...schedule],
    until_ticks: 400,
  };
}

async function open(hash = '', viewport = { width: 1280, height: 800 }) {
  const page = await env.newPage({ viewport });
  // The diagram's pixels in a rectangle (device pixels), read from a copy made for reading, so
  // that the test's reads do not make Chromium warn about reading the diagram's canvas often.
  await page.addInitScript(() => {
    window.lamportPixels = (x, y, width, height) => {
      const copy = document.createElement('canvas');
      const canvas = document.getElementById('lamport');
      [copy.width, copy.height] = [canvas.width, canvas.height];
      const g = copy.getContext('2d', { willReadFrequently: true });
      g.drawImage(canvas, 0, 0);
      return g.getImageData(x, y, width, height).data;
    };
  });
  await page.goto(env.url + hash);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}

const seek = (page, tick) => page.locator('#scrubber').fill(String(tick));
const tickNow = async (page) => Number((await page.locator('#clock').textContent()).match(/^tick (\d+)/)[1]);

/** The diagram's layout, as lamport.js lays it out: lanes below each other, 300 ticks across
 *  the width after the names. */
const layout = (page) => page.evaluate(() => {
  const canvas = document.getElementById('lamport');
  return { width: canvas.clientWidth, height: canvas.clientHeight, ratio: window.devicePixelRatio || 1, left: 34, ticks: 300 };
});
const tickX = (l, tick, start = 0) => l.left + ((tick - start) * (l.width - l.left)) / l.ticks;
const laneY = (l, lane, lanes) => 6 + ((l.height - 10) / lanes) * (lane + 0.5);


/** The most opaque pixel (alpha, and its colour) within two pixels above or below a point given
 *  in CSS pixels: what is drawn there, if anything. */
const inkAt = (page, x, y) => page.evaluate(([x, y]) => {
  const ratio = window.devicePixelRatio || 1;
  const data = window.lamportPixels(Math.round(x * ratio), Math.round((y - 2) * ratio), 1, Math.round(4 * ratio) + 1);
  let best = [0, 0, 0, 0];
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > best[3]) best = [...data.slice(i, i + 4)];
  return best;
}, [x, y]);

/** The point of the first Prepare's arrow at `tick`, when it travels from tick 0 to `deliver`. */
function onArrow(l, tick, deliver) {
  const from = laneY(l, 0, 3);
  return [tickX(l, tick), from + ((laneY(l, 1, 3) - from) * tick) / deliver];
}

test('a message in flight is drawn as far as it has travelled, and solid once delivered', async () => {
  const page = await open(`#json=${encodeURIComponent(JSON.stringify(scenario()))}`);
  const l = await layout(page);
  await seek(page, 50);
  const [travelled, ahead] = [await inkAt(page, ...onArrow(l, 25, 100)), await inkAt(page, ...onArrow(l, 75, 100))];
  assert.ok(travelled[3] > 60 && travelled[3] < 200, `faint ink where the message has been: ${travelled}`);
  assert.equal(ahead[3], 0, `nothing where the message has not been yet: ${ahead}`);
  await seek(page, 150);
  const delivered = await inkAt(page, ...onArrow(l, 75, 100));
  assert.ok(delivered[3] > 200, `solid ink once delivered: ${delivered}`);
  await page.close();
});

test('a message dropped after its arrow was drawn is drawn lost, without the rest of its journey', async () => {
  const page = await open(`#json=${encodeURIComponent(JSON.stringify(scenario([{ at: 50, drop: { message: 1 } }])))}`);
  const l = await layout(page);
  await seek(page, 40);
  assert.ok((await inkAt(page, ...onArrow(l, 20, 100)))[3] > 60, 'the message is drawn in flight');
  await seek(page, 150);
  const [red, planned] = [await inkAt(page, ...onArrow(l, 25, 50)), await inkAt(page, ...onArrow(l, 75, 100))];
  assert.ok(red[0] > 120 && red[1] < 80 && red[3] > 200, `a red arrow to where it was dropped: ${red}`);
  assert.equal(planned[3], 0, `nothing where it would have gone: ${planned}`);
  await page.close();
});

test('a message delayed after its arrow was drawn is drawn to its new delivery', async () => {
  const page = await open(`#json=${encodeURIComponent(JSON.stringify(scenario([{ at: 50, delay: { message: 1, ticks: 100 } }])))}`);
  const l = await layout(page);
  await seek(page, 40);
  await seek(page, 150);
  const [now, before] = [await inkAt(page, ...onArrow(l, 75, 200)), await inkAt(page, ...onArrow(l, 75, 100))];
  assert.ok(now[3] > 60 && now[3] < 200, `faint ink on its way to tick 200: ${now}`);
  assert.equal(before[3], 0, `nothing on its old way to tick 100: ${before}`);
  await page.close();
});

/** Where the cursor is drawn: the x (CSS pixels) of the cursor's blue in the diagram's top row,
 *  above the lanes, where only vertical lines are drawn. */
const cursorX = (page) => page.evaluate(() => {
  const canvas = document.getElementById('lamport');
  const ratio = window.devicePixelRatio || 1;
  const data = window.lamportPixels(0, Math.round(2 * ratio), canvas.width, 1);
  const xs = [];
  for (let x = 0; x < canvas.width; x++) {
    const [r, g, b, a] = data.slice(4 * x, 4 * x + 4);
    if (a > 200 && Math.abs(r - 0x1a) < 30 && Math.abs(g - 0x5f) < 30 && Math.abs(b - 0xd0) < 30) xs.push(x);
  }
  return xs.length ? (xs[0] + xs.at(-1) + 1) / 2 / ratio : null;
});

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`on a ${name}, the cursor follows the run while it plays and a click seeks, also after scrolling`, async () => {
    const before = env.problems.length;
    const page = await open('', viewport);
    const l = await layout(page);
    const near = (actual, expected, slack, what) => assert.ok(Math.abs(actual - expected) <= slack, `${what}: ${actual}, expected ${expected}`);
    const perTick = (l.width - l.left) / l.ticks;

    await seek(page, 10);
    await page.locator('#play').click();
    await page.waitForTimeout(600);
    const [x1, t1] = [await cursorX(page), await tickNow(page)];
    await page.waitForTimeout(600);
    const [x2, t2] = [await cursorX(page), await tickNow(page)];
    await page.locator('#play').click();
    assert.ok(t2 > t1 && x2 > x1, `the cursor moved while playing: tick ${t1} → ${t2}, x ${x1} → ${x2}`);
    // The clock shows the whole tick; the cursor may be up to a tick further (and a frame apart).
    near(x2, tickX(l, t2) + perTick, 3 * perTick + 2, 'the cursor while playing');

    // On a phone the diagram lies below the panels: scrolled to, as a person would.
    await page.locator('#lamport').scrollIntoViewIfNeeded();
    const box = await page.locator('#lamport').boundingBox();
    await page.mouse.click(box.x + 1 + tickX(l, 200), box.y + 20);
    near(await tickNow(page), 200, 1, 'a click seeks to the tick under it');
    near(await cursorX(page), tickX(l, 200), 1.5, 'the cursor after the click');

    // At tick 800 the window shows ticks 530 to 830.
    await seek(page, 800);
    near(await cursorX(page), tickX(l, 800, 530), 1.5, 'the cursor once the window has scrolled');
    // The status line above may have grown (on a phone it wraps), moving the diagram down.
    await page.locator('#lamport').scrollIntoViewIfNeeded();
    const moved = await page.locator('#lamport').boundingBox();
    await page.mouse.click(moved.x + 1 + tickX(l, 700, 530), moved.y + 20);
    near(await tickNow(page), 700, 1, 'a click in the scrolled window seeks to the tick under it');
    assert.deepEqual(env.problems.slice(before), []);
    await page.close();
  });
}

test('the diagram zooms in and out, fits the run so far, and can stop following the cursor', async () => {
  const before = env.problems.length;
  const page = await open(`#json=${encodeURIComponent(JSON.stringify(scenario()))}`);
  const l = await layout(page);
  const near = (actual, expected, slack, what) => assert.ok(Math.abs(actual - expected) <= slack, `${what}: ${actual}, expected ${expected}`);
  const windowTicks = async () => Number((await page.locator('#diagram-window').textContent()).match(/^(\d+) ticks across$/)[1]);
  await seek(page, 60);
  // Zoomed in to 100 ticks, the first Prepare's arrow (tick 0 to 100) runs across the width.
  await page.getByRole('button', { name: 'Zoom in' }).click();
  assert.equal(await windowTicks(), 100);
  const zoomed = { ...l, ticks: 100 };
  near(await cursorX(page), tickX(zoomed, 60), 1.5, 'the cursor at 100 ticks across');
  assert.ok((await inkAt(page, ...onArrow(zoomed, 30, 100)))[3] > 60, 'the arrow drawn at the new scale');
  await page.getByRole('button', { name: 'Zoom out' }).click();
  await page.getByRole('button', { name: 'Zoom out' }).click();
  assert.equal(await windowTicks(), 1000);

  // Fit: ticks 0 to the last event so far, with a little room, and the window stops following.
  await seek(page, 150);
  await page.getByRole('button', { name: 'Fit the run' }).click();
  assert.equal(await page.locator('#diagram-follow').isChecked(), false);
  const fitted = { ...l, ticks: await windowTicks() };
  assert.ok(fitted.ticks >= 100 && fitted.ticks <= 158, `fitted to ${fitted.ticks} ticks`);
  assert.ok((await inkAt(page, ...onArrow(fitted, 50, 100)))[3] > 200, 'the delivered arrow, solid, at the fitted scale');
  // Not following, the window stays put while the cursor moves on, and says where it went.
  await seek(page, 390);
  assert.ok((await cursorX(page)) > l.width - 90, 'the cursor is pointed at from the right edge');
  const box = await page.locator('#lamport').boundingBox();
  await page.mouse.click(box.x + 1 + tickX(fitted, 40), box.y + 20);
  near(await tickNow(page), 40, 1, 'a click in the fixed window seeks to the tick under it');
  // Following again, the window ends just after the cursor.
  await page.locator('#diagram-follow').check();
  await seek(page, 390);
  near(await cursorX(page), tickX(fitted, 390, 390 - 0.9 * fitted.ticks), 1.5, 'the cursor once the window follows again');
  assert.deepEqual(env.problems.slice(before), []);
  await page.close();
});

test('the diagram\'s tools work from the keyboard', async () => {
  const page = await open();
  await page.locator('#diagram-zoom-in').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#diagram-window').textContent(), '100 ticks across');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#diagram-follow').isChecked(), false);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#diagram-follow').isChecked(), true);
  await page.close();
});

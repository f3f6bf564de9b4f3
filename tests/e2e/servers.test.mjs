// Server clusters, where one node plays every role: what a server sends itself is drawn beside
// it, not over it, and its badge shows what it has promised and accepted, as an acceptor's does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { start, ROOT } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

const MINORITY = readFileSync(`${ROOT}/scenarios/minority-partition.json`, 'utf8');

async function open(tick, viewport = { width: 1280, height: 800 }) {
  const page = await env.newPage({ viewport });
  await page.goto(`${env.url}#json=${encodeURIComponent(MINORITY)}&t=${tick}`);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}

test('clicking a server that has a message to itself in flight selects the server', async () => {
  const page = await open(381);
  const toItself = await page.locator('[data-message]').evaluateAll((buttons) => buttons.map((b) => b.textContent));
  assert.ok(toItself.length > 0, 'no message is in flight at tick 381');
  const name = await page.locator('[data-node=s1] .name').boundingBox();
  await page.mouse.click(name.x + name.width / 2, name.y + name.height / 2);
  assert.ok(await page.locator('#message-menu').isHidden(), await page.locator('#message-menu').textContent());
  assert.match(await page.locator('#panel-details h2').textContent(), /^s1 · server/);
  await page.close();
});

test('a message a server sends itself can still be clicked, beside the server', async () => {
  const page = await open(381);
  // Each pixel of the message canvas painted with a ballot colour, outside every node's box.
  const boxes = await page.locator('[data-node] .shape').evaluateAll((shapes) => shapes.map((s) => s.getBoundingClientRect().toJSON()));
  const points = await page.evaluate(() => {
    const canvas = document.querySelector('#stage .message-canvas');
    const { data, width } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const rect = canvas.getBoundingClientRect();
    const scale = rect.width / canvas.width;
    const found = [];
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = data.slice(i, i + 4);
      if (a === 255 && Math.max(r, g, b) - Math.min(r, g, b) > 80) {
        found.push({ x: rect.left + ((i / 4) % width) * scale, y: rect.top + Math.floor(i / 4 / width) * scale });
      }
    }
    return found;
  });
  const inside = (p, box) => p.x >= box.x && p.x <= box.x + box.width && p.y >= box.y && p.y <= box.y + box.height;
  assert.ok(points.length > 0, 'no message is drawn');
  assert.deepEqual(points.filter((p) => boxes.some((box) => inside(p, box))), [], 'a message is drawn over a node');
  // The first painted pixel from the top belongs to the message above s1, the top node.
  const top = points[0];
  await page.mouse.click(top.x, top.y + 3);
  assert.match(await page.locator('#message-menu p').textContent(), /^Message \d+: .*, s1 → s1$/);
  await page.close();
});

test('a server shows what it has promised and accepted under it', async () => {
  const page = await open(381);
  const badge = await page.locator('[data-node=s1] .badge').textContent();
  assert.match(badge, /promised \d+\.s1/);
  assert.match(badge, /accepted \d+\.s1 “A”/);
  await page.close();
});

test('the console stayed clean through every server test', () => {
  assert.deepEqual(env.problems, []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ringLayout, messageProgress, lerpPoint, loopPoint } from './geometry.js';

test('the first node sits at the top of the ring and the rest go clockwise', () => {
  const [first, second] = ringLayout(4, 100, 100, 50);
  assert.ok(Math.abs(first.x - 100) < 1e-9 && Math.abs(first.y - 50) < 1e-9);
  assert.ok(Math.abs(second.x - 150) < 1e-9 && Math.abs(second.y - 100) < 1e-9);
});

test('nodes on the ring are all at the radius', () => {
  for (const p of ringLayout(9, 0, 0, 10)) assert.ok(Math.abs(Math.hypot(p.x, p.y) - 10) < 1e-9);
});

test('message progress is a clamped fraction of the flight time', () => {
  assert.equal(messageProgress(10, 10, 20), 0);
  assert.equal(messageProgress(15, 10, 20), 0.5);
  assert.equal(messageProgress(25, 10, 20), 1);
  assert.equal(messageProgress(5, 10, 20), 0);
  assert.equal(messageProgress(12, 12, 12), 1);
});

test('lerpPoint interpolates both coordinates', () => {
  assert.deepEqual(lerpPoint({ x: 0, y: 10 }, { x: 10, y: 20 }, 0.5), { x: 5, y: 15 });
});

test('a message to itself goes over the top of its loop, left to right, clear of the node', () => {
  const p = { x: 100, y: 100 };
  const [start, middle, end] = [0, 0.5, 1].map((t) => loopPoint(p, 30, 12, t));
  assert.ok(start.x < middle.x && middle.x < end.x);
  assert.ok(Math.abs(middle.x - 100) < 1e-9 && Math.abs(middle.y - 46) < 1e-9);
  for (let t = 0; t <= 1; t += 0.125) assert.ok(Math.hypot(loopPoint(p, 30, 12, t).x - 100, loopPoint(p, 30, 12, t).y - 100) > 30 + 14);
});

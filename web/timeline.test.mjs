import { test } from 'node:test';
import assert from 'node:assert/strict';
import { speedFromSlider, sliderFromSpeed, thinMarkers, SPEED_MIN, SPEED_MAX } from './timeline.js';

test('the speed slider spans 1 to 1000 ticks per second on a log scale', () => {
  assert.equal(speedFromSlider(0), SPEED_MIN);
  assert.equal(speedFromSlider(100), SPEED_MAX);
  assert.ok(Math.abs(speedFromSlider(50) - Math.sqrt(SPEED_MIN * SPEED_MAX)) < 0.1);
  assert.equal(speedFromSlider(-5), SPEED_MIN);
});

test('slider and speed convert back and forth', () => {
  for (const position of [0, 13, 50, 77, 100]) {
    assert.equal(sliderFromSpeed(speedFromSlider(position)), position);
  }
});

test('thinning keeps the most important marker of a crowded spot in each lane', () => {
  const markers = [
    { tick: 10, kind: 'propose', lane: 0, rank: 3 }, { tick: 11, kind: 'violation', lane: 0, rank: 0 },
    { tick: 12, kind: 'learn', lane: 0, rank: 2 }, { tick: 900, kind: 'crash', lane: 1, rank: 0 },
  ];
  const kept = thinMarkers(markers, 1000, 100);
  assert.deepEqual(kept.map((m) => m.kind), ['violation', 'crash']);
});

test('a fault one tick from another marker keeps its own marker', () => {
  const markers = [{ tick: 40, kind: 'chosen', lane: 0, rank: 1 }, { tick: 41, kind: 'crash', lane: 1, rank: 0 }];
  assert.deepEqual(thinMarkers(markers, 1000, 100).map((m) => m.kind), ['chosen', 'crash']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embedOptions, parseHostMessage } from './embed.js';

test('embed options come from the query string, with bad values ignored', () => {
  assert.equal(embedOptions('?foo=1'), null);
  assert.deepEqual(embedOptions('?embed&controls=play,scrubber,bogus&autoplay=1&start=10&stop=400&speed=50&height=300'), {
    controls: ['play', 'scrubber'], autoplay: true, start: 10, stop: 400, speed: 50, height: 300,
  });
  assert.deepEqual(embedOptions('?embed=1&start=-4&stop=abc&speed=99999&height=5'), {
    controls: ['play', 'step', 'scrubber'], autoplay: false, start: 0, stop: null, speed: null, height: null,
  });
});

test('host messages are validated', () => {
  assert.equal(parseHostMessage('play'), null);
  assert.equal(parseHostMessage({ type: 'other', action: 'play' }), null);
  assert.deepEqual(parseHostMessage({ type: 'paxoscope', action: 'play' }), { action: 'play' });
  assert.deepEqual(parseHostMessage({ type: 'paxoscope', action: 'seek', tick: 40 }), { action: 'seek', argument: 40 });
  assert.match(parseHostMessage({ type: 'paxoscope', action: 'seek', tick: '40' }).error, /whole number/);
  assert.match(parseHostMessage({ type: 'paxoscope', action: 'seek', tick: 1e12 }).error, /whole number/);
  assert.deepEqual(parseHostMessage({ type: 'paxoscope', action: 'load', scenario: { version: 1 } }), { action: 'load', argument: '{"version":1}' });
  assert.match(parseHostMessage({ type: 'paxoscope', action: 'load', scenario: 42 }).error, /needs "scenario"/);
  assert.match(parseHostMessage({ type: 'paxoscope', action: '<script>' }).error, /unknown action/);
});

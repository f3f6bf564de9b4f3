// The link decoder against random and mutated input: it must always resolve to either a scenario
// or an error, never throw, never hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFragment, decodeFragment, LINK_CHARS_MAX } from './link.js';

const SCENARIO = JSON.stringify({
  version: 1, protocol: 'paxos', seed: 7, cluster: { proposers: 2, acceptors: 3, learners: 1 },
  schedule: [{ at: 0, propose: { node: 'p1', value: 'Ä ✓' } }], until_ticks: 500,
});

/** A small seeded generator, so that a failure can be replayed. */
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

test('a link round-trips the scenario and the cursor', async () => {
  const fragment = await encodeFragment(SCENARIO, 123, 45);
  assert.match(fragment, /^s1=[A-Za-z0-9_-]+&t=123&a=45$/);
  assert.deepEqual(await decodeFragment(`#${fragment}`), { scenario: SCENARIO, tick: 123, actions: 45, error: null });
});

test('a readable json= link works too', async () => {
  const result = await decodeFragment(`json=${encodeURIComponent(SCENARIO)}&t=9`);
  assert.deepEqual(result, { scenario: SCENARIO, tick: 9, actions: null, error: null });
});

test('damaged links say what is wrong', async () => {
  const fragment = await encodeFragment(SCENARIO, 5);
  const payload = fragment.slice(3, fragment.indexOf('&'));
  const cases = [
    [`s1=${payload.slice(0, payload.length / 2)}`, /incomplete or corrupted|length no Paxoscope link has/],
    [`s1=${payload}!!`, /characters a Paxoscope link never has/],
    ['s2=abcdef', /newer Paxoscope \(link format s2\)/],
    [`s1=${payload}&t=soon`, null],
    ['x'.repeat(LINK_CHARS_MAX + 1), /too long/],
    ['foo=bar', /holds no scenario/],
  ];
  for (const [input, expected] of cases) {
    const result = await decodeFragment(input);
    if (expected) {
      assert.equal(result.scenario, null, input.slice(0, 40));
      assert.match(result.error, expected);
    } else {
      assert.equal(result.scenario, SCENARIO);
      assert.match(result.error, /not a tick number/);
    }
  }
});

test('a decompression bomb is refused', async () => {
  const huge = JSON.stringify({ version: 1, padding: ' '.repeat(3_000_000) });
  const fragment = await encodeFragment(huge, 0);
  assert.ok(fragment.length < LINK_CHARS_MAX);
  assert.match((await decodeFragment(fragment)).error, /larger than 1 MB/);
});

test('random and mutated links always give a scenario or an error, never an exception', async () => {
  const random = generator(2026);
  const valid = await encodeFragment(SCENARIO, 42);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=&%#+/!ä{}"';
  for (let i = 0; i < 1500; i++) {
    let input;
    if (i % 3 === 0) {
      input = Array.from({ length: Math.floor(random() * 200) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    } else {
      const chars = [...valid];
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * chars.length);
        const kind = random();
        if (kind < 0.4) chars[at] = alphabet[Math.floor(random() * alphabet.length)];
        else if (kind < 0.7) chars.splice(at, 1 + Math.floor(random() * 5));
        else chars.splice(at, 0, alphabet[Math.floor(random() * alphabet.length)]);
      }
      input = chars.join('');
    }
    const result = await decodeFragment(input);
    assert.ok(result && typeof result === 'object', `input ${i}`);
    const cursorOnly = input === '' || /^t=\d+$/.test(input);
    assert.ok(result.scenario !== null || result.error !== null || cursorOnly,
      `input ${i} gave neither a scenario nor an error: ${JSON.stringify(input)}`);
    if (result.scenario !== null) assert.equal(typeof result.scenario, 'string');
  }
});

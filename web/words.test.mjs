// The page names no protocol: every word about Paxos it shows comes from the core's view, so
// that a second protocol needs no change here. This test reads each module in web/ (comments
// aside) for Paxos's words and fails on any.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const WEB = dirname(fileURLToPath(import.meta.url));

// Message kinds are matched with their capital, so that JavaScript's `Promise` (followed by a
// dot or `(`, or after `new`) is not taken for a Paxos Promise.
const WORDS = [/\b(ballots?|proposers?|acceptors?|learners?|paxos)\b/i, /\b(Prepare|Accepted|Nack)\b/, /(?<!new )\bPromise\b(?![.(<])/];

/** The code of a module without its comments (line comments, block comments). */
export function withoutComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** The Paxos words in a module's code, with their line numbers. */
export function paxosWords(source) {
  const found = [];
  withoutComments(source).split('\n').forEach((line, i) => {
    for (const word of WORDS) {
      const match = line.match(word);
      if (match) found.push(`${i + 1}: ${match[0]}`);
    }
  });
  return found;
}

test('the word check sees Paxos words in code and not in comments or JavaScript promises', () => {
  assert.deepEqual(paxosWords("const label = 'acceptor';"), ['1: acceptor']);
  assert.deepEqual(paxosWords('draw(m.kind === "Prepare")'), ['1: Prepare']);
  assert.deepEqual(paxosWords('// the proposer\n/* ballot */ x = 1;'), []);
  assert.deepEqual(paxosWords('await new Promise((r) => setTimeout(r)); Promise.all([]);'), []);
  assert.deepEqual(paxosWords('text = `a Promise from ${n}`;'), ['1: Promise']);
});

const modules = readdirSync(WEB).filter((f) => f.endsWith('.js') && !f.endsWith('.test.mjs'));

test('web/ holds the page\'s modules', () => assert.ok(modules.length >= 10, modules.join(', ')));

for (const file of modules) {
  test(`web/${file} names no Paxos role or message`, () => {
    const found = paxosWords(readFileSync(join(WEB, file), 'utf8'));
    assert.deepEqual(found, [], `web/${file} names Paxos; the words belong in the core's view`);
  });
}

// Scenario links: the URL fragment carries the whole scenario (compressed, URL-safe) and the time
// cursor, so a link replays exactly the run someone saw. Decoding never throws: a damaged,
// oversized or unknown link gives a message that says what is wrong.
//
// Fragment format (a public interface, like the scenario format):
//   #s1=<base64url of deflate-raw of the scenario JSON>&t=<tick>&a=<actions>
//   #json=<percent-encoded scenario JSON>&t=<tick>      (readable, for hand-written links)
// `a`, optional, is how many single events had happened: a state reached with Step lies inside
// its tick, and the count finds it again.
// Parameters other than these are reserved; an unknown `sN` is a newer link format.

export const LINK_CHARS_MAX = 200_000;
export const SCENARIO_BYTES_MAX = 1_000_000;
export const TICK_MAX = 1_000_000;

/** The fragment (without '#') for a scenario, a cursor tick and, optionally, an action count. */
export async function encodeFragment(scenarioJson, tick, actions) {
  const bytes = new TextEncoder().encode(scenarioJson);
  const compressed = await collect(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw')), Infinity);
  const cursor = Number.isInteger(tick) && tick > 0 ? `&t=${tick}` : '';
  const count = Number.isInteger(actions) && actions > 0 ? `&a=${actions}` : '';
  return `s1=${toBase64Url(compressed)}${cursor}${count}`;
}

/**
 * Reads a fragment. Resolves to `{ scenario, tick, actions, error }`: `scenario` is JSON text
 * (not yet checked by the core) or null; `tick` and `actions` are numbers or null; `error` says
 * what was wrong, or is null. Never rejects.
 */
export async function decodeFragment(fragment) {
  let result;
  try {
    result = await decode(String(fragment ?? '').replace(/^#/, ''));
  } catch (error) {
    result = fail(`This link could not be read (${error?.message ?? error}).`);
  }
  const text = new URLSearchParams(String(fragment ?? '').replace(/^#/, '').slice(0, LINK_CHARS_MAX)).get('a');
  const actions = result.scenario !== null && text !== null && /^\d{1,9}$/.test(text) ? Number(text) : null;
  return { ...result, actions };
}

async function decode(fragment) {
  if (!fragment) return { scenario: null, tick: null, error: null };
  if (fragment.length > LINK_CHARS_MAX) {
    return fail(`This link is too long (${fragment.length} characters; at most ${LINK_CHARS_MAX}).`);
  }
  const params = new URLSearchParams(fragment);
  let tick = null;
  let tickError = null;
  if (params.has('t')) {
    const text = params.get('t');
    if (/^\d{1,7}$/.test(text) && Number(text) <= TICK_MAX) tick = Number(text);
    else tickError = `The link's time cursor (t=${shorten(text)}) is not a tick number, so the run starts at tick 0.`;
  }
  const newer = [...params.keys()].find((key) => /^s\d+$/.test(key) && key !== 's1');
  if (newer && !params.has('s1')) {
    return fail(`This link was made by a newer Paxoscope (link format ${shorten(newer)}); open it there, or ask for the scenario file.`);
  }
  if (params.has('json')) {
    const text = params.get('json');
    if (new TextEncoder().encode(text).length > SCENARIO_BYTES_MAX) return fail('The scenario in this link is larger than 1 MB.');
    return { scenario: text, tick, error: tickError };
  }
  if (!params.has('s1')) {
    // `#t=120` alone moves the cursor in the default scenario; anything else is a broken link.
    const unknown = [...params.keys()].filter((key) => key !== 't');
    if (unknown.length === 0) return { scenario: null, tick, error: tickError };
    return fail('This link holds no scenario (it should contain s1=… or json=…). Was it cut short or edited?');
  }
  const payload = params.get('s1');
  if (!/^[A-Za-z0-9_-]*$/.test(payload)) {
    return fail('This link is damaged: it contains characters a Paxoscope link never has. Was it cut short or edited?');
  }
  const bytes = fromBase64Url(payload);
  if (!bytes) return fail('This link is damaged: its data has a length no Paxoscope link has. Was it cut short?');
  let inflated;
  try {
    inflated = await collect(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')), SCENARIO_BYTES_MAX);
  } catch (error) {
    if (error instanceof TooLarge) return fail('The scenario in this link is larger than 1 MB once unpacked.');
    return fail('This link is damaged: its compressed data is incomplete or corrupted. Was it cut short?');
  }
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    return fail('This link is damaged: it does not unpack to text.');
  }
  return { scenario: text, tick, error: tickError };
}

function fail(error) {
  return { scenario: null, tick: null, error };
}

function shorten(text) {
  const value = String(text);
  return value.length > 24 ? `${value.slice(0, 24)}…` : value;
}

class TooLarge extends Error {}

async function collect(stream, limit) {
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new TooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  if (text.length % 4 === 1) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

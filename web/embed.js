// Embedding: the options an iframe's address sets, and the postMessage API through which the host
// page plays, pauses, seeks and loads scenarios. Every message from the host is validated; a bad
// one gets an error reply and changes nothing.
import { TICK_MAX, SCENARIO_BYTES_MAX, LINK_CHARS_MAX } from './link.js';

export const CONTROLS = ['play', 'step', 'reset', 'speed', 'scrubber', 'diagram', 'panels'];
const DEFAULT_CONTROLS = ['play', 'step', 'scrubber'];

function integer(text, min, max) {
  if (text === null || !/^\d{1,9}$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

/** Embed options from the page's query string, or null when not embedded (`?embed`). */
export function embedOptions(search) {
  const params = new URLSearchParams(search);
  if (!params.has('embed')) return null;
  const listed = params.get('controls');
  const controls = listed === null ? DEFAULT_CONTROLS : listed.split(',').map((c) => c.trim()).filter((c) => CONTROLS.includes(c));
  return {
    controls,
    autoplay: ['1', 'true', 'yes'].includes(params.get('autoplay') ?? ''),
    start: integer(params.get('start'), 0, TICK_MAX) ?? 0,
    stop: integer(params.get('stop'), 1, TICK_MAX),
    speed: integer(params.get('speed'), 1, 1000),
    height: integer(params.get('height'), 150, 3000),
  };
}

/**
 * Checks one message from the host page. Returns `{ action, argument }` for a valid command,
 * `{ error }` for a message meant for us but malformed, and null for messages that are not ours.
 */
export function parseHostMessage(data) {
  if (!data || typeof data !== 'object' || Array.isArray(data) || data.type !== 'paxoscope') return null;
  switch (data.action) {
    case 'play': case 'pause': case 'state':
      return { action: data.action };
    case 'seek':
      if (!Number.isInteger(data.tick) || data.tick < 0 || data.tick > TICK_MAX) {
        return { error: `seek needs "tick", a whole number from 0 to ${TICK_MAX}` };
      }
      return { action: 'seek', argument: data.tick };
    case 'load': {
      let text = data.scenario;
      if (text && typeof text === 'object') {
        try { text = JSON.stringify(text); } catch { text = null; }
      }
      if (typeof text !== 'string') return { error: 'load needs "scenario", as JSON text or an object' };
      if (text.length > SCENARIO_BYTES_MAX) return { error: 'the scenario is larger than 1 MB' };
      return { action: 'load', argument: text };
    }
    default:
      return { error: `unknown action ${JSON.stringify(String(data.action)).slice(0, 40)}; known: play, pause, seek, load, state` };
  }
}

/** Embed mode: minimal chrome, the chosen controls, start/stop ticks, autoplay when visible.
 *  The second argument, the playground `page`, is its state and the functions that move its run. */
export function startEmbed(options, { app, play, pause, seekTo, setSpeed }) {
  document.body.classList.add('embed');
  for (const element of document.querySelectorAll('[data-control]')) {
    element.hidden = !options.controls.includes(element.dataset.control);
  }
  document.querySelector('.side').hidden = !options.controls.includes('panels');
  // An embed never writes its address, so the link to the full page is made as it is followed:
  // the run as the embed shows it, at its cursor, rather than the scenario it was given.
  const openFull = document.getElementById('open-full');
  const page = `${location.origin}${location.pathname}`;
  openFull.href = `${page}${location.hash}`;
  openFull.addEventListener('click', () => {
    const tick = Math.floor(app.time);
    const actions = app.pg.actions();
    const fragment = `json=${encodeURIComponent(app.pg.scenarioJson())}${tick > 0 ? `&t=${tick}` : ''}${actions > 0 ? `&a=${actions}` : ''}`;
    if (fragment.length <= LINK_CHARS_MAX) openFull.href = `${page}#${fragment}`;
  });
  if (options.height) document.body.style.setProperty('--embed-stage-height', `${options.height}px`);
  if (options.speed) setSpeed(options.speed);
  app.stopTick = options.stop;
  if (options.start) seekTo(options.start, { quiet: true });
  if (options.autoplay) {
    // Play only while visible, so a page with many embeds stays light.
    new IntersectionObserver((records) => {
      for (const record of records) {
        if (record.isIntersecting && app.time < (app.stopTick ?? app.view.end_ticks)) play();
        else if (!record.isIntersecting) pause();
      }
    }, { threshold: 0.3 }).observe(document.getElementById('stage'));
  }
}

/** What the host page may ask an embed to do, as functions of the playground `page`. */
function hostCommands({ app, play, pause, seekTo, load }) {
  return {
    play,
    pause,
    seek: (tick) => seekTo(tick),
    load: (text) => load(text),
    state: () => ({
      tick: Math.floor(app.time), playing: app.playing, chosen: app.view.chosen?.value ?? null,
      violations: app.view.violations.map((v) => v.kind), trace: app.pg.traceHash(),
    }),
  };
}

/** Answers the host page's commands to the playground `page` (see `startEmbed`). */
export function listenForHost(page) {
  const commands = hostCommands(page);
  const embedded = window.parent !== window;
  window.addEventListener('message', async (event) => {
    if (!embedded || event.source !== window.parent) return;
    const parsed = parseHostMessage(event.data);
    if (!parsed) return;
    const reply = { type: 'paxoscope', id: event.data.id ?? null };
    if (parsed.error) {
      reply.ok = false;
      reply.error = parsed.error;
    } else {
      const result = await commands[parsed.action](parsed.argument);
      reply.ok = result !== false;
      if (!reply.ok) reply.error = page.app.loadError;
      reply.state = commands.state();
    }
    event.source.postMessage(reply, event.origin === 'null' ? '*' : event.origin);
  });
  if (embedded) window.parent.postMessage({ type: 'paxoscope', event: 'ready', state: commands.state() }, '*');
}

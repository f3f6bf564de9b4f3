// The playground page: owns the run (a wasm `Playground`), the display clock and the person's
// selection; draws the core's view each frame while playing and only on change while paused,
// so that a paused page costs no CPU. No protocol logic lives here.
import { PAGE_CORES } from './pkg/cores.js';
import { h, s, replace, reveal } from './dom.js';
import { Stage, legendShape } from './stage.js';
import { Lamport } from './lamport.js';
import { HistoryLanes } from './lanes.js';
import { Panels } from './panels.js';
import { speedFromSlider, sliderFromSpeed, thinMarkers } from './timeline.js';

const $ = (id) => document.getElementById(id);
/** The one-column layout of style.css: the panels below the drawing. */
const NARROW = matchMedia('(max-width: 900px)');
const PALETTE = Array.from({ length: 8 }, (_, i) =>
  getComputedStyle(document.documentElement).getPropertyValue(`--hue-${i}`).trim());

const app = {
  pg: null,
  /** The core `pg` runs in (see `coreFor`). */
  core: null,
  view: null,
  time: 0,
  playing: false,
  speed: 20,
  selectedNode: null,
  selectedMessage: null,
  /** The log entry the cursor was moved to, by its index, kept marked in the log. */
  selectedEvent: null,
  entries: [],
  /** The log index of `entries[0]`. */
  entriesBase: 0,
  seenViolations: 0,
  lastFrame: 0,
  markersKey: '',
  tour: null,
  /** Embed mode's options (null on the full page). */
  embed: null,
  /** The tick at which playing pauses by itself (the embed's `stop`), or null. */
  stopTick: null,
  /** Why the last scenario could not be loaded, for an embed to tell its host. */
  loadError: null,
};

const stage = new Stage($('stage'), {
  // On a narrow screen the Node panel lies below the drawing: a tap brings it into view.
  onSelectNode: (name) => {
    selectNode(name);
    if (app.selectedNode && NARROW.matches) reveal($('panel-details'));
  },
  onSelectMessage: (id, point) => openMessageMenu(id, point),
  palette: PALETTE,
});
const lamport = new Lamport($('lamport'), { onSeek: (tick) => seekTo(tick) });
const lanes = new HistoryLanes($('history-lanes'), { onSeek: (tick) => seekTo(tick) });
/** Applies a change to the diagram's window, shows its width, and redraws. */
function diagram(change) {
  change();
  syncEntries();
  $('diagram-follow').checked = lamport.follow;
  $('diagram-window').textContent = `${lamport.windowTicks} ticks across`;
  render();
}
$('diagram-zoom-in').onclick = () => diagram(() => lamport.zoom(-1));
$('diagram-zoom-out').onclick = () => diagram(() => lamport.zoom(1));
$('diagram-fit').onclick = () => diagram(() => lamport.fit(app.entries.at(-1)?.tick ?? Math.floor(app.time)));
$('diagram-follow').onchange = (event) => diagram(() => lamport.setFollow(event.target.checked));

/**
 * What the first frame and the default controls do not need is loaded on first use, so the page
 * does not fetch it while loading (scripts/build.sh splits it into chunks). `onDemand` returns a
 * function that resolves to what `make` builds from the module, once; a failed import (offline,
 * say) is not remembered, so that the next use tries again.
 */
function onDemand(importer, make) {
  let promise = null;
  return () => (promise ??= importer().then(make, (error) => {
    promise = null;
    throw error;
  }));
}

/** A panel drawn by a module loaded on first use: `draw` runs once `get` resolves; a failure
 *  says so in the panel, with a button that tries again. */
function lazyPanel(id, what, get, draw) {
  let failed = false;
  const show = () => get().then((made) => {
    failed = false;
    draw(made);
  }, (error) => {
    if (failed) return;
    failed = true;
    replace($(id), h('p', { class: 'warning' }, `${what} could not be loaded (${error.message ?? error}). Check the connection and try again.`),
      h('button', { type: 'button', onclick: () => { failed = false; show(); } }, 'Try again'));
  });
  // While the panel shows the failure, redraws leave it alone: only the button tries again.
  return () => { if (!failed) show(); };
}

const share = onDemand(() => import('./share.js'),
  ({ SharePanel }) => new SharePanel({ app, load: (text, options) => load(text, options), showError }));
// The library's tours drive the run once one is open, which needs the module: until it loads,
// `library` is null and no tour can be on.
let library = null;
const loadLibrary = onDemand(() => import('./library.js'), ({ Library }) =>
  (library = new Library({ app, load: (text, options) => load(text, options), seekTo, play: () => play() })));
const network = onDemand(() => import('./network.js'), ({ renderNetwork }) => renderNetwork);
const setup = onDemand(() => import('./setup.js'),
  ({ Setup }) => new Setup({ app, panels, load: (text, options) => load(text, options), showError: (message) => showError(message) }));
const lens = onDemand(() => import('./quorums.js'),
  ({ QuorumLens }) => new QuorumLens({ app, load: (text, options) => load(text, options) }));
const historyTab = onDemand(() => import('./history.js'), ({ HistoryPanel }) => new HistoryPanel({ app }));
const links = onDemand(() => import('./link.js'), (module) => module);
const panels = new Panels({
  app,
  act,
  seekTo,
  selectNode,
  extras: {
    'panel-network': lazyPanel('panel-network', 'The Network panel', network, (render) => render(panels, app.view)),
    'panel-setup': lazyPanel('panel-setup', 'The Setup panel', setup, (panel) => panel.render()),
    'panel-share': lazyPanel('panel-share', 'The Share panel', share, (panel) => panel.render()),
    'panel-quorums': lazyPanel('panel-quorums', 'The Quorums tab', lens, (panel) => panel.render()),
    'panel-history': lazyPanel('panel-history', 'The History tab', historyTab, (panel) => panel.render()),
    'panel-library': lazyPanel('panel-library', 'The scenario library', loadLibrary, (panel) => panel.render()),
  },
});

/**
 * The cores that run scenarios: scripts/build.sh builds the default one (`pkg/paxoscope`) and a
 * page wasm per other protocol (`pkg/page-NAME`), and lists the latter in `pkg/cores.js`. A
 * core, its glue and its wasm, is fetched the first time a scenario needs it, so that a page
 * load pays only for the protocol it shows: a link to another protocol never fetches the
 * default core. The page reads the scenario's `protocol` only to pick the file; the core still
 * reads the whole scenario, and any name that is not a page core's is the default core's to
 * accept or refuse.
 */
const cores = new Map();
function coreNamed(name) {
  const page = PAGE_CORES.includes(name) ? name : null;
  const key = page ?? '';
  if (!cores.has(key)) {
    // The wasm is fetched while its glue is, not after it. Its address is given from here
    // rather than found by the glue (next to itself), since dist/ puts the glue in a chunk
    // beside this module (scripts/build.sh); both lie beside web/pkg/.
    const wasm = fetch(new URL(page === null ? './pkg/paxoscope_bg.wasm' : `./pkg/page-${page}_bg.wasm`, import.meta.url));
    // Awaited by the glue's init; a failure is reported there, not as an unhandled rejection.
    wasm.catch(() => {});
    const glue = page === null ? import('./pkg/paxoscope.js') : import(`./pkg/page-${page}.js`);
    const fetching = glue.then(async (core) => {
      await core.default({ module_or_path: wasm });
      return core;
    });
    cores.set(key, fetching.catch((error) => {
      // Not remembered, so that the next load tries again.
      cores.delete(key);
      throw new Error(`the ${page ?? 'default'} core could not be fetched (${error.message ?? error}); check the connection and try again`);
    }));
  }
  return cores.get(key);
}
function coreFor(text) {
  let name;
  try {
    name = JSON.parse(text)?.protocol;
  } catch {
    // Not JSON: the default core says what is wrong with it.
  }
  return coreNamed(name);
}

/** Starts fetching the core a fragment's scenario runs in (the default one's without a link),
 *  so that it arrives while the rest of the page starts; `openFragment` reports any failure. */
function prefetchCore(fragment) {
  const decoding = String(fragment).replace(/^#/, '')
    ? links().then((codec) => codec.decodeFragment(fragment))
    : Promise.resolve({ scenario: null });
  decoding.then(({ scenario }) => (scenario === null ? coreNamed(null) : coreFor(scenario))).catch(() => {});
}

/** Shows `message` in the banner above the page; `kind` 'notice' for news that is not an error. */
function showError(message, kind = 'error') {
  const banner = $('error');
  banner.hidden = false;
  banner.classList.toggle('notice', kind === 'notice');
  replace(banner, h('span', {}, message), ' ', h('button', { type: 'button', onclick: () => { banner.hidden = true; } }, 'Dismiss'));
}

/** How many loads have started: a load whose core arrives after a later one started gives way. */
let loading = 0;

/**
 * Starts a run from scenario JSON; on a bad scenario says why and keeps the current run.
 * `push` records the new run as a step in the browser's history. Resolves to whether it did.
 */
async function load(text, { push = false, errorSuffix = '' } = {}) {
  const ticket = ++loading;
  let pg;
  let core;
  try {
    core = await coreFor(String(text));
    // A later load has started while this one fetched its core: it wins.
    if (ticket !== loading) return false;
    pg = new core.Playground(String(text));
    // A run the page cannot show must fail here, before the current run is given up.
    pg.view();
  } catch (error) {
    pg?.free();
    app.loadError = `This scenario cannot be loaded: ${error.message ?? error}.`;
    showError(`${app.loadError}${errorSuffix}`);
    return false;
  }
  pause();
  app.pg?.free();
  if (core !== app.core) {
    showLegend(core);
    $('version').textContent = `Paxoscope core ${core.version()}`;
  }
  app.core = core;
  stage.forgetMessages();
  Object.assign(app, {
    pg, time: 0, playing: false, selectedMessage: null, selectedEvent: null, entries: [], entriesBase: 0,
    seenViolations: 0, markersKey: '', tour: null,
  });
  library?.showStep();
  $('violation').hidden = true;
  closeMessageMenu();
  panels.reset();
  refresh();
  if (!app.view.nodes.some((n) => n.name === app.selectedNode)) app.selectedNode = null;
  render();
  if (push) updateLink({ push: true });
  return true;
}

let linkTimer = null;
/** Writes the run into the address bar: a new history entry for a new scenario or intervention,
 *  a replaced one when only the cursor moved. Embeds leave their address alone. */
function updateLink({ push = false } = {}) {
  if (app.embed) return;
  clearTimeout(linkTimer);
  const pg = app.pg;
  linkTimer = setTimeout(async () => {
    if (pg !== app.pg) return;
    // Without the link module (offline, say) the address keeps the last link written.
    const codec = await links().catch(() => null);
    if (!codec || pg !== app.pg) return;
    const fragment = await codec.encodeFragment(pg.scenarioJson(), Math.floor(app.time), pg.actions());
    if (`#${fragment}` === location.hash) return;
    if (push) history.pushState(null, '', `#${fragment}`);
    else history.replaceState(null, '', `#${fragment}`);
  }, push ? 0 : 250);
}

/** Opens the run a fragment describes (the default scenario when it holds none); a bad link
 *  says why and opens the default scenario. */
async function openFragment(fragment) {
  // The default address has no fragment, and opening it needs no link module.
  const { scenario, tick, actions, error } = !String(fragment).replace(/^#/, '')
    ? { scenario: null, tick: null, actions: null, error: null }
    : await links().then((codec) => codec.decodeFragment(fragment),
      (failure) => ({ scenario: null, tick: null, actions: null, error: `This link could not be read (${failure.message ?? failure}).` }));
  // A new link replaces whatever was said about the one before it.
  $('error').hidden = true;
  // An error with a scenario is about the rest of the link (its cursor): the scenario is shown.
  if (error) showError(scenario === null ? `${error} The default scenario is shown instead.` : error);
  const text = scenario ?? (await coreNamed(null)).defaultScenario();
  // Only the cursor changed (a replaced history entry): keep the run, move the cursor.
  if (text !== app.pg?.scenarioJson()) {
    const ok = await load(text, { errorSuffix: scenario === null ? '' : ' The default scenario is shown instead.' });
    if (!ok) await load((await coreNamed(null)).defaultScenario());
  }
  if (tick !== null) seekTo(tick, { quiet: true, actions });
}

/** The legend is the core's: which shape stands for what in its protocol. */
function showLegend(core) {
  replace($('legend'), core.legend().map((entry) => h('span', {}, s('svg', { width: 14, height: 14 }, legendShape(entry.shape)), ` ${entry.label}`)));
}

function refresh() {
  app.view = app.pg.view();
  // A run cut short by the event cap ends at its last event, which the core learns only when
  // the run gets there: the cursor goes no further.
  app.time = Math.min(app.time, app.view.end_ticks);
  syncEntries();
  const count = app.view.violations.length;
  if (count > app.seenViolations) {
    app.seenViolations = count;
    // A tour's steps say where its run stops, and the step after a violation is written to
    // explain it: stopping short of that step would leave the tour a step behind.
    if (!(app.playing && (library?.nextStop() ?? null) !== null)) pause();
    showViolations();
  } else if (count < app.seenViolations) {
    // Back before some of them: the banner names those that remain.
    app.seenViolations = count;
    $('violation').hidden = count === 0;
    if (count > 0) showViolations();
  }
}

/** The banner: the core lists the violations gravest first; it names the gravest and lists the rest. */
function showViolations() {
  const [violation, ...others] = app.view.violations;
  const banner = $('violation');
  banner.hidden = false;
  replace(banner, h('span', {}, `Safety violated at tick ${violation.tick}: ${violation.explanation}.`), ' ',
    h('button', { type: 'button', onclick: () => panels.showLog(violation.events) }, 'Show the events involved'),
    others.length ? h('ul', { class: 'also-broken' }, others.map((v) => h('li', {}, `Also at tick ${v.tick}: ${v.explanation}.`))) : null);
}

// The page keeps a window of the most recent log entries, not the whole log: a long run has up
// to two million events, far more than the log panel, the diagram or the losses need. After a
// jump it fetches only what they draw: the diagram's ticks (`Lamport.firstTickNeeded`) and the
// log panel's last lines; fetching and parsing more was most of a far seek's time.
const ENTRIES_MAX = 20000;
const LOG_ENTRIES = 400;

/** Keeps `app.entries` equal to the core's log entries `app.entriesBase ..` up to the cursor,
 *  fetching only what is new, and reaching back as far as what is drawn needs. */
function syncEntries() {
  const events = app.view.events;
  let end = app.entriesBase + app.entries.length;
  const needed = Math.max(0, events - ENTRIES_MAX,
    Math.min(events - LOG_ENTRIES, app.pg.firstEventAt(lamport.firstTickNeeded(app.time))));
  if (events < app.entriesBase || needed < app.entriesBase || needed > end) {
    // Rewound before the window, zoomed out past it, or jumped far ahead: start afresh.
    app.entries = [];
    app.entriesBase = needed;
    end = needed;
  } else if (events < end) {
    // Rewound inside the window: cut it.
    app.entries.length = events - app.entriesBase;
    end = events;
  }
  if (events > end) {
    const fresh = app.pg.eventsSince(end, events - end);
    for (const e of fresh) app.entries.push(e);
    narrate(fresh);
  }
  if (app.entries.length > 2 * ENTRIES_MAX) {
    app.entries.splice(0, app.entries.length - ENTRIES_MAX);
    app.entriesBase = events - app.entries.length;
  }
}

/** Reads out the newest of the moments the core marks as worth hearing. */
function narrate(fresh) {
  if (!$('narrate').checked) return;
  const lines = fresh.filter((e) => e.narrated).slice(-3).map((e) => e.text);
  if (lines.length) $('narration').textContent = lines.join('. ');
}

function render() {
  const view = app.view;
  const losses = [];
  for (let k = app.entries.length - 1; k >= 0; k--) {
    const e = app.entries[k];
    if (e.tick < app.time - 15) break;
    if (e.kind === 'drop' && e.message !== null && e.message !== undefined) losses.push(e);
  }
  stage.render(view, app.time, { selectedNode: app.selectedNode, selectedMessage: app.selectedMessage, losses });
  $('status').textContent = view.status;
  $('clock').textContent = `tick ${Math.floor(app.time)} of ${view.end_ticks} · ${view.events} events · trace ${app.pg.traceHash()}`;
  const scrubber = $('scrubber');
  scrubber.max = String(view.end_ticks);
  scrubber.value = String(Math.floor(app.time));
  scrubber.setAttribute('aria-valuetext', `tick ${Math.floor(app.time)}`);
  $('play').textContent = app.playing ? '⏸ Pause' : '▶ Play';
  $('play').title = !app.playing && (app.time >= view.end_ticks || settled()) ? 'Play again from tick 0 (Space)' : 'Play / pause (Space)';
  $('play').setAttribute('aria-pressed', String(app.playing));
  renderMarkers(view);
  lamport.render(view, app.time, app.entries, PALETTE);
  lanes.render(app.pg, view, app.time, lamport.windowStart, lamport.windowTicks);
  panels.update(view);
  if (app.selectedMessage !== null && !view.messages.some((m) => m.id === app.selectedMessage)) closeMessageMenu();
}

// The markers strip's width, kept by a ResizeObserver so that frames never force a layout.
let markersWidth = 600;
new ResizeObserver(([entry]) => {
  markersWidth = entry.contentRect.width || 600;
  app.markersKey = '';
}).observe($('markers'));

function renderMarkers(view) {
  const key = `${view.markers}|${view.end_ticks}|${markersWidth}`;
  if (key === app.markersKey) return;
  app.markersKey = key;
  const width = markersWidth;
  const markers = thinMarkers(app.pg.markers(), view.end_ticks, width);
  replace($('markers'), markers.map((m) => h('button', {
    type: 'button', class: `marker ${m.kind}`, 'data-lane': m.lane, style: `left:${(100 * m.tick) / view.end_ticks}%`,
    title: `tick ${m.tick}: ${m.text}`, 'aria-label': `Jump to tick ${m.tick}: ${m.text}`,
    'data-kind': m.kind, onclick: () => seekTo(m.tick, { event: m.index }),
  })));
}

// `?perf` records how long each frame's work takes, for scripts/bench-page.mjs.
const frameTimes = new URLSearchParams(location.search).has('perf') ? (window.paxoscopeFrameTimes = []) : null;

// A method rather than a function so that its name survives minification (property names are
// kept): scripts/bench-page.mjs finds each frame's work in a Chromium trace by the name `frame`.
const animation = { frame(timestamp) {
  if (!app.playing) return;
  const started = frameTimes ? performance.now() : 0;
  const seconds = Math.min(0.25, (timestamp - app.lastFrame) / 1000);
  app.lastFrame = timestamp;
  // Playing stops by itself at the end, at an embed's stop tick, and at a tour's next step.
  const tourStop = library?.nextStop() ?? null;
  const stops = [app.view.end_ticks, app.stopTick, tourStop].filter((t) => t !== null && t > app.time - 1);
  const stop = Math.min(...stops);
  app.time = Math.min(stop, app.time + seconds * app.speed);
  const tick = Math.floor(app.time);
  if (tick !== app.view.now) {
    const from = app.view.now;
    app.pg.seek(tick);
    refresh();
    // A slow frame can leap over many ticks. When the leap found a violation and paused, the
    // run stops just after the earliest violation it passed, as it would have at a steady
    // pace, so that the banner names the first rule that broke, at the tick it broke.
    const passed = app.view.violations.map((v) => v.tick).filter((t) => t >= from && t + 1 < tick);
    if (!app.playing && passed.length) {
      app.time = Math.min(...passed) + 1;
      app.pg.seek(app.time);
      refresh();
    }
  }
  // A violation found on the way may already have paused the run; the tour still moves on.
  if (app.time >= stop) {
    pause();
    if (stop === tourStop) library.advance();
  } else if (settled(tourStop)) {
    // Nothing more will happen (the status says so): playing on would only move the clock.
    pause();
  }
  render();
  if (frameTimes) frameTimes.push(performance.now() - started);
  if (app.playing) frameRequest = requestAnimationFrame(animation.frame);
} };

// The pending animation frame, so that pausing cancels it and no two loops ever run at once.
let frameRequest = 0;

/** How long playing waits for an animation frame before a timer stands in for it. */
const FRAME_STALL_MS = 250;
let frameTimer = 0;
/** The browser gives a page no animation frames while it is out of view: an embed scrolled off
 *  screen in its host's page, say. While playing, a timer takes their place when they stop
 *  coming, so that a host's `play` still plays, at the same pace, a few steps a second. */
function watchFrames() {
  clearTimeout(frameTimer);
  if (!app.playing) return;
  frameTimer = setTimeout(() => {
    if (app.playing && performance.now() - app.lastFrame > FRAME_STALL_MS) {
      cancelAnimationFrame(frameRequest);
      animation.frame(performance.now());
    }
    watchFrames();
  }, FRAME_STALL_MS);
}

/** Whether the run has nothing more to show before its end, nor a stop of a tour or an embed
 *  to reach: the core says nothing more will happen, and something has. */
function settled(tourStop = library?.nextStop() ?? null) {
  return app.view.settled && app.view.events > 0 && tourStop === null && app.stopTick === null;
}

function play() {
  if (app.playing) return;
  // At the end, or with nothing more to happen, Play plays the run again from the start.
  if (app.time >= app.view.end_ticks || settled()) seekTo(0, { quiet: true });
  app.playing = true;
  app.lastFrame = performance.now();
  cancelAnimationFrame(frameRequest);
  frameRequest = requestAnimationFrame(animation.frame);
  watchFrames();
  render();
}

function pause() {
  if (!app.playing) return;
  app.playing = false;
  cancelAnimationFrame(frameRequest);
  clearTimeout(frameTimer);
  app.time = Math.floor(app.time);
  render();
  updateLink();
}

/** Moves the cursor to `tick`; with `actions`, on to the state someone reached by stepping;
 *  with `event` (an index in the log), to just after that event, which stays selected. */
function seekTo(tick, { quiet = false, actions = null, event = null } = {}) {
  pause();
  app.time = Math.max(0, Math.min(app.view.end_ticks, Math.floor(tick)));
  app.selectedEvent = event;
  if (event !== null) app.pg.seekEvent(app.time, event);
  else if (actions === null) app.pg.seek(app.time);
  else app.pg.seekActions(app.time, actions);
  refresh();
  library?.syncTo(app.time);
  render();
  if (!quiet) updateLink();
}

function step() {
  pause();
  app.selectedEvent = null;
  if (app.pg.step()) {
    refresh();
    app.time = app.view.now;
  }
  render();
  updateLink();
}

function stepBack() {
  pause();
  app.selectedEvent = null;
  app.pg.stepBack();
  refresh();
  app.time = app.view.now;
  render();
  updateLink();
}

/** Goes back to the start of the run as it was loaded, before what is scheduled at tick 0. */
function rewind() {
  pause();
  app.selectedEvent = null;
  app.pg.rewind();
  refresh();
  app.time = 0;
  library?.syncTo(0);
  render();
  updateLink();
}

/** Applies an intervention (a scenario schedule entry without `at`) at the cursor. */
function act(intervention) {
  try {
    app.pg.intervene(JSON.stringify(intervention));
  } catch (error) {
    showError(error.message ?? String(error));
    return;
  }
  panels.resetLog();
  refresh();
  app.time = Math.max(app.time, app.view.now);
  app.markersKey = '';
  render();
  updateLink({ push: true });
  // Acting in the past replaces the future: say what went, and how to get it back.
  const discarded = app.pg.discarded();
  if (discarded) {
    const what = discarded === 1 ? 'your later intervention' : `your ${discarded} later interventions`;
    showError(`Acting at tick ${Math.floor(app.time)} replaced what came after it: it discarded ${what}. The browser's Back button brings ${discarded === 1 ? 'it' : 'them'} back.`, 'notice');
  }
}

function selectNode(name) {
  app.selectedNode = app.selectedNode === name ? null : name;
  panels.showDetails();
  render();
}

/** Opens the menu of message `id` next to `point` (a click, or where the message is drawn). */
function openMessageMenu(id, point) {
  const message = app.view.messages.find((m) => m.id === id);
  if (!message) return;
  pause();
  app.selectedMessage = id;
  const menu = $('message-menu');
  const wrap = menu.parentElement.getBoundingClientRect();
  const x = Math.min(Math.max(8, point.clientX - wrap.left + 8), wrap.width - 200);
  const y = Math.max(8, point.clientY - wrap.top + 8);
  menu.style.left = `${x}px`;
  menu.style.top = `${y}px`;
  const doThen = (intervention) => () => { closeMessageMenu(); act(intervention); };
  // The delay's length, as typed: the core judges it, and says what is wrong with it.
  const ticks = h('input', { type: 'number', id: 'delay-ticks', min: 1, step: 1, value: app.delayTicks ?? 20, 'aria-label': 'Ticks to delay it by' });
  const delay = () => {
    app.delayTicks = ticks.value;
    closeMessageMenu();
    act({ delay: { message: id, ticks: ticks.value.trim() === '' ? null : Number(ticks.value) } });
  };
  ticks.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    // Focus goes back to the message's button, which the same key would otherwise press.
    event.preventDefault();
    delay();
  });
  replace(menu,
    h('p', {}, `Message ${id}: ${message.label}, ${app.view.nodes[message.from].name} → ${app.view.nodes[message.to].name}`),
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'danger', 'data-action': 'drop', onclick: doThen({ drop: { message: id } }) }, 'Drop'),
      h('button', { type: 'button', 'data-action': 'duplicate', onclick: doThen({ duplicate: { message: id } }) }, 'Duplicate'),
      h('button', { type: 'button', onclick: () => closeMessageMenu() }, 'Close')),
    h('div', { class: 'row' },
      h('button', { type: 'button', 'data-action': 'delay', onclick: delay }, 'Delay by'), ticks, ' ticks'));
  menu.hidden = false;
  menuOpener = document.activeElement;
  menu.querySelector('button').focus();
  render();
}

// Where focus was before the message menu opened, to give it back when the menu closes.
let menuOpener = null;

function closeMessageMenu() {
  const menu = $('message-menu');
  const hadFocus = menu.contains(document.activeElement);
  menu.hidden = true;
  app.selectedMessage = null;
  if (hadFocus && menuOpener?.isConnected) menuOpener.focus();
  menuOpener = null;
}

function onKey(event) {
  const target = event.target;
  const typing = target.matches?.('input, select, textarea');
  if (event.key === 'Escape') {
    closeMessageMenu();
    if (app.selectedNode) selectNode(app.selectedNode);
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  const onButton = target.matches?.('button, [role=button], a');
  switch (event.key) {
    case ' ':
      if (onButton) return;
      event.preventDefault();
      app.playing ? pause() : play();
      break;
    case 'ArrowRight': event.preventDefault(); step(); break;
    case 'ArrowLeft': event.preventDefault(); stepBack(); break;
    case 'Home': event.preventDefault(); rewind(); break;
    case '+': case '=': setSpeed(app.speed * 2); break;
    case '-': setSpeed(app.speed / 2); break;
    case 'c': if (app.selectedNode) act({ crash: app.selectedNode }); break;
    case 'r': if (app.selectedNode) act({ restart: app.selectedNode }); break;
    case 't': if (app.view.nodes.find((n) => n.name === app.selectedNode)?.timeout) act({ timeout: app.selectedNode }); break;
    // A presentation clicker's keys: the next and the previous key event.
    case 'PageDown': event.preventDefault(); keyEvent(1); break;
    case 'PageUp': event.preventDefault(); keyEvent(-1); break;
    case 'p': if (app.selectedNode) { event.preventDefault(); panels.focusInput(); } break;
    default:
  }
}

/** How far ahead the search for the next key event computes the run at a time, in ticks. */
const KEY_EVENT_PROBE_TICKS = 1000;

/** Moves the cursor to just after the next (`direction` 1) or the previous (-1) key event: the
 *  timeline's markers, which the core chooses. The one the cursor is just after counts as
 *  passed, so that pressing again goes on. */
function keyEvent(direction) {
  const events = app.view.events;
  // Just after a jump the cursor may be past other events of that tick: the event jumped to is
  // where the next and the previous are counted from.
  const from = app.selectedEvent;
  const after = (m) => (from === null ? m.index >= events : m.index > from);
  const before = (m) => (from === null ? m.index < events : m.index < from);
  const [time, actions] = [Math.floor(app.time), app.pg.actions()];
  let target;
  if (direction > 0) {
    // The core finds markers as it computes the run: ahead of what it has computed, the run
    // is computed a stretch at a time until one turns up or the run ends.
    for (let probe = time; ; ) {
      target = app.pg.markers().find(after);
      const end = app.pg.view().end_ticks;
      if (target || probe >= end) break;
      probe = Math.min(end, probe + KEY_EVENT_PROBE_TICKS);
      app.pg.seek(probe);
    }
  } else {
    target = app.pg.markers().findLast(before);
  }
  if (target) seekTo(target.tick, { event: target.index });
  else {
    // None: the cursor stays where it was, in its tick.
    app.pg.seekActions(time, actions);
    refresh();
    render();
  }
}

function setSpeed(speed) {
  $('speed').value = String(sliderFromSpeed(speed));
  app.speed = speedFromSlider($('speed').value);
  $('speed-value').textContent = `${app.speed} ticks/s`;
}

function wire() {
  $('play').addEventListener('click', () => (app.playing ? pause() : play()));
  $('step').addEventListener('click', step);
  $('step-back').addEventListener('click', stepBack);
  $('reset').addEventListener('click', rewind);
  $('prev-key').addEventListener('click', () => keyEvent(-1));
  $('next-key').addEventListener('click', () => keyEvent(1));
  $('speed').addEventListener('input', () => setSpeed(speedFromSlider($('speed').value)));
  $('scrubber').addEventListener('input', () => seekTo(Number($('scrubber').value)));
  document.addEventListener('keydown', onKey);
  // People who ask for less motion get a slower default pace.
  if (matchMedia('(prefers-reduced-motion: reduce)').matches) setSpeed(5);
  else setSpeed(app.speed);
}

window.addEventListener('error', (event) => showError(`Something went wrong: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => showError(`Something went wrong: ${event.reason?.message ?? event.reason}`));

/** embed.js, for a page in an iframe or one whose address asks for embed mode (`?embed`); null
 *  for the full page, which does not fetch it, and when it cannot be fetched. */
async function loadEmbed() {
  if (!new URLSearchParams(location.search).has('embed') && window.parent === window) return null;
  try {
    return await import('./embed.js');
  } catch (error) {
    showError(`The embedding controls could not be loaded (${error.message ?? error}), so the full page is shown. Reload to try again.`);
    return null;
  }
}

try {
  // Fetched while the wasm is, not after it.
  const embedding = loadEmbed();
  prefetchCore(location.hash);
  const embed = await embedding;
  app.embed = embed?.embedOptions(location.search) ?? null;
  wire();
  await openFragment(location.hash);
  if (!app.pg) throw new Error('the default scenario did not load');
  window.addEventListener('popstate', () => openFragment(location.hash));
  const page = { app, play, pause, seekTo, setSpeed, load: (text) => load(text) };
  if (app.embed) embed.startEmbed(app.embed, page);
  embed?.listenForHost(page);
  document.body.dataset.ready = 'true';
  performance.mark('paxoscope-ready');
} catch (error) {
  $('status').textContent = `The consensus core could not start: ${error.message ?? error}`;
  showError(`The consensus core could not start: ${error.message ?? error}. Reload the page; if it persists, your browser may not support WebAssembly.`);
}

// The History tab: a client history (a file from a real system, Jepsen's or Porcupine's, or a
// library entry) drawn as lanes, one per client, each operation a bar from its call to its
// return, and checked for linearizability. The core's worker (history-worker.js) reads the
// file, checks it and lays it out: which lane, where each bar starts and ends, its words, the
// verdict, the operation that cannot be placed and those it conflicts with, the points of a
// linearization. This module only draws that. The page loads it on first use.
import { h, s, replace } from './dom.js';
import { Channel } from './channel.js';

const $ = (id) => document.getElementById(id);
/** The lanes' geometry, in pixels: the least width of one rank (a distinct call or return time),
 *  a lane's height, and the gutter that names the clients. */
const RANK = 16;
const LANE = 34;
const GUTTER = 34;
/** Text longer than this is refused before it reaches the worker: no history a person would
 *  draw is this large, and reading a huge file would hold the tab. */
const TEXT_BYTES_MAX = 20 * 1024 * 1024;

document.head.append(h('link', { rel: 'stylesheet', href: new URL('./history.css', import.meta.url).href }));

export class HistoryPanel {
  constructor({ app }) {
    this.app = app;
    this.channel = null;
    this.view = null;
    this.key = null;
    this.tour = null;
    this.built = false;
  }

  /** Called on every redraw while the tab is open: builds the tab once, and opens a history a
   *  library entry asked for. */
  render() {
    if (!this.built) this.build();
    // Only a run with clients has a history of its own to check.
    this.runButton.hidden = this.app.pg.historyLanes(0, 0) === null;
    const request = this.app.historyRequest;
    if (request) {
      this.app.historyRequest = null;
      this.text.value = request.text;
      this.check(request.text, request.entry);
    }
  }

  build() {
    this.built = true;
    const panel = $('panel-history');
    const file = h('input', { type: 'file', id: 'history-file', accept: '.json,application/json', onchange: () => this.openFile(file.files[0]) });
    this.text = h('textarea', { id: 'history-text', rows: 4, spellcheck: 'false', placeholder: '{"model": "register", "init": "nil", "ops": [...]}' });
    this.status = h('div', { id: 'history-status', 'aria-live': 'polite' });
    this.result = h('div', { id: 'history-result' });
    this.runButton = h('button', { type: 'button', id: 'history-of-run', onclick: () => {
      const text = this.app.pg.historyJson();
      this.text.value = text;
      this.check(text);
    } }, 'Check this run’s history');
    replace(panel,
      h('h2', {}, 'Client history'),
      h('p', { class: 'hint' }, 'A history is what clients saw: who asked what, when, and what came back. It is linearizable when every operation seems to take effect at one instant between its call and its return. Open a history file (Jepsen’s and Porcupine’s, in the format Paxoscope’s README gives), drop one here, or paste one.'),
      h('p', {}, this.runButton),
      h('p', {}, h('label', { for: 'history-file' }, 'Open a history file: '), file),
      h('details', { class: 'history-paste' },
        h('summary', {}, 'Paste a history'),
        h('label', { for: 'history-text', class: 'visually-hidden' }, 'History JSON'),
        this.text,
        h('button', { type: 'button', id: 'history-check', onclick: () => this.check(this.text.value) }, 'Check')),
      this.status,
      this.result);
    panel.addEventListener('dragover', (event) => event.preventDefault());
    panel.addEventListener('drop', (event) => {
      event.preventDefault();
      const dropped = event.dataTransfer?.files?.[0];
      if (dropped) this.openFile(dropped);
    });
  }

  async openFile(file) {
    if (!file) return;
    if (file.size > TEXT_BYTES_MAX) {
      this.say(`${file.name} is ${(file.size / 1048576).toFixed(1)} MB; a history file may be at most ${TEXT_BYTES_MAX / 1048576} MB.`, true);
      return;
    }
    let text;
    try {
      text = await file.text();
    } catch (error) {
      this.say(`${file.name} could not be read (${error.message}).`, true);
      return;
    }
    this.text.value = text;
    await this.check(text);
  }

  say(message, error = false) {
    replace(this.status, message ? h('p', { id: error ? 'history-error' : null, class: error ? 'warning' : 'hint', role: error ? 'alert' : null }, message) : null);
  }

  /** Sends `text` to the worker and draws the answer; a second check or Stop ends the first. */
  async check(text, entry = null) {
    if (text.length > TEXT_BYTES_MAX) {
      this.say(`This history is over ${TEXT_BYTES_MAX / 1048576} MB; a history may be at most that.`, true);
      return;
    }
    // The worker is kept between checks; one still checking is stopped, and started again.
    if (this.busy) this.channel?.stop();
    if (!this.channel || this.busy) this.channel = new Channel(new URL('./history-worker.js', import.meta.url));
    const channel = this.channel;
    this.busy = true;
    // The last history's drawing goes, so that nothing on show belongs to another history;
    // what the person pasted stays in the box.
    replace(this.result);
    replace(this.status, h('p', { class: 'hint' }, 'Checking… ',
      h('button', { type: 'button', id: 'history-stop', onclick: () => { channel.stop(); this.channel = null; } }, 'Stop')));
    let view;
    try {
      view = JSON.parse(await channel.call('view', { text }));
    } catch (error) {
      if (this.channel !== channel && this.channel !== null) return;
      this.busy = false;
      const stopped = error.message === 'stopped';
      this.say(stopped ? 'Stopped: the history was not checked.' : `This history cannot be checked: ${error.message}`, !stopped);
      return;
    }
    if (this.channel !== channel) return;
    this.busy = false;
    this.say('');
    this.view = view;
    this.tour = entry?.tour?.length ? { entry, index: 0 } : null;
    // A kv history opens on the key of the operation that cannot be placed.
    this.key = view.failing !== undefined ? view.ops[view.failing].key ?? null : null;
    this.showing = false;
    this.draw();
  }

  /** The operations a tour step marks, if a tour is on. */
  tourMarks() {
    return new Set(this.tour ? this.tour.entry.tour[this.tour.index].ops ?? [] : []);
  }

  draw() {
    const view = this.view;
    const verdictClass = { linearizable: 'ok', 'not linearizable': 'bad', unknown: 'unknown' }[view.verdict];
    const keySelect = view.keys.length > 1 ? h('label', {}, 'Key ',
      h('select', { id: 'history-key', onchange: (event) => { this.key = event.target.value || null; this.draw(); } },
        h('option', { value: '', selected: this.key === null }, 'every key'),
        view.keys.map((key) => h('option', { value: key, selected: key === this.key }, key)))) : null;
    const toggle = view.order.length ? h('label', {},
      h('input', { type: 'checkbox', id: 'history-linearization', checked: this.showing, onchange: (event) => { this.showing = event.target.checked; this.draw(); } }),
      ' Show one linearization') : null;
    const title = view.name ?? 'A history';
    replace(this.result,
      this.tour ? this.tourBox() : null,
      h('h3', {}, `${title}: ${view.ops.length} operations of ${view.clients.length} clients on a ${view.model === 'kv' ? 'key-value store' : 'register'}`),
      view.description ? h('p', { class: 'hint' }, view.description) : null,
      h('p', { id: 'history-verdict', class: `verdict ${verdictClass}` }, view.sentence),
      view.expected ? h('p', { class: 'hint', id: 'history-expected' }, view.expected) : null,
      h('div', { class: 'history-options' }, keySelect, toggle),
      this.lanes(),
      this.table());
    // The lanes scroll sideways to the operation that cannot be placed; the page stays put.
    const failing = this.result.querySelector('.history-lanes .failing rect');
    const scroller = this.result.querySelector('.history-scroll');
    if (failing && scroller) scroller.scrollLeft = Number(failing.getAttribute('x')) - scroller.clientWidth / 2;
  }

  tourBox() {
    const { entry, index } = this.tour;
    const steps = entry.tour;
    const go = (i) => { this.tour.index = i; this.draw(); };
    return h('div', { class: 'history-tour', 'aria-live': 'polite' },
      h('p', { class: 'tour-title' }, `${entry.title} · step ${index + 1} of ${steps.length}`),
      h('p', { 'data-tour-text': true }, steps[index].text),
      h('div', { class: 'buttons' },
        h('button', { type: 'button', disabled: index === 0, onclick: () => go(index - 1) }, '◀ Back'),
        index < steps.length - 1 ? h('button', { type: 'button', class: 'primary', id: 'history-tour-next', onclick: () => go(index + 1) }, 'Next ▶') : null,
        h('button', { type: 'button', onclick: () => { this.tour = null; this.draw(); } }, 'End tour')));
  }

  /** The ops drawn: every one, or those of the chosen key. */
  shown() {
    return this.view.ops.map((op, i) => ({ ...op, index: i })).filter((op) => this.key === null || op.key === this.key);
  }

  marks(index) {
    const view = this.view;
    const marked = this.tourMarks();
    return [
      index === view.failing ? 'failing' : null,
      view.conflicts.includes(index) ? 'conflict' : null,
      marked.has(index) ? 'marked' : null,
      view.ops[index].output === undefined ? 'unknown' : null,
      view.ops[index].end === undefined ? 'pending' : null,
    ].filter(Boolean);
  }

  lanes() {
    const view = this.view;
    // A short history is spread over the width there is; a long one scrolls sideways.
    const room = Math.max(this.result.clientWidth - 2, 300);
    const rank = Math.max(RANK, Math.min(RANK * 5, (room - GUTTER) / (view.times + 1)));
    const width = Math.ceil((view.times + 1) * rank);
    const height = view.clients.length * LANE + 20;
    const x = (at) => (at + 0.5) * rank;
    // The clients' names stay in view while the lanes scroll.
    const names = s('svg', { width: GUTTER, height, class: 'history-names', 'aria-hidden': 'true' });
    const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'history-lanes', role: 'img', 'aria-label': `${view.clients.length} lanes of operations; the table below lists them` });
    view.clients.forEach((client, lane) => {
      names.append(s('text', { x: 4, y: lane * LANE + LANE / 2 + 4, class: 'lane-name' }, client));
      svg.append(s('line', { x1: 0, x2: width, y1: (lane + 1) * LANE, y2: (lane + 1) * LANE, class: 'lane-line' }));
    });
    const shown = this.shown();
    // A bar's words may run on past its end, up to the next bar of its lane.
    const nextStart = new Map();
    const byLane = [...shown].sort((a, b) => a.lane - b.lane || a.start - b.start);
    byLane.forEach((op, i) => nextStart.set(op.index, byLane[i + 1]?.lane === op.lane ? x(byLane[i + 1].start) : width));
    for (const op of shown) {
      const x0 = x(op.start);
      const x1 = op.end === undefined ? width - 4 : x(op.end);
      const y = op.lane * LANE + 4;
      const answer = `→ ${op.output ?? '?'}`;
      const bar = s('g', { class: ['op', ...this.marks(op.index)].join(' '), 'data-op': op.index },
        s('title', {}, `${view.clients[op.lane]}: ${op.call} ${answer}, called at ${op.call_time}${op.return_time === undefined ? ', never returned' : `, returned at ${op.return_time}`}`),
        s('rect', { x: x0, y, width: Math.max(x1 - x0, 2), height: LANE - 8, rx: op.end === undefined ? 0 : 3 }));
      const space = nextStart.get(op.index) - x0 - 6;
      if (op.call.length * 6 < space) bar.append(s('text', { x: x0 + 3, y: y + 10 }, op.call));
      if (answer.length * 6 < space) bar.append(s('text', { x: x0 + 3, y: y + 21 }, answer));
      svg.append(bar);
    }
    if (view.prefix_end !== undefined) {
      const at = x(view.prefix_end) + rank / 2;
      svg.append(s('line', { x1: at, x2: at, y1: 0, y2: height - 14, class: 'prefix-end' }),
        s('text', { x: at - 3, y: height - 3, class: 'prefix-label' }, 'no order fits up to here'));
    }
    if (this.showing) {
      const drawn = new Set(shown.map((op) => op.index));
      const points = view.order.filter((p) => drawn.has(p.op)).map((p, i) => ({ ...p, i, cx: x(p.at), cy: view.ops[p.op].lane * LANE + LANE / 2 }));
      svg.append(s('polyline', { class: 'linearization', points: points.map((p) => `${p.cx},${p.cy}`).join(' ') }));
      for (const p of points) svg.append(s('circle', { class: 'point', cx: p.cx, cy: p.cy, r: 4, 'data-point': p.op }, s('title', {}, `${p.i + 1}. ${view.ops[p.op].call}`)));
    }
    return h('div', { class: 'history-frame' }, names,
      h('div', { class: 'history-scroll', tabindex: 0, 'aria-label': 'The history’s lanes; scroll sideways' }, svg));
  }

  table() {
    const view = this.view;
    const position = new Map(view.order.map((p, i) => [p.op, i + 1]));
    const rows = this.shown().map((op) => h('tr', { class: this.marks(op.index).join(' ') || null },
      h('td', {}, view.clients[op.lane]),
      h('td', {}, op.call),
      h('td', {}, op.output ?? 'unknown'),
      h('td', {}, op.call_time),
      h('td', {}, op.return_time ?? 'never'),
      h('td', {}, [op.index === view.failing ? 'cannot be placed' : null, view.conflicts.includes(op.index) ? 'named in the explanation' : null,
        this.showing && position.has(op.index) ? `linearized ${position.get(op.index)}` : null].filter(Boolean).join('; '))));
    return h('details', { class: 'history-table' },
      h('summary', {}, 'The operations as a table'),
      h('table', {},
        h('thead', {}, h('tr', {}, ['client', 'operation', 'answer', 'call', 'return', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows)));
  }
}

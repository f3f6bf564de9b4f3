// The side panels: the selected node's state and actions and the event log; `extras` draws the
// others (network.js, setup.js, quorums.js, history.js, library.js, share.js), which the page loads when their tab is
// first opened. Each panel is redrawn only
// when what it shows changed, and keeps keyboard focus across redraws.
import { h, replace } from './dom.js';

const $ = (id) => document.getElementById(id);
const LOG_LINES_MAX = 400;

export class Panels {
  constructor({ app, act, seekTo, selectNode, extras }) {
    Object.assign(this, { app, act, seekTo, selectNode, extras });
    this.keys = {};
    this.involved = new Set();
    this.logCount = 0;
    this.logNode = '';
    this.wireTabs();
  }

  reset() {
    this.keys = {};
    this.involved = new Set();
    this.logCount = 0;
    replace($('log'));
  }

  wireTabs() {
    const tabs = [...document.querySelectorAll('[role=tab]')];
    tabs.forEach((tab, i) => {
      tab.addEventListener('click', () => this.showTab(tab.id));
      tab.addEventListener('keydown', (event) => {
        // Arrows move between tabs, Home and End to the first and last, as in the ARIA tabs
        // pattern; these keys then do not reach the page's own shortcuts.
        const targets = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 };
        if (!(event.key in targets)) return;
        event.preventDefault();
        event.stopPropagation();
        const next = tabs[(targets[event.key] + tabs.length) % tabs.length];
        this.showTab(next.id);
        next.focus();
      });
    });
  }

  showTab(id) {
    for (const tab of document.querySelectorAll('[role=tab]')) {
      const selected = tab.id === id;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      $(tab.getAttribute('aria-controls')).hidden = !selected;
    }
    // Panels keep their drawing while hidden; one whose content changed meanwhile redraws now.
    if (this.app.view) this.update(this.app.view);
  }

  showDetails() {
    this.showTab('tab-details');
  }

  /** Opens the log and marks the entries a violation names. */
  showLog(indices) {
    this.involved = new Set(indices);
    this.logCount = 0;
    replace($('log'));
    this.showTab('tab-log');
    const first = $('log').querySelector('.involved');
    first?.scrollIntoView({ block: 'center' });
    first?.focus();
  }

  /** Focuses the selected node's input field (the `p` key), if it takes one. */
  focusInput() {
    this.showDetails();
    document.querySelector('#panel-details input[id^="input-"]')?.focus();
  }

  update(view) {
    if (!$('panel-details').hidden) this.renderDetails(view);
    if (!$('panel-log').hidden) this.renderLog();
    for (const [id, render] of Object.entries(this.extras)) if (!$(id).hidden) render();
  }

  /** Redraws `panel` with `build()` when `key` changed, keeping focus and what the person typed
   *  or chose in the same controls. */
  redraw(panel, key, build, { keepValues = false } = {}) {
    if (this.keys[panel.id] === key) return;
    this.keys[panel.id] = key;
    const focused = panel.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
    const values = new Map(!keepValues ? [] : [...panel.querySelectorAll('input[data-focus-key]:not([type=checkbox]):not([type=radio]), select[data-focus-key]')]
      .map((control) => [control.dataset.focusKey, control.value]));
    replace(panel, build());
    for (const [focusKey, value] of values) {
      const control = panel.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
      if (control && [...(control.options ?? [{ value }])].some((o) => o.value === value)) control.value = value;
    }
    if (focused) panel.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
  }

  renderDetails(view) {
    const node = view.nodes.find((n) => n.name === this.app.selectedNode);
    const messages = node ? view.messages.filter((m) => view.nodes[m.from] === node || view.nodes[m.to] === node) : [];
    const key = JSON.stringify([node, messages.map((m) => m.id), view.nodes.length]);
    this.redraw($('panel-details'), key, () => {
      if (!node) return [h('p', { class: 'hint' }, 'Select a node (click it, or Tab to it and press Enter) to see its state and act on it. Click a message in flight to drop, duplicate or delay it.')];
      const others = view.nodes.filter((n) => n.name !== node.name);
      const parts = [
        h('h2', {}, `${node.name} · ${node.role}${node.crashed ? ' (crashed)' : ''}`),
        ...node.detail.map((line) => h('p', {}, line)),
        h('div', { class: 'field' },
          node.crashed
            ? h('button', { type: 'button', class: 'primary', 'data-focus-key': 'restart', 'aria-keyshortcuts': 'r', onclick: () => this.act({ restart: node.name }) }, 'Restart (r)')
            : h('button', { type: 'button', class: 'danger', 'data-focus-key': 'crash', 'aria-keyshortcuts': 'c', onclick: () => this.act({ crash: node.name }) }, 'Crash (c)'),
          // The core says when a timer is set that may be forced (a proposer's retry, say).
          node.timeout ? h('button', { type: 'button', 'data-focus-key': 'timeout', 'aria-keyshortcuts': 't', title: 'Fire its timer now, as if it had waited long enough', onclick: () => this.act({ timeout: node.name }) }, 'Time out now (t)') : null),
      ];
      // The inputs this node takes, as the core describes them: fields and a button that send
      // the schedule entry each names.
      for (const given of node.inputs) {
        const key = `input-${given.intervention}-${given.button}`;
        const fields = given.fields.map((f) => h('input', { id: `${key}-${f.name}`, type: 'text', value: f.default, maxlength: 32, 'aria-label': f.label, 'data-focus-key': `${key}-${f.name}`, 'data-field': f.name }));
        const send = () => this.act({ [given.intervention]: {
          [given.node_field]: node.name, ...Object.fromEntries(given.fixed),
          ...Object.fromEntries(fields.map((input) => [input.dataset.field, input.value])),
        } });
        for (const input of fields) input.addEventListener('keydown', (event) => { if (event.key === 'Enter') send(); });
        parts.push(h('div', { class: given.fields.length > 1 ? 'field inputs' : 'field' },
          ...given.fields.flatMap((f, i) => [h('label', { for: fields[i].id }, f.label), fields[i]]),
          h('button', { type: 'button', 'data-focus-key': key, disabled: !given.enabled, onclick: send }, given.button)));
      }
      const target = h('select', { 'aria-label': 'Other end of the link', 'data-focus-key': 'cut-target' }, others.map((n) => h('option', { value: n.name }, n.name)));
      const direction = h('select', { 'aria-label': 'Direction', 'data-focus-key': 'cut-direction' },
        h('option', { value: 'out' }, `${node.name} → other`), h('option', { value: 'in' }, `other → ${node.name}`), h('option', { value: 'both' }, 'both ways'));
      const cut = () => {
        const other = target.value;
        const links = { out: [[node.name, other]], in: [[other, node.name]], both: [[node.name, other], [other, node.name]] }[direction.value];
        for (const [from, to] of links) this.act({ cut: { from, to } });
      };
      parts.push(h('h3', {}, 'Cut a link'), h('div', { class: 'field' }, target, direction, h('button', { type: 'button', 'data-focus-key': 'cut', onclick: cut }, 'Cut')));
      parts.push(h('h3', {}, `Messages in flight to or from ${node.name}`));
      if (!messages.length) parts.push(h('p', { class: 'hint' }, 'None.'));
      // By the amount last typed in a message's menu, when it was a whole number of ticks.
      const typed = String(this.app.delayTicks ?? '').trim();
      const delayTicks = /^[1-9]\d{0,8}$/.test(typed) ? Number(typed) : 20;
      parts.push(h('ul', { class: 'log' }, messages.map((m) => h('li', { 'data-message-row': m.id },
        `${m.id}: ${m.label} ${view.nodes[m.from].name} → ${view.nodes[m.to].name} `,
        h('button', { type: 'button', 'data-focus-key': `drop-${m.id}`, onclick: () => this.act({ drop: { message: m.id } }) }, 'Drop'), ' ',
        h('button', { type: 'button', 'data-focus-key': `dup-${m.id}`, onclick: () => this.act({ duplicate: { message: m.id } }) }, 'Duplicate'), ' ',
        h('button', { type: 'button', 'data-focus-key': `delay-${m.id}`, onclick: () => this.act({ delay: { message: m.id, ticks: delayTicks } }) }, `Delay ${delayTicks} ticks`)))));
      return parts;
    }, { keepValues: true });
  }

  /** Forgets the drawn log: after an intervention, the events after it are new ones. */
  resetLog() {
    this.logCount = 0;
    replace($('log'));
  }

  /** The log's filter by node and its note on what it shows, made once above the list. */
  logTools() {
    const nodes = this.app.view.nodes.map((n) => n.name);
    let select = $('log-node');
    if (!select) {
      select = h('select', { id: 'log-node', onchange: () => { this.logNode = select.value; this.logCount = 0; replace($('log')); this.renderLog(); } });
      $('log').before(h('div', { class: 'log-tools' }, h('label', { for: 'log-node' }, 'Show events of '), select, h('p', { id: 'log-note', class: 'hint' })));
    }
    if (select.dataset.nodes !== nodes.join()) {
      select.dataset.nodes = nodes.join();
      if (!nodes.includes(this.logNode)) this.logNode = '';
      replace(select, h('option', { value: '' }, 'every node'), nodes.map((name) => h('option', { value: name, selected: name === this.logNode }, name)));
    }
    return nodes;
  }

  renderLog() {
    const list = $('log');
    const nodes = this.logTools();
    const entries = this.app.entries;
    // Indices here are positions in the whole log; `entries` holds only its latest part.
    const base = this.app.entriesBase;
    const end = base + entries.length;
    const only = this.logNode || null;
    const involves = (e) => only === null || nodes[e.node] === only || nodes[e.peer] === only;
    $('log-note').textContent = (end > LOG_LINES_MAX ? `The latest ${LOG_LINES_MAX} of the ${end} events up to the cursor; move the cursor back for earlier ones.` : '')
      + (only ? ` Only those of ${only} are listed.` : '');
    if (end < this.logCount) {
      replace(list);
      this.logCount = 0;
    }
    const start = Math.max(this.logCount, end - LOG_LINES_MAX, base);
    if (start > this.logCount) {
      replace(list);
    }
    const items = [];
    for (let k = start; k < end; k++) {
      const e = entries[k - base];
      if (!involves(e)) continue;
      items.push(h('li', {
        class: `${e.kind}${this.involved.has(e.index) ? ' involved' : ''}`, tabindex: 0, 'data-index': e.index,
        title: 'Jump to this moment',
        onclick: () => this.seekTo(e.tick, { event: e.index }),
        onkeydown: (event) => { if (event.key === 'Enter') this.seekTo(e.tick, { event: e.index }); },
      }, h('span', { class: 'tick' }, `t=${e.tick}`), e.text));
    }
    list.append(...items);
    while (list.childElementCount > LOG_LINES_MAX) list.firstElementChild.remove();
    this.logCount = end;
    // The entry the cursor was moved to (from the log or a timeline marker) stays marked.
    const chosen = this.app.selectedEvent ?? null;
    for (const li of list.querySelectorAll('li[aria-current]')) {
      if (Number(li.dataset.index) !== chosen) li.removeAttribute('aria-current');
    }
    const selected = chosen === null ? null : list.querySelector(`li[data-index="${chosen}"]`);
    selected?.setAttribute('aria-current', 'true');
    if (selected) selected.scrollIntoView({ block: 'nearest' });
    else if (items.length && !this.involved.size) list.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }
}

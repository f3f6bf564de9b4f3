// The scenario library and its guided tours. `scenarios/library.json` lists each scenario with
// a title, a summary, the outcome it must reach (checked by the tests) and tour steps: at each
// step's tick the run pauses and the step's text explains what just happened. An entry may name
// a `panel` to open with it, and a `montecarlo` estimate for the Quorums tab to start. Its
// `histories` are client histories the History tab opens, with tours of their own, and its
// `notes` short texts with no run behind them.
import { h, replace, reveal } from './dom.js';

const $ = (id) => document.getElementById(id);

/** A library file's text, or an error saying why not. */
async function fileText(file) {
  const response = await fetch(`scenarios/${file}`);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

/** The entries as buttons, each marked with `attribute` = its id. */
function list(entries, attribute, open) {
  return h('ul', { class: 'library-list' }, entries.map((entry) => h('li', {},
    h('button', { type: 'button', [attribute]: entry.id, onclick: () => open(entry) },
      h('strong', {}, entry.title), h('span', { class: 'summary' }, entry.summary)))));
}

export class Library {
  constructor({ app, load, seekTo, play }) {
    Object.assign(this, { app, load, seekTo, play });
    this.entries = null;
    this.error = null;
  }

  async fetch() {
    if (this.entries || this.error) return;
    try {
      const response = await fetch('scenarios/library.json');
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const library = await response.json();
      this.entries = library.scenarios;
      this.histories = library.histories ?? [];
      this.notes = library.notes ?? [];
    } catch (error) {
      this.error = `The scenario library could not be loaded (${error.message}).`;
    }
  }

  async render() {
    await this.fetch();
    const panel = $('panel-library');
    if (panel.dataset.built) return;
    panel.dataset.built = 'true';
    if (this.error) {
      replace(panel, h('p', { class: 'warning' }, this.error));
      return;
    }
    replace(panel,
      h('h2', {}, 'Guided scenarios'),
      h('p', { class: 'hint' }, 'Each one tells a short story and pauses at the moments that matter.'),
      list(this.entries, 'data-scenario', (entry) => this.open(entry.id)),
      this.histories.length ? h('h2', {}, 'Client histories') : null,
      this.histories.length ? list(this.histories, 'data-history', (entry) => this.openHistory(entry)) : null,
      this.notes.length ? h('h2', {}, 'Notes') : null,
      this.notes.map((note) => h('details', { class: 'library-note', 'data-note': note.id },
        h('summary', {}, note.title), h('p', {}, note.text))));
  }

  /** Opens a library history in the History tab, with its tour there. */
  async openHistory(entry) {
    const button = document.querySelector(`[data-history="${entry.id}"]`);
    let text;
    try {
      text = await fileText(entry.file);
    } catch (error) {
      button?.after(h('p', { class: 'warning', role: 'alert' }, `${entry.title} could not be loaded (${error.message}).`));
      return;
    }
    this.app.historyRequest = { text, entry };
    $('tab-history').click();
  }

  /** Loads library scenario `id` and starts its tour. */
  async open(id) {
    await this.fetch();
    const entry = this.entries?.find((e) => e.id === id);
    if (!entry) return false;
    let text;
    try {
      text = await fileText(entry.file);
    } catch (error) {
      $('tour').hidden = false;
      replace($('tour'), h('p', { class: 'warning' }, `${entry.title} could not be loaded (${error.message}).`));
      return false;
    }
    if (!(await this.load(text, { push: true }))) return false;
    this.app.tour = { entry, index: 0 };
    this.showStep();
    // Chosen from the list, which on a phone lies far below the banner.
    reveal($('tour'));
    // An entry about the quorum lens opens its tab, and may start an estimate there.
    if (entry.montecarlo) this.app.lensRequest = entry.montecarlo;
    if (entry.panel) $(`tab-${entry.panel}`)?.click();
    return true;
  }

  /** The tick the run should pause at next, if a tour is on. */
  nextStop() {
    const tour = this.app.tour;
    return tour ? tour.entry.tour[tour.index + 1]?.at ?? null : null;
  }

  /** Called when playing reaches `nextStop()`. */
  advance() {
    this.app.tour.index += 1;
    this.showStep();
  }

  showStep() {
    const tour = this.app.tour;
    const box = $('tour');
    if (!tour) {
      box.hidden = true;
      return;
    }
    const steps = tour.entry.tour;
    const step = steps[tour.index];
    const last = tour.index === steps.length - 1;
    box.hidden = false;
    replace(box,
      h('h2', {}, `${tour.entry.title} · step ${tour.index + 1} of ${steps.length}`),
      h('p', { 'data-tour-text': true }, step.text),
      h('div', { class: 'buttons' },
        h('button', { type: 'button', disabled: tour.index === 0, onclick: () => this.back() }, '◀ Back'),
        last ? null : h('button', { type: 'button', class: 'primary', id: 'tour-next', onclick: () => this.play() }, 'Next ▶'),
        h('button', { type: 'button', onclick: () => this.end() }, 'End tour')));
  }

  /** After the person moves the cursor, the step shown is the last one at or before it. */
  syncTo(time) {
    const tour = this.app.tour;
    if (!tour) return;
    let index = 0;
    tour.entry.tour.forEach((step, i) => { if (step.at <= time) index = i; });
    if (index !== tour.index) {
      tour.index = index;
      this.showStep();
    }
  }

  back() {
    const tour = this.app.tour;
    tour.index = Math.max(0, tour.index - 1);
    this.seekTo(tour.entry.tour[tour.index].at);
    this.showStep();
  }

  end() {
    this.app.tour = null;
    this.showStep();
  }
}

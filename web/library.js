// The scenario library and its guided tours. `scenarios/library.json` lists each scenario with
// a title, a summary, the outcome it must reach (checked by the tests) and tour steps: at each
// step's tick the run pauses and the step's text explains what just happened. An entry may name
// a `panel` to open with it, and a `montecarlo` estimate for the Quorums tab to start.
import { h, replace } from './dom.js';

const $ = (id) => document.getElementById(id);

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
      this.entries = (await response.json()).scenarios;
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
      h('ul', { class: 'library-list' }, this.entries.map((entry) => h('li', {},
        h('button', { type: 'button', 'data-scenario': entry.id, onclick: () => this.open(entry.id) },
          h('strong', {}, entry.title), h('span', { class: 'summary' }, entry.summary))))));
  }

  /** Loads library scenario `id` and starts its tour. */
  async open(id) {
    await this.fetch();
    const entry = this.entries?.find((e) => e.id === id);
    if (!entry) return false;
    let text;
    try {
      const response = await fetch(`scenarios/${entry.file}`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      text = await response.text();
    } catch (error) {
      $('tour').hidden = false;
      replace($('tour'), h('p', { class: 'warning' }, `${entry.title} could not be loaded (${error.message}).`));
      return false;
    }
    if (!this.load(text, { push: true })) return false;
    this.app.tour = { entry, index: 0 };
    this.showStep();
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

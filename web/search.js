// The search section of the Setup panel: explore every interleaving of the current scenario's
// proposals within bounds, in a worker, and play the counterexample if one is found.
import { h, replace } from './dom.js';

export class Search {
  constructor({ app, load }) {
    Object.assign(this, { app, load });
    this.worker = null;
  }

  /** The search form and its result area, built once per Setup panel drawing. */
  element() {
    // The bounds are the run's core's: their names, labels (what a round is depends on the
    // protocol), defaults and largest values.
    const bounds = this.app.core.searchBounds();
    const number = ({ name, value, max, label }) => h('label', { class: 'field' }, label,
      h('input', { type: 'number', name, value, min: 0, max, 'data-focus-key': `search-${name}` }));
    const result = h('div', { id: 'search-result', role: 'status' });
    const stop = h('button', { type: 'button', id: 'search-stop', disabled: true, onclick: () => this.stop(result, go, stop) }, 'Stop');
    const form = h('form', { id: 'search-form' },
      bounds.map(number),
      h('div', { class: 'field' }, h('button', { type: 'submit', id: 'search-go', 'data-focus-key': 'search-go' }, 'Search every interleaving'), stop));
    const go = form.querySelector('#search-go');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const chosen = Object.fromEntries(bounds.map(({ name }) => [name, Math.max(0, Math.trunc(Number(data.get(name))) || 0)]));
      this.run(chosen, result, go, stop);
    });
    return h('fieldset', {}, h('legend', {}, 'Search every interleaving'),
      h('p', { class: 'hint' }, 'The explorer tries every order of deliveries and timeouts after the proposals, plus the faults you allow, and stops at the first safety violation.'),
      form, result);
  }

  run(bounds, result, go, stop) {
    this.worker?.terminate();
    const started = performance.now();
    this.worker = new Worker(new URL('./search-worker.js', import.meta.url), { type: 'module' });
    go.disabled = true;
    stop.disabled = false;
    replace(result, h('p', {}, bounds.gravest ? `Searching for ${bounds.goal}…` : 'Searching…'));
    this.worker.onmessage = ({ data }) => {
      if (data.progress) {
        const { states, depth } = data.progress;
        const seconds = ((performance.now() - started) / 1000).toFixed(0);
        replace(result, h('p', { 'data-search': 'progress' }, `Searching${bounds.gravest ? ` for ${bounds.goal}` : ''}… ${states.toLocaleString('en')} states so far, ${depth} steps deep, ${seconds} s. Stop ends the search.`));
        return;
      }
      this.worker.terminate();
      this.worker = null;
      go.disabled = false;
      stop.disabled = true;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (!data.ok) {
        replace(result, h('p', { class: 'warning' }, `The search could not run: ${data.error}`));
        return;
      }
      const r = data.result;
      const states = r.states.toLocaleString('en');
      if (r.counterexample) {
        const v = r.violations[0];
        // The core says when this counterexample breaks only a lesser rule, and names the
        // protocol's gravest violation: a run that breaks the one may go on to the other.
        const gravest = r.gravest_not_found;
        replace(result,
          h('p', { class: 'warning', 'data-search': 'violation' }, `Counterexample found after ${states} states (${seconds} s): ${v.explanation}.`),
          gravest ? h('p', { class: 'hint', 'data-search-gravest': gravest }, `This breaks a lesser rule, not yet ${gravest}. The search can go on past such states for a run that ends in ${gravest}; it may need more states.`) : null,
          h('button', { type: 'button', class: 'primary', id: 'play-counterexample', onclick: () => this.load(r.counterexample, { push: true }) }, 'Load the counterexample'),
          gravest ? h('button', { type: 'button', id: 'search-gravest', onclick: () => this.run({ ...bounds, gravest: true, goal: gravest }, result, go, stop) }, `Keep searching for ${gravest}`) : null);
      } else if (bounds.gravest) {
        replace(result, h('p', { 'data-search': r.complete ? 'safe' : 'incomplete' }, r.complete
          ? `No run within these bounds ends in ${bounds.goal}: none of the ${states} reachable states has it (${seconds} s).`
          : `No state with ${bounds.goal} in the first ${states} states (${seconds} s); the search stopped at its limit. Raise “Stop after this many states” to search further.`));
      } else {
        replace(result, h('p', { 'data-search': r.complete ? 'safe' : 'incomplete' }, r.complete
          ? `No violation in any of the ${states} reachable states (${seconds} s) within these bounds.`
          : `No violation in the first ${states} states (${seconds} s); the search stopped at its limit before seeing every state.`));
      }
    };
    this.worker.postMessage({ scenario: this.app.pg.scenarioJson(), bounds });
  }

  stop(result, go, stop) {
    this.worker?.terminate();
    this.worker = null;
    go.disabled = false;
    stop.disabled = true;
    replace(result, h('p', {}, 'Search stopped.'));
  }
}

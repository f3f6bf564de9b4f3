// The Setup panel: the form the core describes for the current scenario (`setupForm`), drawn
// as it says, with the search for violations below it. Applying sends the core only the fields
// the person touched (`applySetup`), which returns the new scenario: a field nobody touched
// keeps the scenario's exact value. The page loads this module when the Setup tab is first
// opened, not while loading, and the forms come from a worker (setup-worker.js), whose wasm
// the page does not fetch on load.
import { h } from './dom.js';
import { Search } from './search.js';
import { Channel } from './channel.js';

export class Setup {
  /** `panels` redraws the panel only when the scenario changed, keeping focus. */
  constructor({ app, panels, load, showError }) {
    Object.assign(this, { app, panels, load, showError });
    this.search = new Search({ app, load });
    this.channel = new Channel(new URL('./setup-worker.js', import.meta.url));
    /** The form of scenario `formFor`, once the worker has sent it. */
    this.form = null;
    this.formFor = null;
  }

  render() {
    const scenario = this.app.pg.scenarioJson();
    if (this.formFor !== scenario) {
      this.formFor = scenario;
      this.form = null;
      this.channel.call('form', { scenario }).then((form) => {
        if (this.formFor !== scenario) return;
        this.form = form;
        this.render();
      }, (error) => {
        if (this.formFor !== scenario) return;
        this.form = { error: error.message };
        this.render();
      });
    }
    const form = this.form;
    this.panels.redraw(document.getElementById('panel-setup'), `${scenario}|${form === null ? 'waiting' : 'ready'}`, () => {
      if (form === null) return [h('p', { class: 'hint', role: 'status' }, 'Loading the setup…')];
      if (form.error) {
        return [h('p', { class: 'warning' }, `The setup could not be loaded (${form.error}).`),
          h('button', { type: 'button', onclick: () => { this.formFor = null; this.render(); } }, 'Try again')];
      }
      const element = h('form', { id: 'setup-form' },
        form.map((group) => h('fieldset', {}, h('legend', {}, group.legend),
          group.fields.map(control),
          group.warning ? h('p', { class: 'warning' }, group.warning) : null)),
        h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary', 'data-focus-key': 'apply' }, 'Apply and restart')));
      // A field that applies only to one choice of another (Q1 and Q2 to flexible quorums) is
      // disabled while that choice is not made, as the core's form says.
      const conditional = [...element.querySelectorAll('[data-applies-field]')];
      const settle = () => {
        for (const input of conditional) input.disabled = element.elements[input.dataset.appliesField]?.value !== input.dataset.appliesValue;
      };
      settle();
      element.addEventListener('change', settle);
      const touched = new Set();
      element.addEventListener('input', (event) => { if (event.target.name) touched.add(event.target.name); });
      element.addEventListener('submit', async (event) => {
        event.preventDefault();
        let result;
        try {
          result = await this.channel.call('apply', { scenario, changes: JSON.stringify(changes(element, touched)) });
        } catch (error) {
          this.showError(`The setup cannot be applied: ${error.message ?? error}.`);
          return;
        }
        // Said in the panel the new run draws, once: what of the schedule did not fit.
        this.dropped = result.dropped;
        this.load(result.scenario, { push: true });
      });
      const dropped = this.dropped ?? [];
      this.dropped = [];
      return [h('p', { class: 'hint' }, 'Changing the setup restarts the run with the same schedule, as far as the new cluster has its nodes.'),
        dropped.length ? h('div', { class: 'warning', id: 'setup-dropped', role: 'status' },
          h('p', {}, 'Not kept from the schedule:'), h('ul', {}, dropped.map((line) => h('li', {}, line)))) : null,
        element, this.search.element()];
    });
  }
}

/** How a range shows its value next to it. */
const SHOW = {
  ticks: (v) => `${v} ticks`,
  percent: (v) => `${Math.round(v * 100)} %`,
};

/** One control of the form, as the core describes it. */
function control(field) {
  const focus = field.kind === 'checkbox' || field.kind === 'radio' ? `${field.name}-${field.value}` : field.name;
  switch (field.kind) {
    case 'radio':
    case 'checkbox':
      return h('label', { class: 'field' },
        h('input', { type: field.kind, name: field.name, value: field.value, checked: field.checked, 'data-focus-key': focus }), field.label);
    case 'select':
      return h('label', { class: 'field' }, field.label, h('select', { name: field.name, 'data-focus-key': focus },
        field.options.map(([value, label]) => h('option', { value, selected: value === field.value }, label))));
    case 'range': {
      const show = SHOW[field.unit] ?? String;
      const output = h('output', {}, show(Number(field.value)));
      // The value goes in after min, max and step: a range input snaps its value to the step
      // in force when the value is set, and the default step of 1 turned a loss of 0.3 into 0.
      const input = h('input', { type: 'range', name: field.name, min: field.min, max: field.max, step: field.step, 'data-focus-key': focus, 'aria-label': field.label });
      input.value = field.value;
      input.addEventListener('input', () => { output.textContent = show(Number(input.value)); });
      return h('label', { class: 'field' }, field.label, input, output);
    }
    case 'number':
      return h('label', { class: 'field' }, field.label,
        h('input', { type: 'number', name: field.name, value: field.value, min: field.min, max: field.max, step: field.step, 'data-focus-key': focus,
          'data-applies-field': field.applies?.[0], 'data-applies-value': field.applies?.[1] }));
    default:
      return h('label', { class: 'field' }, field.label,
        h('input', { type: 'text', name: field.name, value: field.value, inputmode: 'numeric', 'data-focus-key': focus }));
  }
}

/** The touched fields' values: text for each, and for checkboxes the list of those on. */
export function changes(form, touched) {
  const data = new FormData(form);
  const out = {};
  for (const name of touched) {
    // A field disabled because it does not apply is not sent, even if it was touched first.
    if ([...form.querySelectorAll(`[name="${name}"]`)].every((input) => input.disabled)) continue;
    const checkboxes = form.querySelectorAll(`input[type=checkbox][name="${name}"]`);
    out[name] = checkboxes.length ? data.getAll(name).map(String) : String(data.get(name) ?? '');
  }
  return out;
}

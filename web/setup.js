// The Setup panel: a form that changes the current scenario's cluster, quorums, network,
// break-Paxos switches and seed and restarts the run, with the search for violations below it.
// The page loads this module when the Setup tab is first opened, not while loading.
import { h } from './dom.js';
import { Search } from './search.js';

export class Setup {
  /** `panels` redraws the panel only when the scenario changed, keeping focus. */
  constructor({ app, panels, load, bugNames }) {
    Object.assign(this, { app, panels, load, bugNames });
    this.search = new Search({ app, load });
  }

  render(view = this.app.view) {
    this.panels.redraw(document.getElementById('panel-setup'), this.app.pg.scenarioJson(), () => {
      // Parsed only to fill the form; the seed is taken from the view as text, since a seed may
      // be larger than a JavaScript number holds exactly.
      const scenario = JSON.parse(this.app.pg.scenarioJson());
      const cluster = scenario.cluster;
      const combined = cluster.servers !== undefined;
      const number = (name, value, min, max, label) => h('label', { class: 'field' }, label,
        h('input', { type: 'number', name, value, min, max, step: name === 'loss' || name === 'duplicate' ? 0.05 : 1, 'data-focus-key': name }));
      const slider = (name, value, min, max, step, label, show) => {
        const output = h('output', {}, show(Number(value)));
        // The value goes in after min, max and step: a range input snaps its value to the step
        // in force when the value is set, and the default step of 1 turned a loss of 0.3 into 0.
        const input = h('input', { type: 'range', name, min, max, step, 'data-focus-key': name, 'aria-label': label });
        input.value = String(value);
        input.addEventListener('input', () => { output.textContent = show(Number(input.value)); });
        return h('label', { class: 'field' }, label, input, output);
      };
      const form = h('form', { id: 'setup-form' },
        h('fieldset', {}, h('legend', {}, 'Cluster'),
          h('label', { class: 'field' }, h('input', { type: 'radio', name: 'shape', value: 'roles', checked: !combined }), 'separate proposers, acceptors and learners'),
          h('label', { class: 'field' }, h('input', { type: 'radio', name: 'shape', value: 'servers', checked: combined }), 'servers that play all three roles'),
          number('proposers', cluster.proposers ?? 2, 1, 15, 'Proposers'),
          number('acceptors', cluster.acceptors ?? 3, 1, 15, 'Acceptors'),
          number('learners', cluster.learners ?? 1, 0, 15, 'Learners'),
          number('servers', cluster.servers ?? 5, 1, 15, 'Servers')),
        h('fieldset', {}, h('legend', {}, 'Quorums'),
          h('label', { class: 'field' }, 'Kind', h('select', { name: 'quorum', 'data-focus-key': 'quorum' },
            h('option', { value: 'majority', selected: scenario.quorum.kind === 'majority' }, 'majority'),
            h('option', { value: 'flexible', selected: scenario.quorum.kind === 'flexible' }, 'flexible (Q1, Q2)'),
            scenario.quorum.kind === 'explicit' ? h('option', { value: 'explicit', selected: true }, 'explicit (as in the scenario)') : null)),
          number('phase1', typeof scenario.quorum.phase1 === 'number' ? scenario.quorum.phase1 : 2, 1, 15, 'Phase-1 size (Q1)'),
          number('phase2', typeof scenario.quorum.phase2 === 'number' ? scenario.quorum.phase2 : 2, 1, 15, 'Phase-2 size (Q2)'),
          view.quorum.safe ? null : h('p', { class: 'warning' }, view.quorum.verdict)),
        h('fieldset', {}, h('legend', {}, 'Network'),
          slider('delay_ticks_min', scenario.network.delay_ticks_min, 1, Math.max(200, scenario.network.delay_ticks_min), 1, 'Delay min', (v) => `${v} ticks`),
          slider('delay_ticks_max', scenario.network.delay_ticks_max, 1, Math.max(200, scenario.network.delay_ticks_max), 1, 'Delay max', (v) => `${v} ticks`),
          slider('loss', scenario.network.loss, 0, 1, 0.05, 'Loss', (v) => `${Math.round(v * 100)} %`),
          slider('duplicate', scenario.network.duplicate, 0, 1, 0.05, 'Duplication', (v) => `${Math.round(v * 100)} %`)),
        h('fieldset', {}, h('legend', {}, 'Break Paxos'),
          this.bugNames().map((bug) => h('label', { class: 'field' },
            h('input', { type: 'checkbox', name: 'bug', value: bug, checked: (scenario.bugs ?? []).includes(bug), 'data-focus-key': bug }), bug.replaceAll('_', ' ')))),
        h('label', { class: 'field' }, 'Seed', h('input', { type: 'text', name: 'seed', value: view.seed, inputmode: 'numeric', pattern: '\\d{1,20}', 'data-focus-key': 'seed' })),
        h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary', 'data-focus-key': 'apply' }, 'Apply and restart')));
      // The fields the person changed. A network field they left alone keeps the scenario's
      // own value: a slider can only show values on its steps, and 0.33 must not become 0.35.
      const touched = new Set();
      form.addEventListener('input', (event) => { if (event.target.name) touched.add(event.target.name); });
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        this.load(scenarioFromForm(new FormData(form), scenario, view.seed, touched), { push: true });
      });
      return [h('p', { class: 'hint' }, 'Changing the setup restarts the run with the same proposals.'), form, this.search.element()];
    });
  }
}


/** The node names of a cluster: the scenario format's naming, not protocol knowledge. */
function names(cluster) {
  const range = (prefix, count) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
  if (cluster.servers !== undefined) return { all: range('s', cluster.servers), proposers: range('s', cluster.servers) };
  const proposers = range('p', cluster.proposers);
  return { all: [...proposers, ...range('a', cluster.acceptors), ...range('l', cluster.learners)], proposers };
}

/**
 * The current scenario with the setup form's changes: cluster, quorums, network, bugs and seed.
 * Everything else stays (timeouts, scheduler, length); interventions that name nodes the new
 * cluster lacks are dropped. With `touched`, the names of the fields the person changed, a
 * network field not among them keeps the scenario's value. Returns JSON text, with the seed
 * written digit for digit.
 */
export function scenarioFromForm(data, current, currentSeed, touched = null) {
  const int = (name) => Math.trunc(Number(data.get(name)));
  // A network field the person did not touch keeps its value from the scenario, exactly.
  const chosen = (name, read) => (touched && !touched.has(name) && current.network?.[name] !== undefined ? current.network[name] : read(name));
  const cluster = data.get('shape') === 'servers'
    ? { servers: int('servers') }
    : { proposers: int('proposers'), acceptors: int('acceptors'), learners: int('learners') };
  const { all, proposers } = names(cluster);
  const known = (name) => all.includes(name);
  const schedule = [];
  for (const entry of current.schedule ?? []) {
    const item = { ...entry };
    if (item.partition) item.partition = item.partition.map((group) => group.filter(known)).filter((group) => group.length);
    const named = [item.propose?.node, item.crash, item.restart, item.cut?.from, item.cut?.to,
      item.restore?.from, item.restore?.to, item.timeout].filter((name) => name !== undefined);
    if (named.every(known) && !(item.propose && !proposers.includes(item.propose.node))) schedule.push(item);
  }
  if (!schedule.some((entry) => entry.propose)) schedule.unshift({ at: 0, propose: { node: proposers[0], value: 'A' } });
  const kind = data.get('quorum');
  const quorum = kind === 'flexible' ? { kind, phase1: int('phase1'), phase2: int('phase2') }
    : kind === 'explicit' ? current.quorum : { kind: 'majority' };
  const seedText = String(data.get('seed') ?? '').trim();
  const seed = /^\d{1,20}$/.test(seedText) ? seedText : currentSeed;
  const scenario = {
    ...current,
    seed: 0,
    cluster,
    network: {
      ...current.network,
      delay_ticks_min: chosen('delay_ticks_min', int),
      delay_ticks_max: chosen('delay_ticks_max', int),
      loss: chosen('loss', (name) => Number(data.get(name))),
      duplicate: chosen('duplicate', (name) => Number(data.get(name))),
    },
    quorum,
    bugs: data.getAll('bug'),
    schedule,
  };
  // The core reads the seed as a whole number of up to 64 bits; a JavaScript number would round it.
  return JSON.stringify(scenario).replace('"seed":0', `"seed":${seed}`);
}

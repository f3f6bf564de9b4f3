// The Quorums tab: the quorum lens. A quorum system (the run's own, or one the person edits)
// analysed exactly by the core — its minimal quorums, whether they intersect, resilience,
// availability, load and the optimal strategy — drawn on a ring of its own and in charts; and
// the Monte Carlo estimate of P(decided by tick t) from the real simulation, beside the exact
// survival probability. All of it runs in workers (lens-worker.js, montecarlo-worker.js); this
// module draws what the core reports and sends back what the person asks. The page loads it
// on first use.
import { h, s, replace } from './dom.js';
import { lineChart, label } from './chart.js';
import { Channel } from './channel.js';

const $ = (id) => document.getElementById(id);
const RING = 200;

// The tab's styles come with it, so that the page's first load does not fetch them.
document.head.append(h('link', { rel: 'stylesheet', href: new URL('./quorums.css', import.meta.url).href }));

export class QuorumLens {
  constructor({ app, load }) {
    Object.assign(this, { app, load });
    this.channel = new Channel(new URL('./lens-worker.js', import.meta.url));
    this.carlo = null;
    this.form = null;
    this.analysis = null;
    this.picked = { read: 0, write: 0 };
    this.draft = new Set();
  }

  /** Called on every redraw while the tab is open: builds the tab once, follows the run's
   *  quorum system when the run changes it, and starts an estimate a library entry asked for. */
  render() {
    this.ready ??= this.build();
    this.ready.then((built) => {
      if (!built) return;
      const scenario = this.app.pg.scenarioJson();
      if (scenario !== this.scenario) {
        this.scenario = scenario;
        this.followRun(scenario);
      }
      const request = this.app.lensRequest;
      if (request) {
        this.app.lensRequest = null;
        this.startRequested(request);
      }
    });
  }

  async build() {
    const panel = $('panel-quorums');
    replace(panel, h('p', { class: 'hint' }, 'Loading the quorum lens…'));
    try {
      this.schema = await this.channel.call('form');
    } catch (error) {
      this.ready = null;
      replace(panel, h('p', { class: 'warning' }, `The quorum lens could not start (${error.message}).`));
      return false;
    }
    this.result = h('div', { id: 'lens-result', role: 'status', 'aria-live': 'polite' });
    this.carloResult = h('div', { id: 'montecarlo-result', 'aria-live': 'polite' });
    replace(panel,
      h('h2', {}, 'Quorums'),
      h('p', { class: 'hint' }, this.schema.intro),
      h('div', { id: 'lens-form-slot' }),
      this.result,
      this.monteCarloForm(),
      this.carloResult);
    return true;
  }

  /** A new run: its quorum system replaces the form's only when it differs from the run's
   *  system last shown, so that a crash or a new seed keeps what the person was editing. */
  async followRun(scenario) {
    let system;
    try {
      system = await this.channel.call('systemOf', { scenario });
    } catch (error) {
      if (!this.form) this.showForm({ kind: this.schema.kinds[0].kind });
      replace(this.result, h('p', { class: 'warning' }, `The run's quorum system could not be read (${error.message}).`));
      return;
    }
    if (system === this.runSystem) return;
    this.runSystem = system;
    this.showForm(JSON.parse(system));
    await this.analyse();
  }

  /** The "From the run" button: the run's system, whatever the form holds. */
  async fromRun() {
    this.runSystem = null;
    await this.followRun(this.app.pg.scenarioJson());
  }

  /** A library entry's estimate: its fields filled in, and started. */
  startRequested(request) {
    const form = $('montecarlo-form');
    for (const [name, value] of Object.entries(request)) {
      const input = form.elements.namedItem(name);
      if (input) input.value = String(value);
    }
    form.requestSubmit();
  }

  showForm(system) {
    // The nodes' names go back to the core with the system, which uses them while their
    // number still fits (the run's acceptors, say) and names the nodes n1… otherwise.
    this.names = system.names ?? null;
    const kinds = this.schema.kinds;
    const kind = kinds.find((k) => k.kind === system.kind) ?? kinds[0];
    const select = h('select', { name: 'kind', id: 'lens-kind' }, kinds.map((k) => h('option', { value: k.kind, selected: k === kind }, k.label)));
    select.addEventListener('change', () => {
      // A new kind keeps the number of nodes, and their names while it does.
      const current = this.readForm();
      this.showForm({ kind: select.value, nodes: current.nodes ?? current.names?.length, names: current.names });
    });
    const fields = kind.fields.map((field) => this.field(field, system[field.name]));
    const options = this.schema.options.map((field) => this.field(field, this.options?.[field.name] ?? field.value));
    // The core checks the fields and names the bad one; the browser's own checks would stop
    // the form silently on a phone.
    this.form = h('form', { id: 'lens-form', novalidate: true },
      h('label', { class: 'field' }, 'System ', select),
      h('p', { class: 'hint' }, kind.hint),
      fields, options,
      h('div', { class: 'field buttons' },
        h('button', { type: 'submit', class: 'primary', id: 'lens-analyse' }, 'Analyse'),
        h('button', { type: 'button', id: 'lens-from-run', onclick: () => this.fromRun() }, 'From the run'),
        h('button', { type: 'button', id: 'lens-use', onclick: () => this.useInRun() }, 'Use in the run')));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.analyse();
    });
    replace($('lens-form-slot'), this.form);
  }

  field(field, value) {
    const id = `lens-${field.name}`;
    if (field.type === 'lists') {
      const text = Array.isArray(value) ? value.map((quorum) => quorum.join(' ')).join('\n') : '';
      return h('label', { class: 'field stacked' }, field.label,
        h('textarea', { id, name: field.name, rows: 3, spellcheck: 'false', 'aria-describedby': `${id}-hint` }, text),
        h('span', { class: 'hint', id: `${id}-hint` }, field.hint));
    }
    const shown = Array.isArray(value) ? value.join(', ') : value ?? field.value ?? '';
    return h('label', { class: 'field' }, field.label, ' ',
      h('input', { id, name: field.name, type: field.type === 'weights' ? 'text' : 'number', value: shown, min: field.min, max: field.max, step: field.step ?? 1, inputmode: field.type === 'weights' ? 'numeric' : 'decimal' }));
  }

  /** The system and options as the form says, as the JSON the core reads; what the person
   *  typed goes to the core as typed, and the core's message names a bad field. */
  readForm() {
    const data = new FormData(this.form);
    const kind = this.schema.kinds.find((k) => k.kind === data.get('kind')) ?? this.schema.kinds[0];
    const system = { kind: kind.kind };
    for (const field of kind.fields) {
      const text = String(data.get(field.name) ?? '').trim();
      if (text === '') continue;
      if (field.type === 'lists') system[field.name] = text.split('\n').map((line) => line.split(/[\s,]+/).filter(Boolean)).filter((quorum) => quorum.length);
      else if (field.type === 'weights') system[field.name] = text.split(/[\s,]+/).filter(Boolean).map(Number);
      else system[field.name] = Number(text);
    }
    if (this.names) system.names = this.names;
    const options = {};
    for (const field of this.schema.options) options[field.name] = Number(data.get(field.name));
    this.options = options;
    return system;
  }

  async analyse() {
    const system = this.readForm();
    replace(this.result, h('p', { class: 'hint' }, 'Analysing…'));
    try {
      this.analysis = JSON.parse(await this.channel.call('analyze', { system: JSON.stringify(system), options: { ...this.options, curve: true } }));
    } catch (error) {
      this.analysis = null;
      replace(this.result, h('p', { class: 'warning', id: 'lens-error' }, `This system cannot be analysed: ${error.message}.`));
      return;
    }
    this.picked = { read: 0, write: 0 };
    this.draft = new Set();
    this.drawAnalysis();
  }

  drawAnalysis() {
    const a = this.analysis;
    const pick = (which, list) => h('label', { class: 'field' }, which === 'read' ? 'Read quorum ' : 'Write quorum ',
      h('select', { id: `lens-pick-${which}`, onchange: (event) => { this.picked[which] = Number(event.target.value); this.drawAnalysis(); } },
        list.map((quorum, i) => h('option', { value: i, selected: i === this.picked[which] }, quorum.join(' ')))));
    const read = a.read_quorums[this.picked.read] ?? [];
    const write = a.write_quorums[this.picked.write] ?? [];
    const shared = read.filter((name) => write.includes(name));
    const note = this.note;
    this.note = null;
    replace(this.result,
      note ? h('p', { id: 'lens-used', class: 'ok' }, note) : null,
      h('ul', { class: 'facts', id: 'lens-facts' }, a.facts.map((fact) => h('li', { class: fact.warning ? 'warning' : null }, fact.text))),
      this.ring(read, write),
      h('div', { class: 'lens-picks' }, pick('read', a.read_quorums), pick('write', a.write_quorums)),
      h('p', { id: 'lens-intersection', class: shared.length ? null : 'warning' }, shared.length
        ? `These two share ${shared.join(', ')}.`
        : 'These two share no node: a read through the first can miss a write through the second.'),
      this.draftControls(),
      lineChart({
        id: 'chart-availability',
        title: 'Availability against the failure probability p',
        x: { label: 'p', min: 0, max: 1 },
        y: { label: 'probability that a quorum survives', min: 0, max: 1 },
        series: [['read', 'some read quorum', 0], ['write', 'some write quorum', 1], ['both', 'both', 2]].map(([key, name, style]) =>
          ({ name, style, points: a.availability_curve.map((point) => [point.p, point[key]]) })),
      }),
      lineChart({
        id: 'chart-load',
        title: 'Load against the read fraction',
        x: { label: 'read fraction', min: 0, max: 1 },
        y: { label: 'load of the busiest node', min: 0, max: 1 },
        series: [{ name: 'load', style: 0, points: a.load_curve.map((point) => [point.read_fraction, point.load]) }],
      }));
  }

  /** The system's nodes on a ring, shaded by their load under the optimal strategy; the picked
   *  read and write quorums outlined. With explicit lists, clicking a node adds it to a draft
   *  quorum. */
  ring(read, write) {
    const a = this.analysis;
    const n = a.nodes.length;
    const radius = n > 1 ? RING / 2 - 24 : 0;
    const busiest = Math.max(...a.strategy.node_loads, 1e-9);
    const editable = a.editable;
    const nodes = a.nodes.map((name, i) => {
      const angle = (2 * Math.PI * i) / n - Math.PI / 2;
      const x = RING / 2 + radius * Math.cos(angle);
      const y = RING / 2 + radius * Math.sin(angle);
      const load = a.strategy.node_loads[i];
      const classes = ['lens-node', read.includes(name) && 'in-read', write.includes(name) && 'in-write', this.draft.has(name) && 'in-draft'].filter(Boolean).join(' ');
      const toggle = () => {
        if (this.draft.has(name)) this.draft.delete(name);
        else this.draft.add(name);
        this.drawAnalysis();
        document.querySelector(`[data-lens-node="${name}"]`)?.focus();
      };
      return s('g', {
        class: classes, 'data-lens-node': name, tabindex: editable ? 0 : null, role: editable ? 'button' : null,
        'aria-label': `${name}: load ${label(load)}${read.includes(name) ? ', in the read quorum' : ''}${write.includes(name) ? ', in the write quorum' : ''}`,
        onclick: editable ? toggle : null,
        onkeydown: editable ? (event) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); toggle(); } } : null,
      },
      s('circle', { cx: x, cy: y, r: 15, style: `--heat: ${(load / busiest).toFixed(3)}` }),
      s('text', { x, y: y + 4, 'text-anchor': 'middle' }, name));
    });
    return h('figure', { class: 'lens-ring' },
      s('svg', { viewBox: `0 0 ${RING} ${RING}`, role: 'group', 'aria-label': 'The system\'s nodes, shaded by load under the optimal strategy' }, nodes),
      h('figcaption', { class: 'hint' }, 'Darker: busier under the optimal strategy. Solid ring: the read quorum; dashed: the write quorum.'));
  }

  /** For explicit lists: the draft quorum clicked together on the ring, added to a list. */
  draftControls() {
    if (!this.analysis.editable) return null;
    const add = (name) => () => {
      const area = this.form.querySelector(`textarea[name="${name}"]`);
      area.value = `${area.value.trim()}\n${[...this.draft].join(' ')}`.trim();
      this.analyse();
    };
    const draft = [...this.draft];
    return h('p', { class: 'lens-draft' },
      draft.length ? `Draft quorum: ${draft.join(' ')}. ` : 'Click nodes on the ring to make a quorum. ',
      this.schema.list_fields.map(([name, text]) => h('button', { type: 'button', 'data-add': name, disabled: !draft.length, onclick: add(name) }, text)));
  }

  async useInRun() {
    const system = JSON.stringify(this.readForm());
    try {
      const scenario = await this.channel.call('use', { scenario: this.app.pg.scenarioJson(), system });
      // The new run's system is drawn when the tab follows the run, with this note above it.
      this.note = 'The run now uses this system, from tick 0.';
      this.load(scenario, { push: true });
    } catch (error) {
      replace(this.result, h('p', { class: 'warning', id: 'lens-error' }, `This system cannot be used in the run: ${error.message}.`));
    }
  }

  monteCarloForm() {
    const m = this.schema.montecarlo;
    const progress = h('progress', { id: 'montecarlo-progress', max: 1, value: 0, hidden: true });
    const go = h('button', { type: 'submit', id: 'montecarlo-go' }, 'Run');
    const stop = h('button', { type: 'button', id: 'montecarlo-stop', disabled: true }, 'Cancel');
    const form = h('form', { id: 'montecarlo-form', novalidate: true },
      m.fields.map((field) => {
        const id = `montecarlo-${field.name}`;
        if (field.type === 'select') {
          return h('label', { class: 'field' }, field.label, ' ', h('select', { id, name: field.name }, field.options.map(([value, text]) => h('option', { value, selected: value === field.value }, text))));
        }
        return h('label', { class: 'field' }, field.label, ' ', field.type === 'sizes'
          ? h('input', { id, type: 'text', name: field.name, value: field.value, inputmode: 'numeric', placeholder: field.placeholder })
          : h('input', { id, type: 'number', name: field.name, value: field.value, min: field.min, max: field.max, step: field.step }));
      }),
      h('div', { class: 'field buttons' }, go, stop), progress);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      // Sizes as typed; the core says which it cannot run.
      const sizes = String(data.get('sizes') ?? '').split(/[\s,]+/).filter(Boolean);
      this.monteCarlo({ runs: Number(data.get('runs')), p: Number(data.get('p')), failure: String(data.get('failure')), sizes }, { go, stop, progress });
    });
    stop.addEventListener('click', () => {
      this.carlo?.stop();
      this.carlo = null;
      go.disabled = false;
      stop.disabled = true;
      progress.hidden = true;
      replace(this.carloResult, h('p', { id: 'montecarlo-cancelled' }, 'Cancelled.'));
    });
    return h('fieldset', { class: 'montecarlo' }, h('legend', {}, m.legend), h('p', { class: 'hint' }, m.hint), form);
  }

  async monteCarlo(request, { go, stop, progress }) {
    this.carlo?.stop();
    const started = performance.now();
    const carlo = new Channel(new URL('./montecarlo-worker.js', import.meta.url), ({ progress: share }) => { progress.value = share; });
    this.carlo = carlo;
    go.disabled = true;
    stop.disabled = false;
    progress.hidden = false;
    progress.value = 0;
    replace(this.carloResult, h('p', { class: 'hint' }, 'Running…'));
    try {
      const result = await carlo.call('montecarlo', { ...request, scenario: this.app.pg.scenarioJson(), points: 100 });
      this.drawMonteCarlo(result, (performance.now() - started) / 1000);
    } catch (error) {
      if (error.message !== 'stopped') replace(this.carloResult, h('p', { class: 'warning', id: 'montecarlo-error' }, `The estimate could not run: ${error.message}.`));
    } finally {
      if (this.carlo === carlo) {
        carlo.stop();
        this.carlo = null;
        go.disabled = false;
        stop.disabled = true;
        progress.hidden = true;
      }
    }
  }

  drawMonteCarlo({ results, undecided }, seconds) {
    const horizon = Math.max(...results.map(({ estimate }) => estimate.horizon_ticks));
    replace(this.carloResult,
      h('ul', { id: 'montecarlo-summary', class: 'facts' }, results.map(({ label: name, estimate }) => h('li', {}, `${name}: ${estimate.summary}`))),
      h('p', { class: 'hint' }, `${seconds.toFixed(1)} s in the worker.`),
      lineChart({
        id: 'chart-montecarlo',
        title: 'P(decided by tick t), from the runs',
        x: { label: 'tick', min: 0, max: horizon },
        y: { label: 'share of runs decided, with its 95 % band', min: 0, max: 1 },
        series: results.map(({ label: name, estimate: e }, style) => ({
          name, style: style % 3, points: e.curve.map((p) => [p.tick, p.decided]), band: e.curve.map((p) => [p.tick, p.low, p.high]),
        })),
        references: results.map(({ exact }, style) => ({ ...exact, style: style % 3 })),
      }),
      undecided ? h('button', { type: 'button', id: 'montecarlo-open', onclick: () => this.load(undecided, { push: true }) }, 'Open a run that did not decide') : null);
  }
}

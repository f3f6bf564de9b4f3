// The Network panel: the quorum system, a partition editor, and the cut links with a button to
// restore each. The page loads this module when the Network tab is first opened.
import { h } from './dom.js';

const $ = (id) => document.getElementById(id);

/** Draws the Network panel for `view` when what it shows changed; `panels` redraws it, keeping
 *  focus, and applies interventions. */
export function renderNetwork(panels, view) {
  const key = JSON.stringify([view.nodes.map((n) => [n.name, n.group]), view.cuts, view.quorum, view.partitioned]);
  panels.redraw($('panel-network'), key, () => {
    const selects = view.nodes.map((n) => h('label', { class: 'field' }, h('span', { style: 'min-width:2.5rem' }, n.name),
      h('select', { 'data-node': n.name, 'data-focus-key': `group-${n.name}` },
        view.nodes.map((_, i) => h('option', { value: i, selected: (n.group ?? 0) === i }, `group ${String.fromCharCode(65 + i)}`)))));
    const partition = () => {
      const groups = view.nodes.map(() => []);
      for (const select of $('panel-network').querySelectorAll('select[data-node]')) groups[Number(select.value)].push(select.dataset.node);
      panels.act({ partition: groups.filter((g) => g.length) });
    };
    return [
      h('h2', {}, 'Quorums'),
      h('p', {}, view.quorum.description),
      h('p', { class: view.quorum.safe ? 'hint' : 'warning' }, view.quorum.verdict),
      h('h2', {}, 'Partition'),
      h('p', { class: 'hint' }, 'Put nodes in groups; messages between groups are lost until the partition heals.'),
      h('fieldset', {}, h('legend', {}, 'Groups'), selects),
      h('div', { class: 'field' },
        h('button', { type: 'button', 'data-focus-key': 'partition', onclick: partition }, 'Partition'),
        h('button', { type: 'button', 'data-focus-key': 'heal', disabled: !view.partitioned, onclick: () => panels.act({ heal: true }) }, 'Heal')),
      h('h2', {}, 'Cut links'),
      view.cuts.length ? h('ul', {}, view.cuts.map(([from, to]) => h('li', {}, `${from} → ${to} `,
        h('button', { type: 'button', 'data-focus-key': `restore-${from}-${to}`, onclick: () => panels.act({ restore: { from, to } }) }, 'Restore'))))
        : h('p', { class: 'hint' }, 'None. Select a node to cut one of its links.'),
    ];
  });
}

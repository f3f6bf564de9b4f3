// Draws the cluster: nodes on a ring, messages flying along their links, cut links, and what
// the core says was chosen. It reads only the core's view; shapes and colours stand for what the
// view says, nothing is computed about the protocol here.
import { s, replace } from './dom.js';
import { ringLayout, messageProgress, lerpPoint } from './geometry.js';

const SIZE = 600;
const CENTER = SIZE / 2;
const RING_RADIUS = 215;
const NODE_RADIUS = 30;
const MESSAGE_LABELS_MAX = 40;

export class Stage {
  constructor(svg, { onSelectNode, onSelectMessage }) {
    this.svg = svg;
    this.onSelectNode = onSelectNode;
    this.onSelectMessage = onSelectMessage;
    this.layers = {};
    for (const name of ['links', 'cuts', 'nodes', 'effects', 'messages', 'center']) {
      this.layers[name] = s('g', { class: `layer-${name}` });
      svg.append(this.layers[name]);
    }
    this.nodeElements = [];
    this.messageElements = new Map();
    this.nodeKey = '';
    this.centerKey = '';
    this.positions = [];
  }

  /** Drops the drawn messages: message numbers start again in a new run. */
  forgetMessages() {
    this.messageElements.clear();
    replace(this.layers.messages);
  }

  /** Where node `index` is drawn, in SVG coordinates. */
  position(index) {
    return this.positions[index];
  }

  render(view, time, { selectedNode, selectedMessage, losses }) {
    this.ensureNodes(view.nodes);
    view.nodes.forEach((node, i) => this.updateNode(this.nodeElements[i], node, node.name === selectedNode));
    this.renderCuts(view);
    this.renderMessages(view, time, selectedMessage);
    this.renderLosses(losses, time);
    this.renderCenter(view);
  }

  ensureNodes(nodes) {
    const key = nodes.map((n) => `${n.name}:${n.role}`).join(',');
    if (key === this.nodeKey) return;
    this.nodeKey = key;
    this.positions = ringLayout(nodes.length, CENTER, CENTER, RING_RADIUS);
    const links = [];
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = this.positions[i];
        const b = this.positions[j];
        links.push(s('line', { class: 'link', x1: a.x, y1: a.y, x2: b.x, y2: b.y }));
      }
    }
    replace(this.layers.links, links);
    this.nodeElements = nodes.map((node, i) => this.createNode(node, this.positions[i]));
    replace(this.layers.nodes, this.nodeElements);
    this.messageElements.clear();
    replace(this.layers.messages);
  }

  createNode(node, p) {
    const shape = nodeShape(node.role, p);
    const badge = s('text', { class: 'badge', x: p.x, y: p.y + NODE_RADIUS + 15 });
    const group = s('g', { class: 'group-marker', style: 'display:none' },
      s('circle', { class: 'group-ring', cx: p.x + NODE_RADIUS - 2, cy: p.y - NODE_RADIUS + 2, r: 9 }),
      s('text', { class: 'group', x: p.x + NODE_RADIUS - 2, y: p.y - NODE_RADIUS + 6 }));
    const crash = s('g', { class: 'crash-mark', style: 'display:none' },
      s('line', { x1: p.x - 14, y1: p.y - 14, x2: p.x + 14, y2: p.y + 14 }),
      s('line', { x1: p.x + 14, y1: p.y - 14, x2: p.x - 14, y2: p.y + 14 }));
    const element = s('g', {
      class: `node role-${node.role}`, tabindex: 0, role: 'button', 'data-node': node.name,
      onclick: () => this.onSelectNode(node.name),
      onkeydown: (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          event.stopPropagation();
          this.onSelectNode(node.name);
        }
      },
    }, shape, crash, s('text', { class: 'name', x: p.x, y: p.y }, node.name), badge, group);
    element.parts = { badge, group, crash, shape, key: '' };
    return element;
  }

  updateNode(element, node, selected) {
    const key = `${node.crashed}|${node.in_quorum}|${selected}|${node.badge}|${node.group}|${node.color}`;
    if (element.parts.key === key) return;
    element.parts.key = key;
    element.classList.toggle('crashed', node.crashed);
    element.classList.toggle('quorum', node.in_quorum);
    element.classList.toggle('selected', selected);
    element.dataset.crashed = String(node.crashed);
    element.setAttribute('aria-pressed', String(selected));
    element.setAttribute('aria-label', `${node.name}, ${node.role}${node.crashed ? ', crashed' : ''}${node.badge ? `: ${node.badge}` : ''}`);
    element.parts.crash.style.display = node.crashed ? '' : 'none';
    element.parts.shape.style.fill = node.color === null || node.color === undefined || node.crashed
      ? '' : `color-mix(in srgb, var(--ballot-${node.color}) 22%, white)`;
    const lines = node.badge ? node.badge.split(' · ').slice(0, 3) : [];
    const { x } = element.parts.badge.attributes;
    replace(element.parts.badge, lines.map((line, i) => s('tspan', { x: x.value, dy: i === 0 ? 0 : 13 }, line)));
    const hasGroup = node.group !== null && node.group !== undefined;
    element.parts.group.style.display = hasGroup ? '' : 'none';
    if (hasGroup) replace(element.parts.group.lastChild, String.fromCharCode(65 + node.group));
  }

  renderCuts(view) {
    const key = JSON.stringify(view.cuts);
    if (key === this.cutKey) return;
    this.cutKey = key;
    const index = new Map(view.nodes.map((n, i) => [n.name, i]));
    replace(this.layers.cuts, view.cuts.map(([from, to]) => {
      const a = this.positions[index.get(from)];
      const b = this.positions[index.get(to)];
      const mid = lerpPoint(a, b, 0.35);
      return s('g', { 'data-cut': `${from}->${to}` },
        s('line', { class: 'link cut', x1: a.x, y1: a.y, x2: b.x, y2: b.y }),
        s('text', { x: mid.x, y: mid.y, class: 'fx-lost-text', 'text-anchor': 'middle' }, '✂'));
    }));
  }

  renderMessages(view, time, selectedMessage) {
    // With many messages in flight their labels only hide each other; the tooltip and the
    // node panel still give each one's contents.
    this.layers.messages.classList.toggle('crowded', view.messages.length > MESSAGE_LABELS_MAX);
    const seen = new Set();
    for (const m of view.messages) {
      seen.add(m.id);
      let element = this.messageElements.get(m.id);
      if (!element) {
        element = this.createMessage(m);
        element.move = this.svg.createSVGTransform();
        element.transform.baseVal.appendItem(element.move);
        element.at = { x: NaN, y: NaN };
        element.selected = false;
        this.messageElements.set(m.id, element);
        this.layers.messages.append(element);
      }
      const t = messageProgress(time, m.sent, m.deliver);
      const p = lerpPoint(this.positions[m.from], this.positions[m.to], 0.12 + 0.76 * t);
      // Moving a cached SVGTransform is much cheaper than rewriting the attribute.
      if (p.x !== element.at.x || p.y !== element.at.y) {
        element.move.setTranslate(p.x, p.y);
        element.at = p;
      }
      const selected = m.id === selectedMessage;
      if (selected !== element.selected) {
        element.classList.toggle('selected', selected);
        element.selected = selected;
      }
    }
    for (const [id, element] of this.messageElements) {
      if (!seen.has(id)) {
        element.remove();
        this.messageElements.delete(id);
      }
    }
  }

  createMessage(m) {
    const fill = `var(--ballot-${m.color})`;
    let shape;
    if (m.kind === 'Promise' || m.kind === 'Accepted') shape = s('rect', { x: -7, y: -7, width: 14, height: 14, rx: 3, fill });
    else if (m.kind === 'Nack') shape = s('polygon', { points: '0,-9 9,0 0,9 -9,0', fill });
    else shape = s('circle', { r: 7.5, fill });
    const label = s('text', { x: 10, y: 4 }, m.copy_of ? `${m.short} (copy)` : m.short);
    return s('g', {
      class: `message kind-${m.kind}${m.copy_of ? ' copy' : ''}`, 'data-message': m.id,
      'aria-label': `message ${m.id}: ${m.label}`,
      onclick: (event) => this.onSelectMessage(m.id, event),
    }, s('title', {}, `message ${m.id}: ${m.label}`), shape, label,
    // A larger invisible target: messages move and are small, so they must be easy to hit.
    s('circle', { class: 'hit', r: 14, fill: 'transparent' }));
  }

  renderLosses(losses, time) {
    replace(this.layers.effects, losses.map((loss) => {
      const a = this.positions[loss.peer];
      const b = this.positions[loss.node];
      if (!a || !b) return null;
      const p = lerpPoint(a, b, 0.8);
      const opacity = Math.max(0, 1 - (time - loss.tick) / 15);
      return s('g', { opacity: opacity.toFixed(2), 'data-lost': loss.message },
        s('line', { class: 'fx-lost', x1: p.x - 7, y1: p.y - 7, x2: p.x + 7, y2: p.y + 7 }),
        s('line', { class: 'fx-lost', x1: p.x + 7, y1: p.y - 7, x2: p.x - 7, y2: p.y + 7 }),
        s('text', { class: 'fx-lost-text', x: p.x + 10, y: p.y - 8 }, 'lost'));
    }));
  }

  renderCenter(view) {
    const violated = view.violations.length > 0;
    const key = `${violated}|${view.chosen?.value}|${view.quorum.warning}`;
    if (key === this.centerKey) return;
    this.centerKey = key;
    const parts = [];
    if (violated) {
      parts.push(s('text', { class: 'center-text bad', x: CENTER, y: CENTER - 6 }, 'SAFETY VIOLATED'));
      parts.push(s('text', { class: 'center-sub', x: CENTER, y: CENTER + 14 }, view.violations[0].kind.replaceAll('_', ' ')));
    } else if (view.chosen) {
      parts.push(s('text', { class: 'center-text good', x: CENTER, y: CENTER - 6, 'data-chosen': view.chosen.value }, `Chosen: “${view.chosen.value}”`));
      parts.push(s('text', { class: 'center-sub', x: CENTER, y: CENTER + 14 }, `ballot ${view.chosen.ballot} · quorum ${view.chosen.quorum.join(', ')}`));
    } else {
      parts.push(s('text', { class: 'center-sub', x: CENTER, y: CENTER }, 'nothing chosen yet'));
    }
    if (view.quorum.warning) parts.push(s('text', { class: 'quorum-warning', x: CENTER, y: CENTER + 40 }, '⚠ quorums do not intersect'));
    replace(this.layers.center, parts);
  }
}

function nodeShape(role, p) {
  const r = NODE_RADIUS;
  switch (role) {
    case 'proposer': return s('rect', { class: 'shape', x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r });
    case 'learner': return s('polygon', { class: 'shape', points: `${p.x},${p.y - r - 6} ${p.x + r + 4},${p.y + r - 2} ${p.x - r - 4},${p.y + r - 2}` });
    case 'server': return s('rect', { class: 'shape', x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r, rx: 12 });
    default: return s('circle', { class: 'shape', cx: p.x, cy: p.y, r });
  }
}

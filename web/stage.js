// Draws the cluster: nodes on a ring, messages flying along their links, cut links, and what
// the core says was chosen. It reads only the core's view; shapes and colours stand for what the
// view says, nothing is computed about the protocol here.
import { h, s, replace } from './dom.js';
import { ringLayout, messageProgress, lerpPoint, loopPoint } from './geometry.js';

const SIZE = 600;
const CENTER = SIZE / 2;
const RING_RADIUS = 215;
const NODE_RADIUS = 30;
const MESSAGE_LABELS_MAX = 40;
/** The smallest text, in screen pixels, the drawing keeps: its text grows, up to TEXT_BOOST_MAX
 *  times, where the drawing is shown small (a blog column, a phone), and message labels that
 *  would still be smaller are left out (the tooltip and the Node panel give their contents). */
const TEXT_PX_MIN = 9;
const TEXT_BOOST_MAX = 1.8;
/** Message labels crowd each other and the centre: they grow less before they are left out. */
const LABEL_BOOST_MAX = 1.4;
/** The size of a node's badge in SVG units (style.css), the text the boost is set for. */
const BADGE_UNITS = 11.5;
/** The size of a message's label in SVG units. */
const LABEL_UNITS = 10.5;
/** Messages move and are small: a click this close to one (in SVG units) is on it. */
const HIT_RADIUS = 14;
/** Half the side of a message's sprite, in SVG units: the ring at HIT_RADIUS and its stroke. */
const SPRITE_HALF = HIT_RADIUS + 2;
/** The radius of the loop above a node along which a message it sends itself travels. */
const LOOP_RADIUS = 12;
/** Lines of a node's badge drawn under it: a server's has a line for each of its roles. */
const BADGE_LINES_MAX = 4;
/** The side of a cell of a node's row (`cells`) and the gap between two, in SVG units. */
const CELL_SIZE = 9;
const CELL_GAP = 2;

export class Stage {
  /** `palette`: the ballot colours, for the messages drawn on a canvas where CSS cannot reach. */
  constructor(svg, { onSelectNode, onSelectMessage, palette }) {
    this.svg = svg;
    this.onSelectNode = onSelectNode;
    this.onSelectMessage = onSelectMessage;
    this.palette = palette;
    this.ink = getComputedStyle(document.documentElement).getPropertyValue('--ink').trim();
    this.fontFamily = getComputedStyle(svg).fontFamily;
    this.tooltip = s('title');
    svg.append(this.tooltip);
    // Messages are painted on a canvas that sits in the SVG between the nodes and the centre
    // text, where their group layer used to be, so that they are drawn in the same order.
    this.canvas = h('canvas', { class: 'message-canvas', width: SIZE, height: SIZE });
    this.context = this.canvas.getContext('2d');
    this.layers = {};
    for (const name of ['links', 'cuts', 'nodes', 'effects', 'messages', 'center']) {
      this.layers[name] = name === 'messages'
        ? s('foreignObject', { class: 'layer-messages', x: 0, y: 0, width: SIZE, height: SIZE }, this.canvas)
        : s('g', { class: `layer-${name}` });
      svg.append(this.layers[name]);
    }
    this.nodeElements = [];
    this.drawn = [];
    this.selectedMessage = null;
    this.messageButtons = new Map();
    this.sprites = new Map();
    // Screen pixels per SVG unit, kept by a ResizeObserver so that frames never force a layout.
    this.scale = 1;
    new ResizeObserver(([entry]) => {
      this.scale = Math.min(entry.contentRect.width, entry.contentRect.height) / SIZE || 1;
      // style.css sizes the drawing's text by --text-boost.
      const boost = Math.min(TEXT_BOOST_MAX, Math.max(1, TEXT_PX_MIN / (BADGE_UNITS * this.scale)));
      svg.style.setProperty('--text-boost', boost.toFixed(3));
      this.drawMessages();
    }).observe(svg);
    // The canvas takes no pointer events: a click is on a message when one is drawn under it,
    // and otherwise goes on to the node or link beneath, as when messages were SVG elements.
    svg.addEventListener('click', (event) => {
      if (this.canvas.contains(event.target)) return;
      const m = this.messageAt(event.clientX, event.clientY);
      if (!m) return;
      event.stopPropagation();
      this.onSelectMessage(m.id, event);
    }, true);
    svg.addEventListener('pointermove', (event) => this.hover(this.messageAt(event.clientX, event.clientY)));
    svg.addEventListener('pointerleave', () => this.hover(null));
    this.nodeKey = '';
    this.centerKey = '';
    this.positions = [];
  }

  /** Drops the drawn messages: message numbers start again in a new run. */
  forgetMessages() {
    this.messageButtons.clear();
    replace(this.canvas);
    this.drawn = [];
    this.drawMessages();
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
    const key = nodes.map((n) => `${n.name}:${n.shape}`).join(',');
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
  }

  createNode(node, p) {
    const shape = nodeShape(node.shape, p);
    const badge = s('text', { class: 'badge', x: p.x, y: p.y + NODE_RADIUS + 15 });
    const group = s('g', { class: 'group-marker', style: 'display:none' },
      s('circle', { class: 'group-ring', cx: p.x + NODE_RADIUS - 2, cy: p.y - NODE_RADIUS + 2, r: 9 }),
      s('text', { class: 'group', x: p.x + NODE_RADIUS - 2, y: p.y - NODE_RADIUS + 6 }));
    const crash = s('g', { class: 'crash-mark', style: 'display:none' },
      s('line', { x1: p.x - 14, y1: p.y - 14, x2: p.x + 14, y2: p.y + 14 }),
      s('line', { x1: p.x + 14, y1: p.y - 14, x2: p.x - 14, y2: p.y + 14 }));
    const element = s('g', {
      class: `node shape-${node.shape}`, tabindex: 0, role: 'button', 'data-node': node.name,
      onclick: () => this.onSelectNode(node.name),
      onkeydown: (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          event.stopPropagation();
          this.onSelectNode(node.name);
        }
      },
    }, shape, crash, s('text', { class: 'name', x: p.x, y: p.y }, node.name), badge, group);
    const cells = s('g', { class: 'cells' });
    element.append(cells);
    element.parts = { badge, group, crash, shape, cells, center: p, key: '' };
    return element;
  }

  updateNode(element, node, selected) {
    const cells = node.cells ?? [];
    const key = `${node.crashed}|${node.in_quorum}|${selected}|${node.badge}|${node.group}|${node.color}|${cells.map((c) => c.title).join('|')}`;
    if (element.parts.key === key) return;
    element.parts.key = key;
    element.classList.toggle('crashed', node.crashed);
    element.classList.toggle('highlight', node.in_quorum);
    element.classList.toggle('selected', selected);
    element.dataset.crashed = String(node.crashed);
    element.setAttribute('aria-pressed', String(selected));
    element.setAttribute('aria-label', `${node.name}, ${node.role}${node.crashed ? ', crashed' : ''}${node.badge ? `: ${node.badge}` : ''}`);
    element.parts.crash.style.display = node.crashed ? '' : 'none';
    element.parts.shape.style.fill = node.color === null || node.color === undefined || node.crashed
      ? '' : `color-mix(in srgb, var(--hue-${node.color}) 22%, white)`;
    const lines = node.badge ? node.badge.split(' · ').slice(0, BADGE_LINES_MAX) : [];
    const { x } = element.parts.badge.attributes;
    // One line apart, at whatever size style.css gives the text (see --text-boost).
    replace(element.parts.badge, lines.map((line, i) => s('tspan', { x: x.value, dy: i === 0 ? 0 : '1.15em' }, line)));
    // The row of cells above the node, oldest on the left, each with its tooltip.
    const { center } = element.parts;
    const width = cells.length * (CELL_SIZE + CELL_GAP) - CELL_GAP;
    replace(element.parts.cells, cells.map((cell, i) => s('rect', {
      class: `cell cell-${cell.state}`,
      x: center.x - width / 2 + i * (CELL_SIZE + CELL_GAP),
      y: center.y - NODE_RADIUS - CELL_SIZE - 5,
      width: CELL_SIZE,
      height: CELL_SIZE,
    }, s('title', {}, cell.title))));
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
      // A cut is one way: an arrowhead past the scissors points the way messages no longer go.
      const tip = lerpPoint(a, b, 0.62);
      const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const [dx, dy] = [(b.x - a.x) / length, (b.y - a.y) / length];
      const base = { x: tip.x - 9 * dx, y: tip.y - 9 * dy };
      const arrow = [tip, { x: base.x - 5 * dy, y: base.y + 5 * dx }, { x: base.x + 5 * dy, y: base.y - 5 * dx }]
        .map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
      return s('g', { 'data-cut': `${from}->${to}` },
        s('title', {}, `the link from ${from} to ${to} is cut: its messages are lost`),
        s('line', { class: 'link cut', x1: a.x, y1: a.y, x2: b.x, y2: b.y }),
        s('polygon', { class: 'cut-arrow', points: arrow }),
        s('text', { x: mid.x, y: mid.y, class: 'fx-lost-text', 'text-anchor': 'middle' }, '✂'));
    }));
  }

  renderMessages(view, time, selectedMessage) {
    this.syncMessageButtons(view.messages);
    this.drawn = view.messages.map((m) => {
      const t = messageProgress(time, m.sent, m.deliver);
      // A message to itself would sit on the node's centre, over the node and its clicks: it
      // goes round a loop above the node instead.
      if (m.from === m.to) return { m, loop: this.positions[m.from], ...loopPoint(this.positions[m.from], NODE_RADIUS, LOOP_RADIUS, t) };
      return { m, ...lerpPoint(this.positions[m.from], this.positions[m.to], 0.12 + 0.76 * t) };
    });
    this.selectedMessage = selectedMessage;
    this.drawMessages();
  }

  /** Paints the messages of the last render on the canvas: one bitmap instead of an SVG group
   *  per message, so that a frame with hundreds in flight costs no style, layout or paint work. */
  drawMessages() {
    const canvas = this.canvas;
    const pixels = Math.max(1, Math.round(SIZE * this.scale * (window.devicePixelRatio || 1)));
    if (canvas.width !== pixels) {
      canvas.width = pixels;
      canvas.height = pixels;
      this.sprites.clear();
    }
    const k = pixels / SIZE;
    const g = this.context;
    g.clearRect(0, 0, pixels, pixels);
    // With many messages in flight their labels only hide each other; the tooltip and the
    // node panel still give each one's contents.
    // Too small to read even when enlarged, they are left out too.
    const labelPx = Math.max(TEXT_PX_MIN, LABEL_UNITS * this.scale);
    const labelled = this.drawn.length <= MESSAGE_LABELS_MAX && labelPx <= LABEL_BOOST_MAX * LABEL_UNITS * this.scale;
    canvas.dataset.labels = labelled ? labelPx.toFixed(1) : 'none';
    g.font = `${labelPx * (k / this.scale)}px ${this.fontFamily}`;
    g.lineJoin = 'miter';
    g.miterLimit = 4;
    g.lineWidth = 3 * k;
    g.strokeStyle = '#fff';
    g.fillStyle = this.ink;
    const offset = SPRITE_HALF * k;
    // The loops first, under every message, each drawn once however many messages are on it.
    const loops = new Set(this.drawn.map((d) => d.loop).filter(Boolean));
    if (loops.size) {
      g.save();
      g.globalAlpha = 0.35;
      g.lineWidth = 1.5 * k;
      g.strokeStyle = this.ink;
      for (const p of loops) {
        g.beginPath();
        g.arc(p.x * k, (p.y - NODE_RADIUS - LOOP_RADIUS) * k, LOOP_RADIUS * k, 0, 2 * Math.PI);
        g.stroke();
      }
      g.restore();
    }
    for (const { m, x, y } of this.drawn) {
      const copy = m.copy_of !== null && m.copy_of !== undefined;
      // Whole pixels: the sprite is copied as it is, neither blurred nor resampled.
      g.drawImage(this.sprite(m, copy, m.id === this.selectedMessage, k), Math.round(x * k - offset), Math.round(y * k - offset));
      if (labelled) {
        const label = copy ? `${m.short} (copy)` : m.short;
        g.strokeText(label, (x + 10) * k, (y + 4) * k);
        g.fillText(label, (x + 10) * k, (y + 4) * k);
      }
    }
  }

  /** A message's look (shape by kind, colour by ballot, copy, selected) drawn once at `k` pixels
   *  per SVG unit: copying a small bitmap costs the main thread far less than filling and
   *  stroking a path for each of hundreds of messages every frame. */
  sprite(m, copy, selected, k) {
    const key = `${m.glyph}|${m.color}|${copy}|${selected}`;
    let sprite = this.sprites.get(key);
    if (sprite) return sprite;
    const side = Math.ceil(2 * SPRITE_HALF * k);
    const canvas = new OffscreenCanvas(side, side);
    const g = canvas.getContext('2d');
    g.setTransform(k, 0, 0, k, SPRITE_HALF * k, SPRITE_HALF * k);
    g.fillStyle = this.palette[m.color];
    g.beginPath();
    const round = messagePath(g, m.glyph);
    g.fill();
    // Round shapes have an outline: white to stand out from the links, dashed for a copy.
    if (round) outline(g, selected || copy ? this.ink : '#fff', selected ? 3 : 1.5, copy);
    // The ring around a copy or the selected message, the size of the area that takes a click.
    if (selected || copy) {
      g.beginPath();
      g.arc(0, 0, HIT_RADIUS, 0, 2 * Math.PI);
      outline(g, this.ink, selected ? 3 : 1, copy);
    }
    // An ImageBitmap, not the canvas itself: a canvas is snapshotted again at every copy.
    sprite = canvas.transferToImageBitmap();
    this.sprites.set(key, sprite);
    return sprite;
  }

  /** Keeps one button per message in the canvas's fallback content: not drawn, but there for
   *  screen readers (and the page's tests) to find and open each message's menu. */
  syncMessageButtons(messages) {
    const seen = new Set();
    for (const m of messages) {
      seen.add(m.id);
      if (this.messageButtons.has(m.id)) continue;
      const button = h('button', {
        type: 'button', tabindex: -1, 'data-message': m.id,
        onclick: () => this.onSelectMessage(m.id, this.clientPoint(m.id)),
      }, `message ${m.id}: ${m.label}`);
      this.messageButtons.set(m.id, button);
      this.canvas.append(button);
    }
    for (const [id, button] of this.messageButtons) {
      if (!seen.has(id)) {
        button.remove();
        this.messageButtons.delete(id);
      }
    }
  }

  /** The drawn message under a point on the screen, the topmost one (drawn last) first. */
  messageAt(clientX, clientY) {
    const matrix = this.svg.getScreenCTM();
    if (!matrix) return null;
    const p = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
    for (let k = this.drawn.length - 1; k >= 0; k--) {
      const { m, x, y } = this.drawn[k];
      if ((x - p.x) ** 2 + (y - p.y) ** 2 <= HIT_RADIUS ** 2) return m;
    }
    return null;
  }

  /** Where message `id` is drawn, in client coordinates, so that its menu opens next to it. */
  clientPoint(id) {
    const drawn = this.drawn.find((d) => d.m.id === id);
    const matrix = this.svg.getScreenCTM();
    if (!drawn || !matrix) return { clientX: 0, clientY: 0 };
    const p = new DOMPoint(drawn.x, drawn.y).matrixTransform(matrix);
    return { clientX: p.x, clientY: p.y };
  }

  /** Pointer over a message: the hand cursor and the message's contents as a tooltip. */
  hover(m) {
    const text = m ? `message ${m.id}: ${m.label}` : '';
    if (text === this.tooltip.textContent) return;
    this.tooltip.textContent = text;
    this.svg.style.cursor = m ? 'pointer' : '';
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
    const summary = view.summary;
    const key = JSON.stringify(summary);
    if (key === this.centerKey) return;
    this.centerKey = key;
    const parts = [];
    if (summary.detail === undefined) {
      parts.push(s('text', { class: 'center-sub', x: CENTER, y: CENTER, 'data-headline': '' }, summary.headline));
    } else {
      parts.push(s('text', { class: `center-text ${summary.tone}`, x: CENTER, y: CENTER - 6, 'data-chosen': summary.decided, 'data-headline': '' }, summary.headline));
      parts.push(s('text', { class: 'center-sub', x: CENTER, y: CENTER + 14 }, summary.detail));
    }
    if (summary.warning) parts.push(s('text', { class: 'quorum-warning', x: CENTER, y: CENTER + 40 }, summary.warning));
    replace(this.layers.center, parts);
  }
}

/** Adds a message's glyph, centred on the origin, to the path: the core says which (`square`,
 *  drawn with rounded corners, `diamond` or `circle`). Says whether it drew the circle. */
function messagePath(g, glyph) {
  if (glyph === 'square') {
    g.roundRect(-7, -7, 14, 14, 3);
    return false;
  }
  if (glyph === 'diamond') {
    g.moveTo(0, -9);
    g.lineTo(9, 0);
    g.lineTo(0, 9);
    g.lineTo(-9, 0);
    g.closePath();
    return false;
  }
  g.arc(0, 0, 7.5, 0, 2 * Math.PI);
  return true;
}

/** Strokes the current path, dashed like the SVG's `stroke-dasharray: 2 2` for a copy. */
function outline(g, colour, width, dashed) {
  g.strokeStyle = colour;
  g.lineWidth = width;
  g.setLineDash(dashed ? [2, 2] : []);
  g.stroke();
  g.setLineDash([]);
}

/** A node's shape at `p`, by the token the core gives (see the legend). */
function nodeShape(shape, p) {
  const r = NODE_RADIUS;
  switch (shape) {
    case 'square': return s('rect', { class: 'shape', x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r });
    case 'triangle': return s('polygon', { class: 'shape', points: `${p.x},${p.y - r - 6} ${p.x + r + 4},${p.y + r - 2} ${p.x - r - 4},${p.y + r - 2}` });
    case 'rounded': return s('rect', { class: 'shape', x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r, rx: 12 });
    default: return s('circle', { class: 'shape', cx: p.x, cy: p.y, r });
  }
}

/** The legend's small version of each shape. */
export function legendShape(shape) {
  switch (shape) {
    case 'square': return s('rect', { x: 2, y: 2, width: 10, height: 10, class: 'legend-shape' });
    case 'triangle': return s('polygon', { points: '7,1 13,13 1,13', class: 'legend-shape' });
    case 'rounded': return s('rect', { x: 1, y: 1, width: 12, height: 12, rx: 4, class: 'legend-shape' });
    // A node drawn with the highlight ring the core asks for (`in_quorum`).
    case 'ringed': return s('circle', { cx: 7, cy: 7, r: 5, class: 'legend-shape ringed' });
    // A cell of a node's row, in one of its states (`cell-empty`, `cell-applied`, …).
    case 'cell-empty': case 'cell-accepted': case 'cell-chosen': case 'cell-applied':
      return s('rect', { x: 2.5, y: 2.5, width: 9, height: 9, class: `cell ${shape}` });
    // A message's glyph, as `messagePath` draws it, in the first ballot's colour.
    case 'msg-circle': return s('circle', { cx: 7, cy: 7, r: 5, class: 'legend-msg' });
    case 'msg-square': return s('rect', { x: 2, y: 2, width: 10, height: 10, rx: 2, class: 'legend-msg' });
    case 'msg-diamond': return s('polygon', { points: '7,1 13,7 7,13 1,7', class: 'legend-msg' });
    // The palette's first three colours, side by side: what the core says colours stand for.
    case 'hues': return [0, 1, 2].map((i) => s('rect', { x: 1 + 4 * i, y: 2, width: 4, height: 10, class: `legend-hue-${i}` }));
    default: return s('circle', { cx: 7, cy: 7, r: 5, class: 'legend-shape' });
  }
}

// A small SVG line chart for the Quorums tab: lines, a shaded band, a horizontal reference
// line, axes with a few ticks, and the same figures as a table behind a toggle, for screen
// readers and for reading exact values. Drawing only: every number comes from the core.
import { h, s } from './dom.js';

const WIDTH = 320;
const HEIGHT = 180;
const MARGIN = { left: 38, right: 10, top: 10, bottom: 30 };

/** A number as a tick or table label: at most three decimals, no trailing zeros. */
export function label(x) {
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(3)));
}

/** `count + 1` evenly spaced ticks from `min` to `max`. */
export function ticks(min, max, count) {
  return Array.from({ length: count + 1 }, (_, i) => min + ((max - min) * i) / count);
}

/**
 * A chart as a <figure>: `series` are { name, points: [[x, y]], band: [[x, low, high]], style },
 * `style` one of 0–2 (colour and dash, so that lines differ without colour too); `references`
 * are { name, y, style } drawn as dotted horizontal lines. The table lists every series at the
 * x values of the first.
 */
export function lineChart({ id, title, x, y, series, references = [] }) {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (v) => MARGIN.left + ((v - x.min) / (x.max - x.min || 1)) * plotW;
  const py = (v) => MARGIN.top + plotH - ((v - y.min) / (y.max - y.min || 1)) * plotH;
  const path = (points) => points.map(([a, b], i) => `${i ? 'L' : 'M'}${px(a).toFixed(1)},${py(b).toFixed(1)}`).join('');
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': `${title}. ${summary(series, references)}` },
    ticks(y.min, y.max, 4).map((v) => s('g', { class: 'grid' },
      s('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: py(v), y2: py(v) }),
      s('text', { x: MARGIN.left - 4, y: py(v) + 3, 'text-anchor': 'end' }, label(v)))),
    ticks(x.min, x.max, 4).map((v) => s('text', { class: 'axis', x: px(v), y: HEIGHT - MARGIN.bottom + 12, 'text-anchor': 'middle' }, label(v))),
    s('text', { class: 'axis', x: MARGIN.left + plotW / 2, y: HEIGHT - 4, 'text-anchor': 'middle' }, x.label),
    series.filter((line) => line.band).map((line) => s('path', {
      class: `band style-${line.style}`,
      d: `${path(line.band.map(([a, , high]) => [a, high]))}${path(line.band.map(([a, low]) => [a, low]).reverse()).replace('M', 'L')}Z`,
    })),
    references.map((r) => s('line', { class: `reference style-${r.style}`, x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: py(r.y), y2: py(r.y) })),
    series.map((line) => s('path', { class: `line style-${line.style}`, d: path(line.points) })));
  const legend = h('ul', { class: 'chart-legend' },
    series.map((line) => h('li', { class: `style-${line.style}` }, line.name)),
    references.map((r) => h('li', { class: `reference style-${r.style}` }, `${r.name}: ${label(r.y)}`)));
  const table = h('table', { class: 'chart-table', hidden: true },
    h('caption', {}, title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, x.label), series.map((line) => h('th', { scope: 'col' }, line.name)))),
    h('tbody', {}, series[0].points.map(([a], i) => h('tr', {},
      h('th', { scope: 'row' }, label(a)),
      series.map((line) => h('td', {}, cell(line, i)))))));
  const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'data-chart-toggle': id, onclick: () => {
    table.hidden = !table.hidden;
    toggle.setAttribute('aria-expanded', String(!table.hidden));
    toggle.textContent = table.hidden ? 'Show as a table' : 'Hide the table';
  } }, 'Show as a table');
  return h('figure', { class: 'chart-figure', id },
    h('figcaption', {}, title, ' ', h('span', { class: 'hint' }, `(${y.label})`)), svg, legend, toggle, table);
}

function cell(line, i) {
  const point = line.points[i];
  if (!point) return '';
  const band = line.band?.[i];
  return band ? `${label(point[1])} (${label(band[1])}–${label(band[2])})` : label(point[1]);
}

/** What the chart shows in one sentence, for its accessible name. */
function summary(series, references) {
  const ends = series.map((line) => {
    const first = line.points[0];
    const last = line.points.at(-1);
    return first && last ? `${line.name} goes from ${label(first[1])} to ${label(last[1])}` : `${line.name} is empty`;
  });
  for (const r of references) ends.push(`${r.name} is ${label(r.y)}`);
  return `${ends.join('; ')}. The table toggle below lists every point.`;
}

// A tiny element builder. Text always goes in as text nodes, never as markup, so scenario text
// (node names, values, explanations) can never inject HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an HTML element: h('button', { class: 'x', onclick }, 'text', child, …). */
export function h(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** Creates an SVG element, like `h`. */
export function s(tag, attributes = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attributes, children);
}

function build(element, attributes, children) {
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replaces an element's children. */
export function replace(element, ...children) {
  element.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** Scrolls `element` into view if any of it is off screen, moving the page no more than needed
 *  (at once for people who ask for less motion). */
export function reveal(element) {
  const box = element.getBoundingClientRect();
  if (box.top >= -1 && box.bottom <= innerHeight + 1) return;
  element.scrollIntoView({ block: 'nearest', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
}

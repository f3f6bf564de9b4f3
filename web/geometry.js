// Pure drawing arithmetic: where nodes sit on the ring and where a message is at a given time.
// No protocol knowledge here: only positions and fractions.

/** Positions of `count` nodes evenly on a circle of `radius` around (cx, cy), first at the top. */
export function ringLayout(count, cx, cy, radius) {
  return Array.from({ length: count }, (_, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(count, 1);
    return { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) };
  });
}

/**
 * How far along its link a message is at time `now`: a pure function of simulated time, as in
 * RaftScope, so scrubbing and replay draw exactly the same frame. Clamped to [0, 1].
 */
export function messageProgress(now, sentTick, deliverTick) {
  if (deliverTick <= sentTick) return 1;
  return Math.min(1, Math.max(0, (now - sentTick) / (deliverTick - sentTick)));
}

/** The point a fraction `t` of the way from `a` to `b`. */
export function lerpPoint(a, b, t) {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}

/**
 * Where a message a node sends itself is, a fraction `t` of its flight: on the upper two thirds
 * of a loop of radius `loop` that stands on top of the node (`p`, of radius `node`), going left
 * to right. The arc's ends stay a loop's height above the node, so that a message there never
 * covers the node and a click on the node reaches it.
 */
export function loopPoint(p, node, loop, t) {
  const angle = Math.PI * (-5 / 6 + (2 / 3) * t);
  return { x: p.x + loop * Math.cos(angle), y: p.y - node - loop + loop * Math.sin(angle) };
}

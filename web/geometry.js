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

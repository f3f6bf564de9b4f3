// Playback speed and the timeline's markers. Speed is on a log scale, as in RaftScope: the
// slider's 0–100 maps to 1–1000 ticks per second.

export const SPEED_MIN = 1;
export const SPEED_MAX = 1000;

/** Ticks per second for a slider position in [0, 100]. */
export function speedFromSlider(position) {
  const t = Math.min(100, Math.max(0, Number(position))) / 100;
  return Math.round(SPEED_MIN * Math.pow(SPEED_MAX / SPEED_MIN, t) * 10) / 10;
}

/** The slider position that gives `speed` ticks per second. */
export function sliderFromSpeed(speed) {
  const clamped = Math.min(SPEED_MAX, Math.max(SPEED_MIN, speed));
  return Math.round((100 * Math.log(clamped / SPEED_MIN)) / Math.log(SPEED_MAX / SPEED_MIN));
}

/** Keeps markers that would overlap at this width from all being drawn: in each of the core's
 *  lanes, one per bucket of 8 pixels, the one the core ranks most important. */
export function thinMarkers(markers, untilTicks, widthPixels) {
  const buckets = new Map();
  const bucketTicks = Math.max(1, (untilTicks / Math.max(widthPixels, 1)) * 8);
  for (const marker of markers) {
    const key = `${marker.lane}:${Math.floor(marker.tick / bucketTicks)}`;
    const current = buckets.get(key);
    if (!current || marker.rank < current.rank) buckets.set(key, marker);
  }
  return [...buckets.values()].sort((a, b) => a.tick - b.tick);
}

// The space-time (Lamport) diagram: one lane per node, time running left to right, an arrow per
// message from its send to its delivery (or a red cross where it was lost). It shows a window of
// ticks ending just after the time cursor, drawn from the log entries the core produced.

const LANE_LEFT = 34;
const WINDOW_TICKS = 300;

export class Lamport {
  constructor(canvas, { onSeek }) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d');
    this.onSeek = onSeek;
    this.windowStart = 0;
    // Reading the canvas's size every frame would force a layout; a ResizeObserver tells us.
    this.size = { width: canvas.clientWidth, height: canvas.clientHeight };
    new ResizeObserver(([entry]) => {
      this.size = { width: entry.contentRect.width, height: entry.contentRect.height };
    }).observe(canvas);
    canvas.addEventListener('click', (event) => {
      const rect = canvas.getBoundingClientRect();
      const x = event.clientX - rect.left;
      if (x < LANE_LEFT) return;
      this.onSeek(Math.round(this.windowStart + ((x - LANE_LEFT) / (rect.width - LANE_LEFT)) * WINDOW_TICKS));
    });
  }

  /** `entries`: log entries so far; `ends`: message id → the entry that delivered or lost it. */
  render(view, time, entries, ends, palette) {
    const inflight = new Map(view.messages.map((m) => [m.id, m]));
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.size;
    // Hidden (an embed without the diagram, or a collapsed layout): nothing to draw.
    if (width < 1 || height < 1) return;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const g = this.context;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const count = view.nodes.length;
    const laneHeight = (height - 10) / Math.max(count, 1);
    const laneY = (i) => 6 + laneHeight * (i + 0.5);
    const start = Math.max(0, time - WINDOW_TICKS + 30);
    this.windowStart = start;
    const x = (tick) => LANE_LEFT + ((tick - start) / WINDOW_TICKS) * (width - LANE_LEFT);

    g.drawImage(this.lanes(view, width, height, ratio, laneY), 0, 0, width, height);

    // A copy travels the same link as the message it copies: find that message's send.
    const sends = new Map();
    // Entries are in time order; skip quickly to the window.
    let first = lowerBound(entries, start - 200);
    for (let k = first; k < entries.length; k++) {
      let e = entries[k];
      if (e.tick > time) break;
      if (e.kind === 'send') sends.set(e.message, e);
      if (e.kind === 'duplicate') {
        const original = sends.get(e.copy_of);
        if (!original) continue;
        e = { ...original, tick: e.tick, message: e.message };
      }
      if (e.kind === 'send') {
        const end = ends.get(e.message);
        const endTick = end && end.tick <= time ? end.tick : time;
        if (endTick < start) continue;
        const lost = end && end.tick <= time && end.kind === 'drop';
        // In flight: drawn fainter rather than dashed, since dashes are slow to draw by software.
        g.strokeStyle = lost ? '#b00020' : palette[e.color ?? 0];
        g.globalAlpha = end && end.tick <= time ? 1 : 0.45;
        g.lineWidth = 1.3;
        const x1 = x(e.tick);
        const y1 = laneY(e.node);
        let x2 = x(endTick);
        let y2 = laneY(e.peer);
        if (!(end && end.tick <= time)) {
          // Still in flight: draw the part travelled so far.
          const m = inflight.get(e.message);
          const total = m ? Math.max(1, m.deliver - m.sent) : 1;
          y2 = y1 + (y2 - y1) * Math.min(1, (time - e.tick) / total);
        }
        g.beginPath();
        g.moveTo(x1, y1);
        g.lineTo(x2, y2);
        g.stroke();
        if (lost) cross(g, x2, y2);
      } else if (e.kind === 'crash' || e.kind === 'chosen' || e.kind === 'learn' || e.kind === 'violation') {
        if (e.tick < start) continue;
        const px = x(e.tick);
        g.globalAlpha = 1;
        if (e.kind === 'violation') {
          g.fillStyle = 'rgba(176,0,32,.25)';
          g.fillRect(px - 2, 0, 4, height);
        } else if (e.kind === 'chosen') {
          g.strokeStyle = '#00734d';
          g.lineWidth = 2;
          g.beginPath();
          g.moveTo(px, 0);
          g.lineTo(px, height);
          g.stroke();
        } else if (e.node !== null && e.node !== undefined) {
          g.fillStyle = e.kind === 'crash' ? '#5f6368' : '#009e73';
          g.fillRect(px - 4, laneY(e.node) - 4, 8, 8);
        }
      }
    }
    g.globalAlpha = 1;
    g.strokeStyle = '#1a5fd0';
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(x(time), 0);
    g.lineTo(x(time), height);
    g.stroke();
  }

  /** The lanes and node names, drawn once per change of nodes or size: text is slow to draw. */
  lanes(view, width, height, ratio, laneY) {
    const key = `${width}|${height}|${ratio}|${view.nodes.map((n) => `${n.name}${n.crashed}`).join()}`;
    if (this.lanesKey === key) return this.lanesCanvas;
    this.lanesKey = key;
    const canvas = this.lanesCanvas ?? (this.lanesCanvas = document.createElement('canvas'));
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    view.nodes.forEach((node, i) => {
      g.fillStyle = node.crashed ? '#9aa0a6' : '#1d1d1f';
      g.fillText(node.name, 4, laneY(i));
      g.strokeStyle = '#e3e6ea';
      g.beginPath();
      g.moveTo(LANE_LEFT, laneY(i));
      g.lineTo(width, laneY(i));
      g.stroke();
    });
    return canvas;
  }
}

function cross(g, x, y) {
  g.beginPath();
  g.moveTo(x - 4, y - 4);
  g.lineTo(x + 4, y + 4);
  g.moveTo(x + 4, y - 4);
  g.lineTo(x - 4, y + 4);
  g.stroke();
}

/** The first index whose entry's tick is at least `tick` (entries are sorted by tick). */
export function lowerBound(entries, tick) {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid].tick < tick) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

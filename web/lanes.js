// The clients' history under the space-time diagram: one lane per client, each operation a bar
// from its call to its return with its words, open-ended while it runs or when its outcome is
// unknown. Once the history breaks linearizability the operation that cannot be placed is red
// and those it conflicts with amber, as the core marks them. It shares the diagram's window of
// ticks, and asks the core only for the operations inside it (`historyLanes`), and only when
// what it would draw changed, so that a long workload costs a frame no more than a lesson.

const LANE_LEFT = 34;
const LANE_HEIGHT = 20;
const COLORS = {
  failing: { fill: 'rgba(176,0,32,.16)', line: '#b00020' },
  conflict: { fill: 'rgba(224,138,0,.18)', line: '#a65f00' },
  running: { fill: 'rgba(26,95,208,.07)', line: '#6b8fd6' },
  done: { fill: 'rgba(26,95,208,.12)', line: '#1a5fd0' },
};

export class HistoryLanes {
  constructor(canvas, { onSeek }) {
    this.canvas = canvas;
    this.key = null;
    this.size = { width: canvas.clientWidth, height: canvas.clientHeight };
    new ResizeObserver(([entry]) => {
      this.size = { width: entry.contentRect.width, height: entry.contentRect.height };
    }).observe(canvas);
    canvas.addEventListener('click', (event) => {
      if (!this.window) return;
      const rect = canvas.getBoundingClientRect();
      const x = event.clientX - rect.left;
      if (x < LANE_LEFT) return;
      onSeek(Math.round(this.window.start + ((x - LANE_LEFT) / (rect.width - LANE_LEFT)) * this.window.ticks));
    });
  }

  /** Draws the history at `time` in the window `start`, `ticks` wide; hides the lanes for a
   *  protocol without clients. */
  render(pg, view, time, start, ticks) {
    const { width, height } = this.size;
    const key = `${view.events}|${time}|${start}|${ticks}|${width}|${height}`;
    if (key === this.key) return;
    this.key = key;
    const lanes = pg.historyLanes(Math.floor(start), Math.ceil(start + ticks));
    this.canvas.hidden = !lanes;
    if (!lanes) return;
    const wanted = `${4 + LANE_HEIGHT * lanes.clients.length}px`;
    if (this.canvas.style.height !== wanted) {
      // The ResizeObserver reports the new height, and the next frame draws at it.
      this.canvas.style.height = wanted;
      this.key = null;
    }
    this.window = { start, ticks };
    const failing = lanes.ops.find((op) => op.mark === 'failing');
    this.canvas.setAttribute('aria-label', `Client history: ${lanes.total} operation${lanes.total === 1 ? '' : 's'}, ${lanes.returned} returned` +
      (failing ? `; ${lanes.clients[failing.lane]}'s ${failing.call} cannot be placed in any order` : ''));
    this.draw(lanes, time, start, ticks, width, height);
  }

  draw(lanes, time, start, ticks, width, height) {
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    if (width <= LANE_LEFT || height < 1) return;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const perTick = (width - LANE_LEFT) / ticks;
    const x = (tick) => LANE_LEFT + (tick - start) * perTick;
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    lanes.clients.forEach((name, i) => {
      g.fillStyle = '#1d1d1f';
      g.fillText(name, 4, 2 + LANE_HEIGHT * (i + 0.5));
    });
    for (const op of lanes.ops) {
      const top = 2 + LANE_HEIGHT * op.lane + 3;
      const from = Math.max(LANE_LEFT, x(op.call_tick));
      const open = op.return_tick === undefined;
      const to = Math.min(width, open ? x(time) : Math.max(x(op.return_tick), x(op.call_tick) + 2));
      if (to <= from) continue;
      const color = COLORS[op.mark ?? (open ? 'running' : 'done')];
      g.fillStyle = color.fill;
      g.fillRect(from, top, to - from, LANE_HEIGHT - 6);
      g.strokeStyle = color.line;
      g.lineWidth = op.mark ? 2 : 1;
      g.beginPath();
      // An open bar has no right edge: its operation has not returned, and may never.
      g.moveTo(to, top);
      g.lineTo(from, top);
      g.lineTo(from, top + LANE_HEIGHT - 6);
      g.lineTo(to, top + LANE_HEIGHT - 6);
      if (!open) g.closePath();
      g.stroke();
      const label = open ? `${op.call} …` : `${op.call} → ${op.output}`;
      const room = to - from - 6;
      if (room > 12) {
        g.save();
        g.beginPath();
        g.rect(from, top, to - from, LANE_HEIGHT - 6);
        g.clip();
        g.fillStyle = op.mark === 'failing' ? '#b00020' : '#1d1d1f';
        g.fillText(label, from + 3, top + (LANE_HEIGHT - 6) / 2);
        g.restore();
      }
    }
    const cursor = x(time);
    if (cursor >= LANE_LEFT && cursor <= width) {
      g.strokeStyle = '#1a5fd0';
      g.lineWidth = 2;
      g.beginPath();
      g.moveTo(cursor, 0);
      g.lineTo(cursor, height);
      g.stroke();
    }
  }
}

// The space-time (Lamport) diagram: one lane per node, time running left to right, an arrow per
// message from its send to its delivery (or a red cross where it was lost). It shows a window of
// ticks, drawn from the log entries the core produced: at first 300 ticks ending just after the
// time cursor, following it; the person can zoom, fit the run so far, or stop following.
//
// Redrawing hundreds of arrows every animation frame was the page's largest per-frame cost, so
// what is drawn once stays drawn: three cached layers, wider than the window, hold the arrows and
// marks in tick coordinates, and a frame only copies them at the window's scroll offset and draws
// the cursor. The `delivered` layer gets each delivered arrow once, when its log entry arrives.
// The `flight` layer holds every message in flight as its whole planned arrow, fainter; a frame
// shows it only up to the cursor, which is exactly the part travelled so far, since a message
// moves at a steady pace from its send to its planned delivery. Arrows stay on it once delivered,
// under their own solid copy. The `marks` layer, on top, gets lost arrows with their crosses and
// the events (crashes, learning, the choice, violations), which the log lists after the messages
// that cross them, so they were drawn over those before the layers too.

const LANE_LEFT = 34;
/** The window's widths, in ticks, that zooming steps through; it starts at 300. The cached layers
 *  reach one window past it, so that playing scrolls through them for that long before they are
 *  drawn afresh, and a fresh drawing looks two windows back for the sends of the arrows whose
 *  deliveries it shows. */
const ZOOM_TICKS = [20, 50, 100, 300, 1000, 3000, 10000, 30000, 100000];
const WINDOW_TICKS = 300;
/** The layers also start a little before the window, since pausing moves the cursor back to its
 *  whole tick. */
const LEFT_TICKS = 2;
const MARKS = new Set(['crash', 'chosen', 'learn', 'violation']);

export class Lamport {
  constructor(canvas, { onSeek }) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d');
    this.onSeek = onSeek;
    this.windowStart = 0;
    this.windowTicks = WINDOW_TICKS;
    /** Whether the window follows the cursor; when not, it starts at `fixedStart`. */
    this.follow = true;
    this.fixedStart = 0;
    this.delivered = document.createElement('canvas');
    this.flight = document.createElement('canvas');
    this.marks = document.createElement('canvas');
    /** What the layers were drawn for; null until the first drawing. */
    this.layers = null;
    // Reading the canvas's size every frame would force a layout; a ResizeObserver tells us.
    this.size = { width: canvas.clientWidth, height: canvas.clientHeight };
    new ResizeObserver(([entry]) => {
      this.size = { width: entry.contentRect.width, height: entry.contentRect.height };
    }).observe(canvas);
    canvas.addEventListener('click', (event) => {
      const rect = canvas.getBoundingClientRect();
      const x = event.clientX - rect.left;
      if (x < LANE_LEFT) return;
      this.onSeek(Math.round(this.windowStart + ((x - LANE_LEFT) / (rect.width - LANE_LEFT)) * this.windowTicks));
    });
  }

  /** Zooms in (`steps` < 0) or out, keeping the window's centre when it does not follow. */
  zoom(steps) {
    const at = ZOOM_TICKS.findIndex((ticks) => ticks >= this.windowTicks);
    const index = Math.max(0, Math.min(ZOOM_TICKS.length - 1, (at < 0 ? ZOOM_TICKS.length : at) + steps));
    const ticks = ZOOM_TICKS[index];
    if (!this.follow) this.fixedStart = Math.max(0, this.fixedStart + (this.windowTicks - ticks) / 2);
    this.windowTicks = ticks;
  }

  /** Shows ticks 0 to `end` and stops following the cursor. */
  fit(end) {
    this.windowTicks = Math.max(ZOOM_TICKS[0], Math.ceil(end * 1.05));
    this.fixedStart = 0;
    this.follow = false;
  }

  /** The earliest tick whose log entries a drawing at `time` needs: the window's, and two
   *  windows before it for the sends of the arrows it shows. */
  firstTickNeeded(time) {
    return Math.max(0, Math.floor(this.startAt(time) - 2 * this.windowTicks - LEFT_TICKS));
  }

  /** The window's first tick with the cursor at `time`: following, the window ends a tenth of
   *  its width after the cursor; otherwise it stays where it was left. */
  startAt(time) {
    return this.follow ? Math.max(0, time - this.windowTicks * 0.9) : this.fixedStart;
  }

  /** Follows the cursor again, or keeps the window where it is now. */
  setFollow(follow) {
    this.follow = follow;
    this.fixedStart = this.windowStart;
  }

  /** `entries`: the log entries so far, in order (the page keeps a window of the latest). */
  render(view, time, entries, palette) {
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.size;
    // Hidden (an embed without the diagram, or a collapsed layout), or too narrow to show a tick.
    if (width <= LANE_LEFT || height < 1) return;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const count = view.nodes.length;
    const laneHeight = (height - 10) / Math.max(count, 1);
    const laneY = (i) => 6 + laneHeight * (i + 0.5);
    const windowTicks = this.windowTicks;
    const perTick = (width - LANE_LEFT) / windowTicks;
    const wanted = this.startAt(time);

    const key = `${canvas.width}|${canvas.height}|${ratio}|${count}|${windowTicks}`;
    let layers = this.layers;
    if (layers?.key !== key || layers.palette !== palette || !this.appended(entries)) layers = null;
    // The layers are copied at a whole number of device pixels, so that they stay sharp and the
    // copy needs no resampling; the window's first tick is rounded to match.
    const left = Math.round(ratio * LANE_LEFT);
    const offset = (origin) => Math.round(ratio * (LANE_LEFT - perTick * (wanted - origin)));
    if (layers && (offset(layers.origin) > left || canvas.width - offset(layers.origin) > this.delivered.width)) layers = null;
    if (!layers) {
      // Starting the layers a whole number of device pixels before the window puts the window's
      // first tick exactly where it was asked for until the window scrolls.
      const origin = wanted - (ratio * LANE_LEFT - offset(wanted - LEFT_TICKS)) / (ratio * perTick);
      layers = this.restart({ key, palette, origin, perTick, windowTicks, ratio, height, laneY }, entries);
    }
    this.append(entries, layers.drawn);
    this.syncFlight(view);
    const shift = offset(layers.origin);
    const start = layers.origin + (LANE_LEFT - shift / ratio) / perTick;
    this.windowStart = start;
    const cursor = LANE_LEFT + (time - start) * perTick;

    const g = this.context;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.drawImage(this.lanes(view, width, height, ratio, laneY), 0, 0);
    const copy = (layer, right) => {
      if (right > left) g.drawImage(layer, left - shift, 0, right - left, canvas.height, left, 0, right - left, canvas.height);
    };
    copy(this.delivered, canvas.width);
    copy(this.flight, Math.min(canvas.width, Math.round(ratio * cursor)));
    copy(this.marks, canvas.width);
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.strokeStyle = '#1a5fd0';
    g.fillStyle = '#1a5fd0';
    if (cursor >= LANE_LEFT && cursor <= width) {
      g.lineWidth = 2;
      g.beginPath();
      g.moveTo(cursor, 0);
      g.lineTo(cursor, height);
      g.stroke();
    } else {
      // A cursor outside the window is pointed at from the edge it is past.
      const right = cursor > width;
      g.font = '11px system-ui, sans-serif';
      g.textAlign = right ? 'right' : 'left';
      g.textBaseline = 'top';
      g.fillText(right ? `tick ${Math.floor(time)} →` : `← tick ${Math.floor(time)}`, right ? width - 3 : LANE_LEFT + 3, 2);
      g.textAlign = 'left';
    }
  }

  /** Clears the layers for a window starting near `layers.origin`; `append` then draws what the
   *  log shows there. */
  restart(layers, entries) {
    const { ratio, perTick, windowTicks, height } = layers;
    // Setting a canvas's size also clears it.
    for (const canvas of [this.delivered, this.flight, this.marks]) {
      canvas.width = Math.ceil(ratio * perTick * (LEFT_TICKS + 2 * windowTicks));
      canvas.height = Math.round(height * ratio);
    }
    Object.assign(layers, {
      entries,
      drawn: lowerBound(entries, layers.origin - 2 * windowTicks),
      last: null,
      // Message → its send entry (a copy's: its original's, at the copy's tick), until it ends.
      sends: new Map(),
      // Message in flight → the planned delivery tick its arrow on the flight layer was drawn to.
      flying: new Map(),
      flightStale: false,
    });
    this.layers = layers;
    return layers;
  }

  /** Whether `entries` is what the layers were drawn from with entries added at the end. */
  appended(entries) {
    const layers = this.layers;
    if (!layers || layers.entries !== entries) return false;
    return layers.last === null || entries[layers.drawn - 1] === layers.last;
  }

  /** Draws the arrows that ended and the events that happened in `entries[from ..]`. */
  append(entries, from) {
    const layers = this.layers;
    const [solid, g] = [this.delivered, this.marks].map((canvas) => {
      const context = canvas.getContext('2d');
      context.setTransform(layers.ratio, 0, 0, layers.ratio, 0, 0);
      return context;
    });
    const x = (tick) => (tick - layers.origin) * layers.perTick;
    const { laneY, sends, flying } = layers;
    for (let k = from; k < entries.length; k++) {
      const e = entries[k];
      if (e.kind === 'send') sends.set(e.message, e);
      else if (e.kind === 'duplicate') {
        // A copy travels the same link as the message it copies.
        const original = sends.get(e.copy_of);
        if (original) sends.set(e.message, { ...original, tick: e.tick, message: e.message });
      } else if (e.kind === 'deliver' || e.kind === 'drop') {
        // An arrow drawn in flight to another tick (a message dropped by hand) must be undrawn.
        if (flying.has(e.message) && flying.get(e.message) !== e.tick) layers.flightStale = true;
        flying.delete(e.message);
        const send = sends.get(e.message);
        if (!send) continue;
        sends.delete(e.message);
        const lost = e.kind === 'drop';
        const layer = lost ? g : solid;
        layer.strokeStyle = lost ? '#b00020' : layers.palette[send.color ?? 0];
        layer.lineWidth = 1.3;
        layer.beginPath();
        layer.moveTo(x(send.tick), laneY(send.node));
        layer.lineTo(x(e.tick), laneY(send.peer));
        layer.stroke();
        if (lost) cross(g, x(e.tick), laneY(send.peer));
      } else if (MARKS.has(e.kind)) {
        const px = x(e.tick);
        if (e.kind === 'violation') {
          g.fillStyle = 'rgba(176,0,32,.25)';
          g.fillRect(px - 2, 0, 4, layers.height);
        } else if (e.kind === 'chosen') {
          g.strokeStyle = '#00734d';
          g.lineWidth = 2;
          g.beginPath();
          g.moveTo(px, 0);
          g.lineTo(px, layers.height);
          g.stroke();
        } else if (e.node !== null && e.node !== undefined) {
          g.fillStyle = e.kind === 'crash' ? '#5f6368' : '#009e73';
          g.fillRect(px - 4, laneY(e.node) - 4, 8, 8);
        }
      }
    }
    layers.drawn = entries.length;
    layers.last = entries.at(-1) ?? null;
  }

  /** Draws on the flight layer the whole arrow of each message in flight not drawn yet; starts
   *  the layer afresh when an arrow drawn there no longer matches its message (dropped or
   *  delayed by hand). In flight, arrows are fainter rather than dashed, since dashes are slow to
   *  draw by software. */
  syncFlight(view) {
    const layers = this.layers;
    const { flying } = layers;
    const g = this.flight.getContext('2d');
    if (layers.flightStale || view.messages.some((m) => flying.has(m.id) && flying.get(m.id) !== m.deliver)) {
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.clearRect(0, 0, this.flight.width, this.flight.height);
      flying.clear();
      layers.flightStale = false;
    }
    g.setTransform(layers.ratio, 0, 0, layers.ratio, 0, 0);
    const x = (tick) => (tick - layers.origin) * layers.perTick;
    g.globalAlpha = 0.45;
    g.lineWidth = 1.3;
    for (const m of view.messages) {
      if (flying.has(m.id)) continue;
      flying.set(m.id, m.deliver);
      g.strokeStyle = layers.palette[m.color ?? 0];
      g.beginPath();
      g.moveTo(x(m.sent), layers.laneY(m.from));
      g.lineTo(x(m.deliver), layers.laneY(m.to));
      g.stroke();
    }
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

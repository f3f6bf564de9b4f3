// Runs the exhaustive explorer off the main thread, so the page stays responsive while it
// searches, and tells the page how far it has got; the page can stop it at any time by
// terminating the worker. It loads the core's `explorer` build, which the page itself does not
// fetch (see scripts/build.sh).
import init, { exploreScenario } from './pkg/paxoscope-explorer.js';

const ready = init();

self.onmessage = async ({ data }) => {
  try {
    await ready;
    const b = data.bounds;
    const progress = (states, depth) => self.postMessage({ progress: { states, depth } });
    const result = exploreScenario(data.scenario, b.crashes, b.drops, b.duplicates, b.rounds, b.states, Boolean(b.gravest), progress);
    self.postMessage({ ok: true, result });
  } catch (error) {
    self.postMessage({ ok: false, error: error?.message ?? String(error) });
  }
};

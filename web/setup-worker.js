// The Setup panel's form and what a submitted form makes, off the page's own wasm: they come
// from the core's `explorer` build, which the page does not fetch on load (see
// scripts/build.sh), so that every load does not pay for the forms.
import init, { setupForm, applySetup } from './pkg/paxoscope-explorer.js';
import { serveJobs } from './serve-jobs.js';

const ready = init();

serveJobs(ready, {
  form: ({ scenario }) => setupForm(scenario),
  apply: ({ scenario, changes }) => applySetup(scenario, changes),
});

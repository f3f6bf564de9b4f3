// The History tab's check, off the main thread: a client history read, checked for
// linearizability and laid out by the core's `explorer` build (which the page itself does not
// fetch; see scripts/build.sh). The search has a step bound, and the tab can also stop this
// worker, so that no history freezes the page.
import init, { viewHistory } from './pkg/paxoscope-explorer.js';
import { serveJobs } from './serve-jobs.js';

serveJobs(init(), { view: ({ text }) => viewHistory(text, 0) });

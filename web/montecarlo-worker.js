// The Quorums tab's Monte Carlo estimate, off the main thread: runs of the real simulation in
// slices, so that progress reaches the page as it goes and Cancel (which terminates this
// worker) lands between slices. It loads the core's `explorer` build, as the search does.
import init, { MonteCarlo } from './pkg/paxoscope-explorer.js';
import { serveJobs } from './serve-jobs.js';

const ready = init();
const SLICE_RUNS = 250;

const jobs = {
  // One estimate per cluster size asked for (none: the run's own), one after another.
  montecarlo: async ({ id, scenario, runs, p, failure, sizes, points }) => {
    const results = [];
    let undecided = null;
    for (const [i, size] of (sizes.length ? sizes : ['']).entries()) {
      const estimator = new MonteCarlo(scenario, runs, p, failure, size);
      try {
        let done = 0;
        while (done < runs) {
          done = estimator.run(SLICE_RUNS);
          self.postMessage({ id, progress: (i * runs + done) / (runs * Math.max(sizes.length, 1)) });
          // Lets a terminate() from the page land between slices.
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
        const estimate = estimator.estimate(points);
        results.push({ label: estimator.label(), estimate, exact: estimator.exact() });
        const run = estimate.first_undecided_run;
        if (undecided === null && run !== undefined) undecided = estimator.scenarioForRun(run);
      } finally {
        estimator.free();
      }
    }
    return { results, undecided };
  },
};

serveJobs(ready, jobs);

// The Quorums tab's analysis, off the main thread: the exact figures of a quorum system (an LP
// among them), the run's system, and a scenario that uses another. It loads the core's
// `explorer` build, which the page itself does not fetch (see scripts/build.sh). The Monte
// Carlo estimate has a worker of its own (montecarlo-worker.js), which Cancel terminates.
import init, { analyzeQuorums, quorumForm, quorumOfScenario, scenarioWithQuorum } from './pkg/paxoscope-explorer.js';
import { serveJobs } from './serve-jobs.js';

const ready = init();

const jobs = {
  form: () => quorumForm(),
  analyze: ({ system, options }) => analyzeQuorums(system, JSON.stringify(options)),
  systemOf: ({ scenario }) => quorumOfScenario(scenario),
  use: ({ scenario, system }) => scenarioWithQuorum(scenario, system),
};

serveJobs(ready, jobs);

// Entry point: loads the wasm core and shows what it computed. The page decides nothing itself.
import init, { version, runScenario } from './pkg/paxoscope.js';

const status = document.getElementById('status');
const facts = document.getElementById('facts');

function fact(name, value) {
  const dt = document.createElement('dt');
  dt.textContent = name;
  const dd = document.createElement('dd');
  dd.textContent = value;
  dd.dataset.fact = name;
  facts.append(dt, dd);
}

try {
  await init();
  const scenario = await (await fetch('scenarios/happy-path.json')).text();
  const summary = runScenario(scenario);
  fact('core version', version());
  fact('acceptors', String(summary.acceptors));
  fact('phase-2 quorum size', String(summary.phase2_quorum_size_min));
  fact('chosen', summary.outcome.chosen ?? 'nothing');
  status.textContent = 'Core loaded.';
} catch (error) {
  status.textContent = `The consensus core could not start: ${error.message ?? error}`;
  status.classList.add('error');
}

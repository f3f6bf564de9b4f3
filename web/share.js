// The Share panel: copy a link to exactly this run, download or load scenario files, download the
// event trace, and make an iframe snippet for embedding.
import { h, replace } from './dom.js';
import { encodeFragment } from './link.js';

const $ = (id) => document.getElementById(id);

/** The iframe snippet that embeds `fragment` with the given options. */
export function embedSnippet(baseUrl, fragment, { controls, autoplay, start, stop, speed, height, title }) {
  const params = new URLSearchParams({ embed: '1', controls: controls.join(',') });
  if (autoplay) params.set('autoplay', '1');
  if (start > 0) params.set('start', String(start));
  if (stop > 0) params.set('stop', String(stop));
  if (speed) params.set('speed', String(speed));
  const src = `${baseUrl}?${params}#${fragment}`;
  const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<iframe src="${escape(src)}" width="100%" height="${Number(height) || 480}" style="border:0" loading="lazy" title="${escape(title)}"></iframe>`;
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export class SharePanel {
  constructor({ app, load, showError }) {
    Object.assign(this, { app, load, showError });
    this.built = false;
  }

  baseUrl() {
    return `${location.origin}${location.pathname}`;
  }

  async link() {
    return `${this.baseUrl()}#${await encodeFragment(this.app.pg.scenarioJson(), Math.floor(this.app.time), this.app.pg.actions())}`;
  }

  render() {
    const panel = $('panel-share');
    if (this.built) {
      // Only a run with clients has a history to download.
      $('download-history').hidden = this.app.pg.historyLanes(0, 0) === null;
      return;
    }
    this.built = true;
    const linkField = h('input', { class: 'share-link', id: 'share-link', readonly: true, 'aria-label': 'Link to this run' });
    const copied = h('span', { role: 'status', class: 'hint', id: 'copy-status' });
    const copyLink = async () => {
      linkField.value = await this.link();
      try {
        await navigator.clipboard.writeText(linkField.value);
        copied.textContent = 'Copied: the link replays this run and stops at this tick.';
      } catch {
        linkField.select();
        copied.textContent = 'Copy the selected link with Ctrl+C (the browser did not allow copying).';
      }
    };
    const pasteArea = h('textarea', { id: 'paste-scenario', rows: 5, 'aria-label': 'Scenario JSON to load', placeholder: '{ "version": 1, "protocol": …, "schedule": […] }' });
    const fileInput = h('input', { type: 'file', accept: '.json,application/json', id: 'scenario-file', 'aria-label': 'Scenario file to load' });
    fileInput.addEventListener('change', async () => {
      const file = fileInput.files?.[0];
      if (!file) return;
      if (file.size > 1_000_000) {
        this.showError(`${file.name} is larger than 1 MB; a scenario file is much smaller.`);
        return;
      }
      if (await this.load(await file.text(), { push: true })) copied.textContent = `Loaded ${file.name}.`;
      fileInput.value = '';
    });
    const controlBoxes = ['play', 'step', 'reset', 'speed', 'scrubber', 'diagram', 'panels'].map((name) =>
      h('label', { class: 'field' }, h('input', { type: 'checkbox', name: 'control', value: name, checked: ['play', 'step', 'scrubber'].includes(name) }), name));
    const embedForm = h('form', { id: 'embed-form' },
      h('fieldset', {}, h('legend', {}, 'Controls shown'), controlBoxes),
      h('label', { class: 'field' }, h('input', { type: 'checkbox', name: 'autoplay', checked: true }), 'play when scrolled into view'),
      h('label', { class: 'field' }, 'Start at tick', h('input', { type: 'number', name: 'start', value: 0, min: 0 })),
      h('label', { class: 'field' }, 'Stop at tick (0: run to the end)', h('input', { type: 'number', name: 'stop', value: 0, min: 0 })),
      h('label', { class: 'field' }, 'Speed (ticks/s)', h('input', { type: 'number', name: 'speed', value: 20, min: 1, max: 1000 })),
      h('label', { class: 'field' }, 'Height (px)', h('input', { type: 'number', name: 'height', value: 480, min: 200, max: 2000 })),
      h('button', { type: 'submit' }, 'Make the embed snippet'));
    const snippet = h('textarea', { id: 'embed-snippet', rows: 4, readonly: true, 'aria-label': 'Embed snippet' });
    embedForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(embedForm);
      const fragment = await encodeFragment(this.app.pg.scenarioJson(), 0);
      snippet.value = embedSnippet(this.baseUrl(), fragment, {
        controls: data.getAll('control'),
        autoplay: data.get('autoplay') === 'on',
        start: Number(data.get('start')),
        stop: Number(data.get('stop')),
        speed: Number(data.get('speed')),
        height: Number(data.get('height')),
        title: 'Paxoscope: a run',
      });
      snippet.select();
    });
    replace(panel,
      h('h2', {}, 'Link to this run'),
      h('p', { class: 'hint' }, 'The link carries the scenario, every intervention you made and the current tick.'),
      h('div', { class: 'field' }, h('button', { type: 'button', class: 'primary', id: 'copy-link', onclick: copyLink }, 'Copy link')),
      linkField, copied,
      h('h2', {}, 'Files'),
      h('div', { class: 'field' },
        h('button', { type: 'button', id: 'download-scenario', onclick: () => download('scenario.json', this.app.pg.scenarioJsonPretty(), 'application/json') }, 'Download scenario'),
        h('button', { type: 'button', id: 'download-trace', onclick: () => download('trace.jsonl', this.app.pg.traceJsonl(), 'application/jsonl') }, 'Download event trace'),
        h('button', { type: 'button', id: 'download-history', title: 'The clients’ calls and returns so far, with the checker’s verdict, for the History tab or another checker', hidden: this.app.pg.historyLanes(0, 0) === null, onclick: () => download('history.json', this.app.pg.historyJson(), 'application/json') }, 'Download client history')),
      h('label', { class: 'field' }, 'Load a scenario file', fileInput),
      pasteArea,
      h('div', { class: 'field' }, h('button', { type: 'button', id: 'load-pasted', onclick: () => this.load(pasteArea.value, { push: true }) }, 'Load pasted scenario')),
      h('h2', {}, 'Embed'),
      embedForm, snippet);
  }
}

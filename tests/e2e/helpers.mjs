// Shared set-up for the end-to-end tests: serve the repository, launch Debian's Chromium through
// playwright-core, and collect console errors so each test can assert a clean console.
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { serve } from '../../scripts/serve.mjs';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
  ],
};

/**
 * Starts a server for `root` (the repository, whose web/ holds the sources, unless a test asks
 * for the built site in dist/) and a browser; returns them with a `newPage` that records console
 * problems.
 */
export async function start(root = ROOT) {
  const { server, url } = await serve(root, 0);
  const browser = await chromium.launch(LAUNCH);
  const problems = [];
  async function newPage(options = {}) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    return page;
  }
  async function stop() {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
  return { url, browser, newPage, problems, stop };
}

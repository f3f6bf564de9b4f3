// Takes screenshots of the playground at desktop and phone sizes, after playing a while, so a
// person can look at what the page shows: `node scripts/screenshot.mjs OUTDIR [TICK]`.
import { chromium } from 'playwright-core';
import { LAUNCH, ROOT } from '../tests/e2e/helpers.mjs';
import { serve } from './serve.mjs';

const out = process.argv[2] ?? '.';
const tick = Number(process.argv[3] ?? 120);
const { server, url } = await serve(ROOT, 0);
const browser = await chromium.launch(LAUNCH);
try {
  for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
    const page = await browser.newPage({ viewport });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`${name} console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => console.log(`${name} pageerror: ${e.message}`));
    await page.goto(url + (process.argv[4] ?? ''));
    await page.waitForSelector('body[data-ready=true]');
    await page.locator('#scrubber').fill(String(tick));
    await page.screenshot({ path: `${out}/${name}.png`, fullPage: name === 'phone' });
    console.log(`${out}/${name}.png`);
  }
} finally {
  await browser.close();
  server.close();
}

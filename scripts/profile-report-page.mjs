// Profiles an HTML report's page in headless Chromium (Debian's `chromium`, playwright-core) with the CPU
// profiler of the DevTools protocol: loading, sorting by the key and by the count, a text filter, a CIDR filter,
// and scrolling (wheel steps and scrollbar jumps). For each step: its wall time, the renderer's script, layout
// and task time (Performance.getMetrics), and the functions that took the most time themselves. The profiles go
// to a temporary folder (open them in Chrome's DevTools, Performance panel). Not a test: it judges nothing.
//
//   node scripts/profile-report-page.mjs REPORT.html [load]    (load: the loading step only)

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [file, only] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node scripts/profile-report-page.mjs REPORT.html [load]\n');
  process.exit(2);
}
const out = mkdtempSync(join(tmpdir(), 'logsift-profile-'));
const profileDir = join(out, 'chromium-profile');
const context = await chromium.launchPersistentContext(profileDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  viewport: { width: 1280, height: 800 },
});
const page = context.pages()[0] ?? (await context.newPage());
page.on('pageerror', (error) => console.log('page error:', error.message));
const cdp = await context.newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Performance.enable');

async function step(name, action) {
  await cdp.send('Profiler.start');
  const before = (await cdp.send('Performance.getMetrics')).metrics;
  const started = Date.now();
  await action();
  const wall = Date.now() - started;
  const after = (await cdp.send('Performance.getMetrics')).metrics;
  const { profile } = await cdp.send('Profiler.stop');
  const metric = (list, name) => list.find((m) => m.name === name)?.value ?? 0;
  const spent = (name) => `${((metric(after, name) - metric(before, name)) * 1000).toFixed(0)} ms`;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, k) => {
    const { functionName, lineNumber, columnNumber } = nodes.get(id).callFrame;
    const where = `${functionName || '(anonymous)'} ${lineNumber}:${columnNumber}`;
    self.set(where, (self.get(where) ?? 0) + (profile.timeDeltas[k] ?? 0));
  });
  const top = [...self].filter(([where]) => !/^\((idle|program)\)/.test(where)).sort((a, b) => b[1] - a[1]).slice(0, 10);
  console.log(`${name}: ${wall} ms wall; script ${spent('ScriptDuration')}, layout ${spent('LayoutDuration')}, tasks ${spent('TaskDuration')}`);
  for (const [where, micros] of top) console.log(`  ${(micros / 1000).toFixed(1).padStart(7)} ms  ${where}`);
  writeFileSync(join(out, `${name}.cpuprofile`), JSON.stringify(profile));
}

const shown = (pattern) => page.locator('#shown', { hasText: pattern }).waitFor();
try {
  await step('load', async () => {
    await page.goto(`file://${resolve(file)}`);
    await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
  });
  console.log(`  ready at ${await page.getAttribute('body', 'data-ready-ms')} ms`);
  if (only !== 'load') {
    const total = await page.textContent('#shown');
    await step('sort-by-key', () => page.click('#groups thead button[data-column="0"]'));
    await step('sort-by-count', () => page.click('#groups thead button[data-column="1"]'));
    await step('filter-text', async () => {
      await page.fill('#filter', '.1');
      await page.locator('#shown', { hasNotText: total }).waitFor();
    });
    await step('filter-cidr', async () => {
      await page.fill('#filter', '10.0.0.0/8');
      await page.waitForTimeout(400);
    });
    await step('filter-cleared', async () => {
      await page.fill('#filter', '');
      await shown(total);
    });
    const scroller = page.locator('.scroller');
    await scroller.scrollIntoViewIfNeeded();
    const box = await scroller.boundingBox();
    await page.mouse.move(box.x + 200, box.y + 150);
    await step('scroll', async () => {
      for (let i = 0; i < 40; i++) await page.mouse.wheel(0, i % 10 === 9 ? 100_000 : 400);
      await page.waitForTimeout(200);
    });
  }
  console.log(`profiles: ${out}`);
} finally {
  await context.close();
  rmSync(profileDir, { recursive: true, force: true });
}

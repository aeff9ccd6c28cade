// npm run bench -- --report: the HTML report's page in headless Chromium (Debian's `chromium`, playwright-core).
//
//   - time to interactive (from the start of navigation until the page's data is read, the summary, charts and
//     table drawn and their first frame rendered) with 30k and 200k reported rows: target 1 s at 30k;
//   - the longest task while scrolling 200k rows (wheel steps, scrollbar jumps, PageDown, End): target 100 ms,
//     as the browser's own long-task entries (wall clock, PerformanceObserver 'longtask') and as the renderer's
//     CPU time in each task (Chromium's trace, `tdur`), since wall clock on a loaded machine is mostly waiting;
//   - the longest task when sorting and filtering 200k rows (no target: for comparison);
//   - the size of the report of a default run on the 1 GiB benchmark log: target 2 MB.
//
// The row logs are generated here (deterministic: N clients, 1 to 3 errors each over a day, several codes,
// paths and agents); the 1 GiB log is the main bench's (`--dir`, generated when missing).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { DEFAULT_BYTES, DEFAULT_DIR, DEFAULT_SEED } from './options.js';
import { formatSize } from './sizes.js';
import { markdownTable } from './table.js';
import { targetsTable, type TargetCheck } from './targets.js';
import { ensureGenerated, pickGenerator } from './workload.js';

const CHROMIUM = '/usr/bin/chromium';
const INTERACTIVE_TARGET_MS = 1000;
const LONG_TASK_TARGET_MS = 100;
const REPORT_SIZE_TARGET = 2e6;

interface Context {
  readonly repoRoot: string;
  readonly logsift: string;
  readonly say: (line?: string) => void;
  readonly note: (line: string) => void;
}

/** A log with `clients` distinct clients, each with 1 to 3 error lines spread over a day. */
function writeRowsLog(path: string, clients: number): void {
  const codes = [404, 404, 403, 500, 502, 401];
  const lines: string[] = [];
  for (let i = 0; i < clients; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    for (let k = 0; k <= i % 3; k++) {
      const second = (i * 7919 + k * 3607) % 86400;
      const time = `${String(Math.floor(second / 3600)).padStart(2, '0')}:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`;
      lines.push(`${ip} - - [01/May/2024:${time} +0000] "GET /p${(i + k) % 97} HTTP/1.1" ${codes[(i + k) % codes.length]} 1 "-" "agent ${i % 13}"`);
    }
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/** Runs logsift; gives its wall and CPU seconds. */
function runLogsift(ctx: Context, args: readonly string[]): { wall: number; cpu: number } {
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ctx.logsift, ...args, '--no-progress'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`logsift ${args.join(' ')} failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const [user, system] = run.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall, cpu: user + system };
}

interface Trace {
  /** Longest task of the renderer's main thread: wall and CPU ms. */
  readonly longestWall: number;
  readonly longestCpu: number;
  readonly totalCpu: number;
}

/** Records the renderer's tasks (Chromium's trace) while `action` runs. */
async function traced(cdp: CDPSession, action: () => Promise<void>): Promise<Trace> {
  const events: { name: string; ph: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } }[] = [];
  const collect = (data: { value: object[] }): void => void events.push(...(data.value as typeof events));
  cdp.on('Tracing.dataCollected', collect);
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline,__metadata', transferMode: 'ReportEvents' });
  await action();
  await cdp.send('Tracing.end');
  await complete;
  cdp.off('Tracing.dataCollected', collect);
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => e.name === 'RunTask' && e.tdur !== undefined && mains.has(`${e.pid}:${e.tid}`));
  return {
    longestWall: Math.max(0, ...tasks.map((e) => (e.dur ?? 0) / 1000)),
    longestCpu: Math.max(0, ...tasks.map((e) => e.tdur! / 1000)),
    totalCpu: tasks.reduce((sum, e) => sum + e.tdur! / 1000, 0),
  };
}

/** The browser's long tasks (> 50 ms wall) since the last call, longest first. */
async function longTasks(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = globalThis as unknown as { __longTasks: number[] };
    const longest = Math.max(0, ...w.__longTasks);
    w.__longTasks = [];
    return longest;
  });
}

interface PageFigures {
  readonly readyMs: number;
  readonly load: Trace;
  readonly scroll?: { trace: Trace; longTaskMs: number; scrollTop: number };
  readonly sort?: Trace;
  readonly filter?: Trace;
}

async function measurePage(html: string, interact: boolean): Promise<PageFigures> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(() => {
      type Observer = new (fn: (list: { getEntries(): { duration: number }[] }) => void) => { observe(o: { type: string; buffered: boolean }): void };
      const w = globalThis as unknown as { __longTasks: number[]; PerformanceObserver: Observer };
      w.__longTasks = [];
      new w.PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
    });
    const cdp = await page.context().newCDPSession(page);
    const load = await traced(cdp, async () => {
      await page.goto(`file://${html}`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    });
    const readyMs = Number(await page.getAttribute('body', 'data-ready-ms'));
    if (!interact) return { readyMs, load };
    const scroller = page.locator('.scroller');
    await scroller.scrollIntoViewIfNeeded();
    const box = (await scroller.boundingBox())!;
    await page.mouse.move(box.x + 200, box.y + 150);
    await page.waitForTimeout(300);
    await longTasks(page);
    const trace = await traced(cdp, async () => {
      // Wheel steps of 400 px, a jump of 100k px (a dragged scrollbar) every tenth step, then keys.
      for (let i = 0; i < 60; i++) await page.mouse.wheel(0, i % 10 === 9 ? 100_000 : 400);
      await scroller.focus();
      for (let i = 0; i < 10; i++) await page.keyboard.press('PageDown');
      await page.keyboard.press('End');
      await page.keyboard.press('Home');
      await page.waitForTimeout(300);
    });
    const scrollTop = await scroller.evaluate((e) => e.scrollTop);
    const scroll = { trace, longTaskMs: await longTasks(page), scrollTop };
    const sort = await traced(cdp, async () => {
      await page.click('#groups thead button[data-column="0"]');
      await page.waitForTimeout(300);
    });
    const filter = await traced(cdp, async () => {
      await page.fill('#filter', '10.2.0.0/16');
      await page.locator('#shown', { hasText: /^65,536 of/ }).waitFor();
      await page.fill('#filter', '10.3.');
      await page.locator('#shown', { hasNotText: /^65,536 of/ }).waitFor();
      await page.waitForTimeout(300);
    });
    return { readyMs, load, scroll, sort, filter };
  } finally {
    await browser.close();
  }
}

const ms = (value: number): string => `${Math.round(value)} ms`;
const verdict = (ok: boolean): 'PASS' | 'FAIL' => (ok ? 'PASS' : 'FAIL');
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

/** `npm run bench -- --report [--dir DIR] [--input BIG.log] [--no-big]`. */
export async function runReportPageBench(argv: readonly string[], ctx: Context): Promise<boolean> {
  const program = new Command()
    .name('npm run bench -- --report')
    .option('--report', 'the HTML report page in headless Chromium')
    .option('--dir <path>', 'where generated logs and reports go (default: $LOGSIFT_BENCH_DIR, else /tmp/logsift-bench)')
    .option('--input <path>', 'the 1 GiB log (default: $LOGSIFT_BENCH_INPUT, else big.log in --dir, generated when missing)')
    .option('--no-big', 'skip the report of the 1 GiB log')
    .allowExcessArguments(false);
  program.parse(argv, { from: 'user' });
  const options = program.opts<{ dir?: string; input?: string; big: boolean }>();
  const dir = options.dir ?? (process.env.LOGSIFT_BENCH_DIR || DEFAULT_DIR);
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  const outDir = join(dir, 'out');
  mkdirSync(outDir, { recursive: true });
  ctx.say(`# The HTML report page (headless Chromium, 1280x800); load average at start: ${load()}`);
  ctx.say();
  const checks: TargetCheck[] = [];
  const rows: string[][] = [];
  for (const clients of [30_000, 200_000]) {
    const log = join(dir, `report-rows-${clients}.log`);
    if (!existsSync(log)) {
      ctx.note(`generating ${log} ...`);
      writeRowsLog(log, clients);
    }
    const html = join(outDir, `report-rows-${clients}.html`);
    ctx.note(`logsift --input ${log} --threshold 1 --output ${html} ...`);
    runLogsift(ctx, ['--input', log, '--threshold', '1', '--output', html]);
    ctx.note(`measuring ${html} in Chromium ...`);
    // Loads vary with the machine's load: the median of 3 (by time to interactive), the last one with interaction.
    const loads = [await measurePage(html, false), await measurePage(html, false), await measurePage(html, clients === 200_000)];
    const figures = { ...[...loads].sort((a, b) => a.readyMs - b.readyMs)[1], scroll: loads[2].scroll, sort: loads[2].sort, filter: loads[2].filter };
    const label = `${clients / 1000}k rows`;
    rows.push([label, 'time to interactive (median of 3)', ms(figures.readyMs), `${ms(figures.load.totalCpu)} of CPU; longest task ${ms(figures.load.longestCpu)} of CPU (${ms(figures.load.longestWall)} wall); report ${formatSize(statSync(html).size)}`]);
    if (clients === 30_000) {
      checks.push({ target: `interactive within ${INTERACTIVE_TARGET_MS / 1000} s with 30k rows`, measured: `${ms(figures.readyMs)} (${ms(figures.load.totalCpu)} of renderer CPU)`, verdict: verdict(figures.readyMs <= INTERACTIVE_TARGET_MS) });
    }
    if (figures.scroll && figures.sort && figures.filter) {
      const { trace, longTaskMs, scrollTop } = figures.scroll;
      if (scrollTop !== 0) throw new Error('the table did not scroll back with Home');
      rows.push([label, 'scrolling (60 wheel steps, 6 jumps, PageDown, End, Home)', `longest task ${ms(trace.longestCpu)} of CPU`, `${ms(trace.longestWall)} wall in the trace; long-task entries: ${longTaskMs ? ms(longTaskMs) : 'none over 50 ms'}; ${ms(trace.totalCpu)} of CPU in all`]);
      rows.push([label, 'sorting by the key', `longest task ${ms(figures.sort.longestCpu)} of CPU`, `${ms(figures.sort.longestWall)} wall; ${ms(figures.sort.totalCpu)} of CPU in all`]);
      rows.push([label, 'filtering (10.2.0.0/16, then the text 10.3.)', `longest task ${ms(figures.filter.longestCpu)} of CPU`, `${ms(figures.filter.longestWall)} wall; ${ms(figures.filter.totalCpu)} of CPU in all`]);
      checks.push({
        target: `no task over ${LONG_TASK_TARGET_MS} ms while scrolling 200k rows`,
        measured: `${ms(trace.longestCpu)} of CPU at most; wall clock: ${longTaskMs ? `${ms(longTaskMs)} at most` : 'no long task (> 50 ms)'}`,
        verdict: verdict(trace.longestCpu <= LONG_TASK_TARGET_MS),
      });
    }
  }
  if (options.big) {
    const input = options.input ?? (process.env.LOGSIFT_BENCH_INPUT || undefined);
    const big = input
      ? { path: input, bytes: statSync(input).size }
      : await ensureGenerated(join(dir, 'big.log'), DEFAULT_BYTES, DEFAULT_SEED, pickGenerator(ctx.repoRoot, 'auto'), true, ctx.note);
    const html = join(outDir, 'big-report.html');
    ctx.note(`logsift --input ${big.path} --output ${html} (a default run, only the report) ...`);
    const run = runLogsift(ctx, ['--input', big.path, '--output', html]);
    const size = statSync(html).size;
    rows.push([formatSize(big.bytes), 'report of a default run', `${(size / 1e6).toFixed(2)} MB`, `the run took ${run.wall.toFixed(1)} s (${run.cpu.toFixed(1)} s of CPU)`]);
    checks.push({ target: `a 1 GiB default run's report under ${REPORT_SIZE_TARGET / 1e6} MB`, measured: `${(size / 1e6).toFixed(2)} MB`, verdict: verdict(size < REPORT_SIZE_TARGET) });
  }
  ctx.say(markdownTable(['case', 'what', 'measured', 'details'], rows));
  ctx.say();
  ctx.say(targetsTable(checks));
  ctx.say();
  ctx.say(`load average at the end: ${load()} (wall-clock figures stretch with the load; CPU times much less)`);
  return checks.every((c) => c.verdict === 'PASS');
}

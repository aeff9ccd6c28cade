// The core workload: the default Combined run against ripgrep counting with one thread, and 2 threads against 1
// on 4 copies of the log, where start-up weighs less.
//
// Beside the 2-against-1 figure, the machine's own: two copies of the same rg side by side against one alone.
// Two independent processes share nothing but the machine, so their pair's speed-up is what two cores give this
// kind of work here (shared caches and memory bandwidth, and on a VM, vCPUs that may be one core's two
// hyperthreads): a ceiling no thread split can pass.

import { basename, join } from 'node:path';
import { ensureRepeated, warmCache } from './workload.js';
import { RG_PATTERN, shellLine } from './tools.js';
import { formatSize } from './sizes.js';
import { byId, cell, logsiftCommand, ratio, ratioCheck, readText, reportSection, runMeasuredRounds, type Family, type Measured, type WorkloadCommand } from './workloads.js';
import { formatRatio } from './table.js';

export const RG_RATIO_TARGET = 0.8;
export const THREADS_SPEEDUP_TARGET = 1.8;

export const coreFamily: Family = async (ctx) => {
  const { base } = ctx;
  const four = ensureRepeated(base, join(ctx.dir, `${basename(base.path).replace(/\.log$/, '')}-x4.log`), 4, ctx.note);
  warmCache(base.path);
  warmCache(four.path);
  const commands: WorkloadCommand[] = [
    logsiftCommand(ctx, 'core-default', `logsift (default threads), ${formatSize(base.bytes)}`, [base.path]),
    logsiftCommand(ctx, 'core-t1', `logsift --threads 1, ${formatSize(base.bytes)}`, [base.path], ['--threads', '1']),
    logsiftCommand(ctx, 'core-x4-t2', `logsift --threads 2, ${formatSize(four.bytes)}`, [four.path], ['--threads', '2']),
    logsiftCommand(ctx, 'core-x4-t1', `logsift --threads 1, ${formatSize(four.bytes)}`, [four.path], ['--threads', '1']),
  ];
  if (ctx.rg) {
    const argv = [ctx.rg, '-j1', '-c', RG_PATTERN, base.path];
    commands.push({ id: 'core-rg', label: 'rg -j1 -c (one thread, counts only)', argv, shown: shellLine(['rg', ...argv.slice(1)]), okCodes: [0, 1] });
    const pair = `"$0" -j1 -c "$1" "$2" >/dev/null & "$0" -j1 -c "$1" "$2" >/dev/null; wait`;
    commands.push({ id: 'core-rg-pair', label: 'two rg -j1 -c side by side (the machine\'s 2-core scaling)', argv: ['sh', '-c', pair, ...argv.slice(0, 1), RG_PATTERN, base.path], shown: `${shellLine(['rg', ...argv.slice(1)])} & (the same); wait`, okCodes: [0] });
  }
  const measured = await runMeasuredRounds(ctx, 'core', commands);
  const reference = await ctx.referenceCsv();
  const same = commands.slice(0, 2).every((c) => readText(c.csv!) === reference);
  const fourSame = readText(commands[3].csv!) === readText(commands[2].csv!);
  const ceiling = machineScaling(measured);
  reportSection(ctx, `the default Combined run, ${formatSize(base.bytes)} and ${formatSize(four.bytes)}`, measured, [
    `- logsift's CSV at 1 thread and by default equals the reference run's: ${same ? 'OK' : 'MISMATCH'}; on ${formatSize(four.bytes)} at 1 and 2 threads: ${fourSame ? 'identical, OK' : 'DIFFERENT: MISMATCH'}`,
    ...(ceiling === null ? [] : [`- this machine's own 2-core scaling: two rg -j1 -c side by side ran ${formatRatio(ceiling)} x as fast as one (2 x one's wall over the pair's), the ceiling of any split of one scan over two cores`]),
  ]);
  const def = byId(measured, 'core-default');
  const checks = [];
  const rows = [];
  if (ctx.rg) {
    const rg = byId(measured, 'core-rg');
    checks.push(ratioCheck(`default run <= ${RG_RATIO_TARGET} x rg -j1 -c (wall: logsift may use both cores)`, def, rg, 'wall', { max: RG_RATIO_TARGET }));
    rows.push({ workload: `Combined ${formatSize(base.bytes)}, default run`, logsift: cell(def), peer: `rg -j1 -c: ${cell(rg)}`, verdict: `${formatRatio(ratio(def, rg, 'wall').value)} x (<= ${RG_RATIO_TARGET}): ${checks[0].verdict}` });
  } else {
    checks.push({ target: `default run <= ${RG_RATIO_TARGET} x rg -j1 -c`, measured: 'rg not installed (apt-get install ripgrep)', verdict: 'SKIP' as const });
  }
  const t1 = byId(measured, 'core-x4-t1');
  const t2 = byId(measured, 'core-x4-t2');
  const speed = ratioCheck(`${formatSize(four.bytes)}: 2 threads >= ${THREADS_SPEEDUP_TARGET} x 1 thread (wall)`, t1, t2, 'wall', { min: THREADS_SPEEDUP_TARGET });
  checks.push(speed);
  rows.push({
    workload: `Combined ${formatSize(four.bytes)}, 2 threads vs 1`,
    logsift: `2 threads: ${cell(t2)}`,
    peer: `1 thread: ${cell(t1)}${ceiling === null ? '' : `; two rg side by side: ${formatRatio(ceiling)} x one`}`,
    verdict: `${formatRatio(ratio(t1, t2, 'wall').value)} x (>= ${THREADS_SPEEDUP_TARGET}): ${speed.verdict}`,
  });
  return { checks, rows, correct: same && fourSame };
};

/** Twice one rg's wall time over the pair's: what two cores give two independent scans here (null without rg). */
function machineScaling(measured: readonly Measured[]): number | null {
  const one = measured.find((m) => m.id === 'core-rg');
  const pair = measured.find((m) => m.id === 'core-rg-pair');
  return one && pair ? (2 * one.wall) / pair.wall : null;
}

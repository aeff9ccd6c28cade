// Compressed inputs: one gzip of the whole workload against Node's zlib decompressing it alone (the floor
// without a parallel decompressor), and the workload as 8 gzip files at 2 threads against one core's rate.
//
// One core's rate is the 1-thread run pinned to one core (`taskset -c 0`): unpinned, one producer of gzip
// already uses more than one core (it inflates on a thread beside it when there are fewer gzip files than
// cores), so "2 threads against 1" would not say whether the second core is put to use. The unpinned
// 1-thread run is measured too, and shown.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { ensureGzip } from './derived.js';
import { formatSize } from './sizes.js';
import { formatRatio } from './table.js';
import { findExecutable, shellLine } from './tools.js';
import { warmCache } from './workload.js';
import { byId, cell, logsiftCommand, ratio, ratioCheck, readText, reportSection, runMeasuredRounds, type Family, type WorkloadCommand } from './workloads.js';

export const GZIP_FLOOR_TARGET = 1.1;
export const GZIP_PARTS = 8;
export const GZIP_SPEEDUP_TARGET = 1.8;

export const gzipFamily: Family = async (ctx) => {
  const gz = await ensureGzip(ctx.dir, ctx.base, GZIP_PARTS, ctx.note);
  for (const file of [gz.one, ...gz.parts]) warmCache(file);
  const script = join(ctx.logsift, '..', '..', '..', 'bench', 'gunzip-only.js');
  const zlib: WorkloadCommand = { id: 'gz-zlib', label: "Node's zlib alone, the one file", argv: [process.execPath, script, gz.one], shown: shellLine(['node', 'dist/bench/gunzip-only.js', gz.one]), okCodes: [0] };
  const taskset = findExecutable('taskset');
  const pinnable = taskset !== null && availableParallelism() > 1;
  const free = logsiftCommand(ctx, 'gz-parts-t1', `logsift --threads 1, ${gz.parts.length} gzip files (all cores free)`, gz.parts, ['--threads', '1']);
  const pinned = logsiftCommand(ctx, 'gz-parts-t1-core', `logsift --threads 1, ${gz.parts.length} gzip files, pinned to one core`, gz.parts, ['--threads', '1']);
  const oneCore: WorkloadCommand = pinnable ? { ...pinned, argv: [taskset, '-c', '0', ...pinned.argv], shown: `taskset -c 0 ${pinned.shown}` } : free;
  const commands = [
    logsiftCommand(ctx, 'gz-one', 'logsift (default threads), one gzip file', [gz.one]),
    zlib,
    ...(pinnable ? [oneCore] : []),
    free,
    logsiftCommand(ctx, 'gz-parts-t2', `logsift --threads 2, ${gz.parts.length} gzip files`, gz.parts, ['--threads', '2']),
  ];
  const measured = await runMeasuredRounds(ctx, 'gzip', commands);
  const reference = await ctx.referenceCsv();
  const same = commands.filter((c) => c.csv).every((c) => readText(c.csv!) === reference);
  const oneBytes = statSync(gz.one).size;
  reportSection(ctx, `gzip: one file (${formatSize(oneBytes)}) and ${gz.parts.length} files`, measured, [
    `- logsift's CSV on the gzip file and on the ${gz.parts.length} files (1 and 2 threads) equals its CSV on the plain log: ${same ? 'OK' : 'MISMATCH'}`,
    pinnable
      ? `- one core's rate: the 1-thread run pinned with \`taskset -c 0\` (unpinned, a gzip producer may inflate on a thread beside it, on the other core); the check is 2 threads against it`
      : '- taskset is absent (or there is one core): the check is 2 threads against the unpinned 1-thread run',
    '- one gzip stream inflates on one core: zlib alone is the floor. logsift inflates it on a thread of its own while its',
    '  producer scans, so the scan hides under the inflate. A parallel decompressor (rapidgzip\'s two stages: decode from',
    '  guessed deflate block starts on every core, then resolve the back-references) has only the core time the scan leaves',
    '  idle to use: about (inflate + scan CPU) / 2 at best on 2 cores.',
  ]);
  const one = byId(measured, 'gz-one');
  const floor = byId(measured, 'gz-zlib');
  const t1 = byId(measured, oneCore.id);
  const t1free = byId(measured, free.id);
  const t2 = byId(measured, 'gz-parts-t2');
  const floorCheck = ratioCheck(`one gzip file: logsift <= ${GZIP_FLOOR_TARGET} x zlib alone (wall)`, one, floor, 'wall', { max: GZIP_FLOOR_TARGET });
  const speedCheck = ratioCheck(`${gz.parts.length} gzip files: 2 threads >= ${GZIP_SPEEDUP_TARGET} x ${pinnable ? 'one core (1 thread pinned)' : '1 thread'} (wall)`, t1, t2, 'wall', { min: GZIP_SPEEDUP_TARGET });
  return {
    checks: [floorCheck, speedCheck],
    rows: [
      { workload: `one gzip file (${formatSize(oneBytes)}, ${formatSize(ctx.base.bytes)} inside)`, logsift: cell(one), peer: `Node zlib alone: ${cell(floor)}`, verdict: `${formatRatio(ratio(one, floor, 'wall').value)} x (<= ${GZIP_FLOOR_TARGET}): ${floorCheck.verdict}` },
      {
        workload: `the same as ${gz.parts.length} gzip files, 2 threads vs ${pinnable ? 'one core' : '1 thread'}`,
        logsift: `2 threads: ${cell(t2)}`,
        peer: pinnable ? `1 thread on one core: ${cell(t1)}; unpinned: ${cell(t1free)}` : `1 thread: ${cell(t1)}`,
        verdict: `${formatRatio(ratio(t1, t2, 'wall').value)} x (>= ${GZIP_SPEEDUP_TARGET}): ${speedCheck.verdict}`,
      },
    ],
    correct: same,
  };
};

// Compressed inputs: one gzip of the whole workload against Node's zlib decompressing it alone (the floor
// without a parallel decompressor), and the workload as 8 gzip files at 2 threads against 1.

import { join } from 'node:path';
import { statSync } from 'node:fs';
import { ensureGzip } from './derived.js';
import { formatSize } from './sizes.js';
import { formatRatio } from './table.js';
import { shellLine } from './tools.js';
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
  const commands = [
    logsiftCommand(ctx, 'gz-one', 'logsift (default threads), one gzip file', [gz.one]),
    zlib,
    logsiftCommand(ctx, 'gz-parts-t1', `logsift --threads 1, ${gz.parts.length} gzip files`, gz.parts, ['--threads', '1']),
    logsiftCommand(ctx, 'gz-parts-t2', `logsift --threads 2, ${gz.parts.length} gzip files`, gz.parts, ['--threads', '2']),
  ];
  const measured = await runMeasuredRounds(ctx, 'gzip', commands);
  const reference = await ctx.referenceCsv();
  const same = [commands[0], commands[2], commands[3]].every((c) => readText(c.csv!) === reference);
  const oneBytes = statSync(gz.one).size;
  reportSection(ctx, `gzip: one file (${formatSize(oneBytes)}) and ${gz.parts.length} files`, measured, [
    `- logsift's CSV on the gzip file and on the ${gz.parts.length} files (1 and 2 threads) equals its CSV on the plain log: ${same ? 'OK' : 'MISMATCH'}`,
    '- one gzip stream decompresses on one core: zlib alone is the floor. A parallel decompressor (rapidgzip\'s way: start',
    '  at guessed deflate block boundaries on every core, then resolve the back-references) could get near 2 x on 2 cores.',
  ]);
  const one = byId(measured, 'gz-one');
  const floor = byId(measured, 'gz-zlib');
  const t1 = byId(measured, 'gz-parts-t1');
  const t2 = byId(measured, 'gz-parts-t2');
  const floorCheck = ratioCheck(`one gzip file: logsift <= ${GZIP_FLOOR_TARGET} x zlib alone (wall)`, one, floor, 'wall', { max: GZIP_FLOOR_TARGET });
  const speedCheck = ratioCheck(`${gz.parts.length} gzip files: 2 threads >= ${GZIP_SPEEDUP_TARGET} x 1 thread (wall)`, t1, t2, 'wall', { min: GZIP_SPEEDUP_TARGET });
  return {
    checks: [floorCheck, speedCheck],
    rows: [
      { workload: `one gzip file (${formatSize(oneBytes)}, ${formatSize(ctx.base.bytes)} inside)`, logsift: cell(one), peer: `Node zlib alone: ${cell(floor)}`, verdict: `${formatRatio(ratio(one, floor, 'wall').value)} x (<= ${GZIP_FLOOR_TARGET}): ${floorCheck.verdict}` },
      { workload: `the same as ${gz.parts.length} gzip files, 2 threads vs 1`, logsift: `2 threads: ${cell(t2)}`, peer: `1 thread: ${cell(t1)}`, verdict: `${formatRatio(ratio(t1, t2, 'wall').value)} x (>= ${GZIP_SPEEDUP_TARGET}): ${speedCheck.verdict}` },
    ],
    correct: same,
  };
};

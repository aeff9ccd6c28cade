// Many small files: 1,000 files of 100 KB cut from the workload, against the mawk one-liner over the same files.

import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { ensureSmallFiles, SMALL_FILE_BYTES } from './derived.js';
import { formatSize } from './sizes.js';
import { formatRatio } from './table.js';
import { MAWK_PROGRAM, REFERENCE_AWK_PROGRAM, shellLine } from './tools.js';
import { decodeAwkOutput, diffPairs, formatDifference, pairsFromAwk, pairsFromCsv } from './verify.js';
import { warmCache } from './workload.js';
import { byId, cell, logsiftCommand, ratio, ratioCheck, readText, reportSection, runMeasuredRounds, type Family, type WorkloadCommand } from './workloads.js';

export const FILE_COUNT = 1000;

export const filesFamily: Family = async (ctx) => {
  const count = Math.max(1, Math.min(FILE_COUNT, Math.floor(ctx.base.bytes / SMALL_FILE_BYTES)));
  const set = await ensureSmallFiles(ctx.dir, ctx.base, count, ctx.note);
  const folder = dirname(set.files[0]);
  for (const file of set.files) warmCache(file);
  const commands: WorkloadCommand[] = [logsiftCommand(ctx, 'files-logsift', `logsift (default threads), the folder`, [folder])];
  if (ctx.mawk) {
    commands.push({ id: 'files-mawk', label: 'mawk one-liner, the same files', argv: [ctx.mawk, MAWK_PROGRAM, ...set.files], shown: `${shellLine(['mawk', MAWK_PROGRAM])} ${folder}/*.log`, okCodes: [0] });
  }
  const measured = await runMeasuredRounds(ctx, 'files', commands);
  const logsiftPairs = pairsFromCsv(readText(commands[0].csv!));
  let correct = true;
  const notes = [`${set.files.length} files of ${formatSize(SMALL_FILE_BYTES)} (cut at line ends) in ${folder}`];
  if (ctx.mawk) {
    // The quote-aware awk finds the status where logsift does (see the main case's correctness note).
    const reference = spawnSync(ctx.mawk, [REFERENCE_AWK_PROGRAM, ...set.files], { maxBuffer: 1 << 30 });
    const differences = diffPairs(logsiftPairs, pairsFromAwk(decodeAwkOutput(reference.stdout)).pairs);
    correct = reference.status === 0 && differences.length === 0;
    notes.push(`- logsift's ${logsiftPairs.size} (ip, count) pairs against the quote-aware awk's over the same files: ${correct ? 'equal: OK' : `MISMATCH (${differences.length}; first ${differences[0] ? formatDifference(differences[0]) : reference.stderr.toString().trim()})`}`);
  }
  reportSection(ctx, `${set.files.length} small files`, measured, notes);
  const logsift = byId(measured, 'files-logsift');
  if (!ctx.mawk) return { checks: [{ target: 'small files: logsift <= mawk', measured: 'mawk not installed', verdict: 'SKIP' }], rows: [], correct };
  const mawk = byId(measured, 'files-mawk');
  const check = ratioCheck(`${set.files.length} files of 100 KB: logsift <= mawk one-liner (wall)`, logsift, mawk, 'wall', { max: 1 });
  return {
    checks: [check],
    rows: [{ workload: `${set.files.length} files of 100 KB`, logsift: cell(logsift), peer: `mawk one-liner: ${cell(mawk)}`, verdict: `${formatRatio(ratio(logsift, mawk, 'wall').value)} x (<= 1): ${check.verdict}` }],
    correct,
  };
};

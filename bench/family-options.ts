// Every analysis option on the workload: peak memory and time against the default run's, in the same run.

import { formatSize } from './sizes.js';
import { formatRatio } from './table.js';
import { warmCache } from './workload.js';
import { byId, cell, logsiftCommand, peakCheck, ratio, reportSection, runMeasuredRounds, type Family } from './workloads.js';

export const OPTION_RATIO_TARGET = 2;
export const OPTION_PEAK_TARGET_BYTES = 200e6;

/** The options timed, each alone (and the two the users combine most). */
export const ANALYSIS_OPTIONS: ReadonlyArray<readonly string[]> = [
  ['--by', 'ip,path'],
  ['--window', '10m'],
  ['--by', 'ip,path', '--window', '10m'],
  ['--since', '12h'],
  ['--until', '2024-05-01T12:00:00Z'],
  ['--include-ip', '10.0.0.0/8', '2001:db8::/32'],
  ['--exclude-ip', '10.0.0.0/8'],
  ['--errorcodes', '4xx', '5xx'],
  ['--by', 'path'],
  ['--by', 'path', '--keep-query'],
  ['--by', 'status'],
  ['--by', 'method'],
  ['--by', 'user_agent'],
  ['--by', 'referrer'],
  ['--most', '10'],
];

export const optionsFamily: Family = async (ctx) => {
  warmCache(ctx.base.path);
  const commands = [
    logsiftCommand(ctx, 'opt-default', 'default run', [ctx.base.path]),
    ...ANALYSIS_OPTIONS.map((args, i) => logsiftCommand(ctx, `opt-${i}`, args.join(' '), [ctx.base.path], args)),
  ];
  const measured = await runMeasuredRounds(ctx, 'options', commands);
  reportSection(ctx, `analysis options on ${formatSize(ctx.base.bytes)}`, measured, []);
  const reference = byId(measured, 'opt-default');
  const checks = [];
  const rows = [];
  for (const m of measured.slice(1)) {
    const { value, text } = ratio(m, reference, 'cpu');
    const peak = peakCheck(`${m.label}: peak < ${OPTION_PEAK_TARGET_BYTES / 1e6} MB`, m, OPTION_PEAK_TARGET_BYTES);
    const time = { target: `${m.label}: <= ${OPTION_RATIO_TARGET} x the default run (CPU)`, measured: text, verdict: value <= OPTION_RATIO_TARGET ? 'PASS' as const : 'FAIL' as const };
    checks.push(peak, time);
    const verdict = peak.verdict === 'PASS' && time.verdict === 'PASS' ? 'PASS' : 'FAIL';
    rows.push({ workload: `\`${m.label}\`, ${formatSize(ctx.base.bytes)}`, logsift: cell(m), peer: `default run: ${cell(reference)}`, verdict: `${formatRatio(value)} x CPU (<= ${OPTION_RATIO_TARGET}), peak < 200 MB: ${verdict}` });
  }
  return { checks, rows, correct: true };
};

// Every format logsift reads, on the same events as the Combined log (bench/convert.ts writes them): time per
// event against the Combined default run's, in the same run, and the same groups and counts.

import { statSync } from 'node:fs';
import { ensureFormats } from './derived.js';
import { formatSize } from './sizes.js';
import { formatRatio } from './table.js';
import { compareGroups } from './verify.js';
import { warmCache } from './workload.js';
import { byId, cell, logsiftCommand, ratio, ratioCheck, readText, reportSection, runMeasuredRounds, type Family } from './workloads.js';

export const FORMAT_RATIO_TARGET = 1.5;

export const formatsFamily: Family = async (ctx) => {
  const set = await ensureFormats(ctx.dir, ctx.base, ctx.note);
  const events = set.info.events;
  const combined = logsiftCommand(ctx, 'fmt-combined', `Combined (default run), ${formatSize(ctx.base.bytes)}`, [ctx.base.path]);
  const commands = [combined, ...set.formats.map((format, i) =>
    logsiftCommand(ctx, `fmt-${format.id}`, `${format.label}, ${formatSize(statSync(set.files[i]).size)}`, [set.files[i]], format.flags))];
  for (const path of [ctx.base.path, ...set.files]) warmCache(path);
  const measured = await runMeasuredRounds(ctx, 'formats', commands);
  const expected = readText(combined.csv!);
  const lines: string[] = [`${events} events in every file (${set.info.lines} lines in the Combined log; lines that are no access line are not converted)`];
  let correct = true;
  for (const command of commands.slice(1)) {
    const difference = compareGroups(expected, readText(command.csv!));
    correct &&= difference === null;
    lines.push(`- ${command.label}: ${difference === null ? 'same groups and counts as the Combined run: OK' : `MISMATCH: ${difference}`}`);
  }
  reportSection(ctx, 'the same events in every format', measured, lines);
  const reference = byId(measured, 'fmt-combined');
  const checks = [];
  const rows = [];
  for (const m of measured.slice(1)) {
    const check = ratioCheck(`${m.label.replace(/,.*$/, '')}: time per event <= ${FORMAT_RATIO_TARGET} x Combined's (CPU)`, m, reference, 'cpu', { max: FORMAT_RATIO_TARGET });
    checks.push(check);
    const perEvent = m.cpu === null ? '' : `, ${((m.cpu / events) * 1e9).toFixed(0)} ns CPU per event`;
    rows.push({ workload: m.label, logsift: `${cell(m)}${perEvent}`, peer: `Combined default run: ${cell(reference)}`, verdict: `${formatRatio(ratio(m, reference, 'cpu').value)} x per event (<= ${FORMAT_RATIO_TARGET}): ${check.verdict}` });
  }
  return { checks, rows, correct };
};

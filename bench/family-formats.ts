// Every format logsift reads, on the same events as the Combined log (bench/convert.ts writes them): time per
// event against the Combined default run's, in the same run, and the same groups and counts.

import { closeSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureFormats } from './derived.js';
import { formatSize } from './sizes.js';
import { formatRatio, formatSeconds } from './table.js';
import { compareGroups } from './verify.js';
import { byId, cell, logsiftCommand, ratio, ratioCheck, readText, reportSection, runMeasuredRounds, type Family } from './workloads.js';

export const FORMAT_RATIO_TARGET = 1.5;

export const formatsFamily: Family = async (ctx) => {
  const set = await ensureFormats(ctx.dir, ctx.base, ctx.note);
  const events = set.info.events;
  const combined = logsiftCommand(ctx, 'fmt-combined', `Combined (default run), ${formatSize(ctx.base.bytes)}`, [ctx.base.path]);
  // The fixed cost (start-up, detection, output) on the first 64 KiB of the log: what a run costs besides its events.
  const head = Buffer.alloc(64 * 1024);
  const fd = openSync(ctx.base.path, 'r');
  const got = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const headPath = join(ctx.outDir, 'fmt-startup.log');
  writeFileSync(headPath, head.subarray(0, head.lastIndexOf(0x0a, got - 1) + 1));
  const startup = logsiftCommand(ctx, 'fmt-startup', 'fixed cost: the first 64 KiB', [headPath]);
  // The files together (about 16 GiB from the 1 GiB log) are more than a 24 GiB machine was seen to keep
  // cached: each run's own input is read in again just before it, so that no run reads the disk.
  const commands = [{ ...combined, warm: [ctx.base.path] }, startup, ...set.formats.map((format, i) => ({
    ...logsiftCommand(ctx, `fmt-${format.id}`, `${format.label}, ${formatSize(statSync(set.files[i]).size)}`, [set.files[i]], format.flags),
    warm: [set.files[i]],
  }))];
  const measured = await runMeasuredRounds(ctx, 'formats', commands);
  const expected = readText(combined.csv!);
  const lines: string[] = [`${events} events in every file (${set.info.lines} lines in the Combined log; lines that are no access line are not converted)`];
  let correct = true;
  for (const command of commands.slice(2)) {
    const difference = compareGroups(expected, readText(command.csv!));
    correct &&= difference === null;
    lines.push(`- ${command.label}: ${difference === null ? 'same groups and counts as the Combined run: OK' : `MISMATCH: ${difference}`}`);
  }
  reportSection(ctx, 'the same events in every format', measured, lines);
  const reference = byId(measured, 'fmt-combined');
  const fixed = byId(measured, 'fmt-startup');
  const checks = [];
  const rows = [];
  for (const m of measured.slice(2)) {
    const name = m.label.replace(/,.*$/, '');
    const whole = ratio(m, reference, 'cpu');
    let check = ratioCheck(`${name}: time per event <= ${FORMAT_RATIO_TARGET} x Combined's (CPU)`, m, reference, 'cpu', { max: FORMAT_RATIO_TARGET });
    let net: number | null = null;
    if (m.cpu !== null && reference.cpu !== null && fixed.cpu !== null && reference.cpu > fixed.cpu) {
      // Per event means the events' cost: the fixed cost of a run (the same in every format) comes off both sides.
      net = (m.cpu - fixed.cpu) / (reference.cpu - fixed.cpu);
      check = {
        target: `${name}: time per event <= ${FORMAT_RATIO_TARGET} x Combined's (CPU, fixed cost ${formatSeconds(fixed.cpu)} s off both)`,
        measured: `${formatRatio(net)} x (${formatSeconds(m.cpu - fixed.cpu)} s vs ${formatSeconds(reference.cpu - fixed.cpu)} s; whole processes ${whole.text})`,
        verdict: net <= FORMAT_RATIO_TARGET ? 'PASS' : 'FAIL',
      };
    }
    checks.push(check);
    const perEvent = m.cpu === null || fixed.cpu === null ? '' : `, ${(((m.cpu - fixed.cpu) / events) * 1e9).toFixed(0)} ns CPU per event`;
    const shown = net === null ? `${formatRatio(whole.value)} x per event` : `${formatRatio(net)} x per event (${formatRatio(whole.value)} x whole)`;
    rows.push({ workload: m.label, logsift: `${cell(m)}${perEvent}`, peer: `Combined default run: ${cell(reference)}`, verdict: `${shown} (<= ${FORMAT_RATIO_TARGET}): ${check.verdict}` });
  }
  return { checks, rows, correct };
};

// Many groups: a log of distinct IPv6 clients (peak memory), and runs that report a million rows or more, in
// CSV, JSON and NDJSON: rows written per CPU second, over the same run with few rows reported.

import { readFileSync } from 'node:fs';
import { CLIENT_LINE_BYTES, ensureManyClients } from './derived.js';
import { formatSize } from './sizes.js';
import { formatMegabytes, formatSeconds } from './table.js';
import { warmCache } from './workload.js';
import type { TargetCheck } from './targets.js';
import { byId, cell, logsiftCommand, peakCheck, reportSection, runMeasuredRounds, type Family, type Measured, type WorkloadCommand } from './workloads.js';

export const MANY_CLIENTS = 1_000_000;
export const CLIENTS_PEAK_TARGET_BYTES = 300e6;
export const ROWS_PER_SECOND_TARGET = 1e6;
const OUTPUTS = ['csv', 'json', 'ndjson'] as const;

/** Rows in an output file: CSV lines after the header, NDJSON lines, JSON rows (each an object on its own line or not). */
function countRows(path: string, kind: (typeof OUTPUTS)[number]): number {
  const text = readFileSync(path, 'utf8');
  if (kind === 'json') {
    const parsed = JSON.parse(text) as unknown;
    const rows = Array.isArray(parsed) ? parsed : (parsed as { rows?: unknown[]; groups?: unknown[] }).rows ?? (parsed as { groups?: unknown[] }).groups ?? [];
    return rows.length;
  }
  const lines = text.split('\n').filter((line) => line !== '').length;
  return kind === 'csv' ? lines - 1 : lines;
}

export const groupsFamily: Family = async (ctx) => {
  const clients = Math.max(1000, Math.min(MANY_CLIENTS, Math.floor(ctx.base.bytes / CLIENT_LINE_BYTES)));
  const many = await ensureManyClients(ctx.dir, clients, ctx.note);
  warmCache(many.path);
  warmCache(ctx.base.path);
  const sets: Array<{ name: string; input: string; base: WorkloadCommand; outputs: WorkloadCommand[] }> = [
    { name: `${clients} IPv6 clients`, input: many.path, base: logsiftCommand(ctx, 'grp-clients', `${clients} clients, --threads 2`, [many.path], ['--threads', '2']), outputs: [] },
    { name: `--by ip,path, ${formatSize(ctx.base.bytes)}`, input: ctx.base.path, base: logsiftCommand(ctx, 'grp-bypath', `--by ip,path, ${formatSize(ctx.base.bytes)}`, [ctx.base.path], ['--by', 'ip,path']), outputs: [] },
  ];
  sets[0].outputs = OUTPUTS.map((kind) => logsiftCommand(ctx, `grp-clients-${kind}`, `${clients} clients --threshold 1 -> ${kind}`, [many.path], ['--threads', '2', '--threshold', '1'], kind));
  sets[1].outputs = OUTPUTS.map((kind) => logsiftCommand(ctx, `grp-bypath-${kind}`, `--by ip,path --threshold 1 -> ${kind}`, [ctx.base.path], ['--by', 'ip,path', '--threshold', '1'], kind));
  const commands = sets.flatMap((s) => [s.base, ...s.outputs]);
  const measured = await runMeasuredRounds(ctx, 'groups', commands, ctx.rounds ?? 2);
  const checks: TargetCheck[] = [];
  const rows = [];
  const notes = [`the many-clients log: ${many.path}, ${formatSize(many.bytes)}, ${many.origin}`, 'rows/s: rows written over the CPU time the run took beyond the same run with the default threshold (few rows)'];
  let correct = true;
  const clientsRun = byId(measured, 'grp-clients');
  checks.push(peakCheck(`${clients} distinct clients at 2 threads: peak < ${CLIENTS_PEAK_TARGET_BYTES / 1e6} MB`, clientsRun, CLIENTS_PEAK_TARGET_BYTES));
  rows.push({ workload: `${clients} distinct IPv6 clients, all 404 (${formatSize(many.bytes)}), 2 threads`, logsift: cell(clientsRun), peer: '-', verdict: `peak ${formatMegabytes(clientsRun.peakBytes)} MB (< 300): ${checks[0].verdict}` });
  for (const set of sets) {
    const base = byId(measured, set.base.id);
    let counted: number | null = null;
    for (const [i, command] of set.outputs.entries()) {
      const m: Measured = byId(measured, command.id);
      const rowCount = countRows(command.csv!, OUTPUTS[i]);
      if (counted !== null && rowCount !== counted) correct = false;
      counted ??= rowCount;
      if (set.input === many.path && rowCount !== clients) correct = false;
      const extra = m.cpu !== null && base.cpu !== null ? m.cpu - base.cpu : m.wall - base.wall;
      const perSecond = extra > 0 ? rowCount / extra : Infinity;
      const check: TargetCheck = {
        target: `${command.label}: > 1 M rows/s`,
        measured: `${rowCount} rows, ${(perSecond / 1e6).toFixed(2)} M rows/s (${formatSeconds(extra)} s CPU beyond the default threshold's run; whole run ${formatSeconds(m.wall)} s wall; load ${m.load.toFixed(1)})`,
        verdict: perSecond > ROWS_PER_SECOND_TARGET ? 'PASS' : 'FAIL',
      };
      checks.push(check);
      rows.push({ workload: `${set.name}, --threshold 1, ${OUTPUTS[i].toUpperCase()} (${rowCount} rows)`, logsift: cell(m), peer: `default threshold: ${cell(base)}`, verdict: `${(perSecond / 1e6).toFixed(2)} M rows/s (> 1): ${check.verdict}` });
    }
    notes.push(`- ${set.name}: every output holds the same number of rows (${counted})${set.input === many.path ? `, one per client` : ''}: ${correct ? 'OK' : 'MISMATCH'}`);
  }
  reportSection(ctx, 'many groups', measured, notes);
  return { checks, rows, correct };
};

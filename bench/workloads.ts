// The workload families (`--workloads formats,json,...`): what each gets from the bench, what it gives back
// (figures, target verdicts, README rows), and the helpers they share. One file per family: bench/family-*.ts.

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import type { Samples } from './figures.js';
import { maximum, median } from './stats.js';
import { formatMegabytes, formatRatio, formatSeconds, markdownTable } from './table.js';
import type { TargetCheck } from './targets.js';
import { shellLine } from './tools.js';
import type { Workload } from './workload.js';

export const DEFAULT_WORKLOAD_ROUNDS = 3;

export const WORKLOAD_IDS = ['core', 'formats', 'json', 'files', 'gzip', 'options', 'groups'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export interface WorkloadCommand {
  readonly id: string;
  readonly label: string;
  readonly argv: readonly string[];
  /** The command as a person would type it (relative paths, `node`). */
  readonly shown: string;
  /** Exit codes that mean success (rg exits 1 when nothing matches). */
  readonly okCodes: readonly number[];
  /** The file logsift writes (its output), when it is one. */
  readonly csv?: string;
  /**
   * Files read into the page cache before each of its runs (not timed): where a family's inputs together are
   * more than the machine keeps cached, a run would otherwise read part of its own from the disk.
   */
  readonly warm?: readonly string[];
}

/** One command's figures over its rounds. */
export interface Measured {
  readonly id: string;
  readonly label: string;
  readonly shown: string;
  readonly runs: number;
  readonly wall: number;
  /** Median user + system seconds; null without GNU time. */
  readonly cpu: number | null;
  readonly peakBytes: number | null;
  /** Median 1-minute load average at the end of its runs. */
  readonly load: number;
}

export interface WorkloadContext {
  /** The combined log every family derives its inputs from. */
  readonly base: Workload;
  readonly dir: string;
  readonly outDir: string;
  readonly logsift: string;
  /** --rounds; undefined: each family's default (DEFAULT_WORKLOAD_ROUNDS unless it says otherwise). */
  readonly rounds: number | undefined;
  readonly mawk: string | null;
  readonly rg: string | null;
  readonly say: (line?: string) => void;
  readonly note: (line: string) => void;
  /** Runs every command `rounds` times, order rotated each round. */
  readonly runRounds: (name: string, commands: readonly WorkloadCommand[], rounds: number) => Promise<Samples[]>;
  /** logsift's CSV for the base log at the default settings (one untimed run, then kept). */
  readonly referenceCsv: () => Promise<string>;
}

/** A row for the README's Benchmark table. */
export interface ReadmeRow {
  readonly workload: string;
  readonly logsift: string;
  readonly peer: string;
  readonly verdict: string;
}

export interface FamilyResult {
  readonly checks: TargetCheck[];
  readonly rows: ReadmeRow[];
  /** False when a result differs from what it must equal. */
  readonly correct: boolean;
}

export type Family = (ctx: WorkloadContext) => Promise<FamilyResult>;

/** `node dist/bundle/cli/logsift.js --input ... --output OUT --no-progress ...extra`. */
export function logsiftCommand(ctx: WorkloadContext, id: string, label: string, inputs: readonly string[], extra: readonly string[] = [], extension = 'csv'): WorkloadCommand {
  const csv = join(ctx.outDir, `${id}.${extension}`);
  const args = ['--input', ...inputs, '--output', csv, '--no-progress', '--top', '0', ...extra];
  const shownInputs = inputs.length > 3 ? [...inputs.slice(0, 2).map((p) => relative(process.cwd(), p) || p), `... (${inputs.length} paths)`] : inputs;
  return {
    id,
    label,
    argv: [process.execPath, ctx.logsift, ...args],
    shown: shellLine(['node', relative(process.cwd(), ctx.logsift), '--input', ...shownInputs, ...args.slice(1 + inputs.length)]),
    okCodes: [0],
    csv,
  };
}

export function measure(commands: readonly WorkloadCommand[], samples: readonly Samples[]): Measured[] {
  return commands.map((command, i) => {
    const s = samples[i];
    const cpu = (s.cpu ?? []).filter((c): c is number => c !== null);
    const peaks = s.peaks.filter((p): p is number => p !== null);
    return {
      id: command.id,
      label: command.label,
      shown: command.shown,
      runs: s.seconds.length,
      wall: median(s.seconds),
      cpu: cpu.length > 0 ? median(cpu) : null,
      peakBytes: peaks.length > 0 ? maximum(peaks) : null,
      load: s.load && s.load.length > 0 ? median(s.load) : loadavg()[0],
    };
  });
}

/** Runs the commands and returns their figures, printing nothing. */
export async function runMeasuredRounds(ctx: WorkloadContext, name: string, commands: readonly WorkloadCommand[], rounds = ctx.rounds ?? DEFAULT_WORKLOAD_ROUNDS): Promise<Measured[]> {
  return measure(commands, await ctx.runRounds(name, commands, rounds));
}

export function figuresTable(measured: readonly Measured[]): string {
  return markdownTable(
    ['command', 'wall s', 'CPU s', 'peak MB', 'load'],
    measured.map((m) => [m.label, formatSeconds(m.wall), m.cpu === null ? '-' : formatSeconds(m.cpu), formatMegabytes(m.peakBytes), m.load.toFixed(1)]),
    ['left', 'right', 'right', 'right', 'right'],
  );
}

export type Basis = 'wall' | 'cpu';

const valueOf = (m: Measured, basis: Basis): number | null => (basis === 'wall' ? m.wall : m.cpu);

/** `a` over `b` on the basis (CPU when measured, else wall), with the other basis and the load beside it. */
export function ratio(a: Measured, b: Measured, basis: Basis): { value: number; text: string } {
  const used: Basis = basis === 'cpu' && (a.cpu === null || b.cpu === null) ? 'wall' : basis;
  const value = valueOf(a, used)! / valueOf(b, used)!;
  const other: Basis = used === 'cpu' ? 'wall' : 'cpu';
  const otherA = valueOf(a, other);
  const otherB = valueOf(b, other);
  const otherText = otherA !== null && otherB !== null ? `; ${other === 'cpu' ? 'CPU' : 'wall'} ${formatRatio(otherA / otherB)} x` : '';
  const text =
    `${formatRatio(value)} x ${used === 'cpu' ? 'CPU' : 'wall'} (${formatSeconds(valueOf(a, used)!)} s vs ${formatSeconds(valueOf(b, used)!)} s${otherText}; ` +
    `load ${a.load.toFixed(1)})`;
  return { value, text };
}

/** A target `a / b <= max` (or `>= min`), judged on the basis. */
export function ratioCheck(target: string, a: Measured, b: Measured, basis: Basis, bound: { max?: number; min?: number }): TargetCheck {
  const { value, text } = ratio(a, b, basis);
  const ok = (bound.max === undefined || value <= bound.max) && (bound.min === undefined || value >= bound.min);
  return { target, measured: text, verdict: ok ? 'PASS' : 'FAIL' };
}

export function peakCheck(target: string, m: Measured, maxBytes: number): TargetCheck {
  if (m.peakBytes === null) return { target, measured: 'peak memory not measured here', verdict: 'SKIP' };
  return { target, measured: `${formatMegabytes(m.peakBytes)} MB (${m.label})`, verdict: m.peakBytes < maxBytes ? 'PASS' : 'FAIL' };
}

/** `1.23 s, CPU 2.10 s, 150.0 MB, load 3.1`: how a README cell shows one command (the load beside every figure:
 * on a busy machine wall times mean little, CPU times and peaks keep their meaning). */
export function cell(m: Measured): string {
  const cpu = m.cpu === null ? '' : `, CPU ${formatSeconds(m.cpu)} s`;
  return `${formatSeconds(m.wall)} s${cpu}, ${formatMegabytes(m.peakBytes)} MB, load ${m.load.toFixed(1)}`;
}

export const byId = (measured: readonly Measured[], id: string): Measured => {
  const found = measured.find((m) => m.id === id);
  if (!found) throw new Error(`no figures for ${id}`);
  return found;
};

export const readText = (path: string): string => readFileSync(path, 'utf8');

/** Prints a family's section: its figures, commands, and correctness lines. */
export function reportSection(ctx: WorkloadContext, title: string, measured: readonly Measured[], notes: readonly string[]): void {
  ctx.say(`## Workload: ${title}`);
  ctx.say();
  ctx.say(figuresTable(measured));
  ctx.say();
  ctx.say(`${measured[0]?.runs ?? 0} rounds, order rotated; medians; wall = spawn to exit; CPU = user + system of the whole process; load = 1-minute load average`);
  for (const line of notes) ctx.say(line);
  ctx.say();
  ctx.say('commands:');
  for (const m of measured) ctx.say(`  ${m.label}: ${m.shown}`);
  ctx.say();
}

export function readmeTable(rows: readonly ReadmeRow[]): string {
  return markdownTable(['workload', 'logsift', 'peer, same run', 'target'], rows.map((r) => [r.workload, r.logsift, r.peer, r.verdict]));
}

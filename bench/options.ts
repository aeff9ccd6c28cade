// The bench's command line: `npm run bench -- [--rounds N] [--bytes 1G] [--input FILE] [--small] [--flat] [--workloads LIST] ...`.

import { Command, InvalidArgumentError, Option } from 'commander';
import { parseSize } from './sizes.js';
import type { GeneratorChoice } from './workload.js';
import { WORKLOAD_IDS, type WorkloadId } from './workloads.js';

export type Mode = 'main' | 'small' | 'flat' | 'cluster';

export interface BenchOptions {
  readonly modes: readonly Mode[];
  /** Workload families run after the modes (bench/family-*.ts). */
  readonly workloads: readonly WorkloadId[];
  /** Rounds per mode; undefined: the mode's default. */
  readonly rounds?: number;
  /** The log to read; undefined: generated under `dir`. */
  readonly input?: string;
  /** Size of the generated log; undefined: 1 GiB (or the input as it is). */
  readonly bytes?: number;
  readonly seed: number;
  readonly generator: GeneratorChoice;
  readonly dir: string;
  /** How peak memory is measured: the most exact available (auto), or forced (to try the fallback). */
  readonly peak: PeakChoice;
}

export type PeakChoice = 'auto' | 'gnu-time' | 'proc-poll';

export const DEFAULT_DIR = '/tmp/logsift-bench';
export const DEFAULT_BYTES = 1024 ** 3;
export const SMALL_BYTES = 1024 ** 2;
export const DEFAULT_SEED = 7;
export const DEFAULT_ROUNDS: Record<Mode, number> = { main: 5, small: 5, flat: 3, cluster: 3 };

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a positive integer.');
  return Number(value);
}

function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('must be an integer >= 0.');
  return Number(value);
}

/** `formats,json` or `formats json` or `all`: the families, in the order given, each once. */
export function workloadList(value: string, previous: WorkloadId[] = []): WorkloadId[] {
  const names = value.split(/[\s,]+/).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError(`names no workload (${WORKLOAD_IDS.join(', ')}, all).`);
  const chosen = [...previous];
  for (const name of names) {
    const add = name === 'all' ? [...WORKLOAD_IDS] : [name as WorkloadId];
    for (const id of add) {
      if (!WORKLOAD_IDS.includes(id)) throw new InvalidArgumentError(`'${name}' is not a workload (${WORKLOAD_IDS.join(', ')}, all).`);
      if (!chosen.includes(id)) chosen.push(id);
    }
  }
  return chosen;
}

function size(value: string): number {
  try {
    return parseSize(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function buildBenchProgram(): Command {
  return new Command()
    .name('npm run bench --')
    .description(
      'Times logsift (1 and 2 threads) against a mawk one-liner and rg -c, alternately, on a generated log;\n' +
        'prints medians, MiB/s, peak memory, ratios, the speed targets, and checks the results against mawk.',
    )
    .option('--rounds <n>', 'timed runs of each command (default: 5; 3 with --flat and the workloads, 2 for groups)', positiveInteger)
    .option('--bytes <size>', 'size of the generated log, e.g. 32M, 1G (default: 1G); the workloads derive their inputs from it (64M: a quick check)', size)
    .option('--input <path>', 'log to read (default: $LOGSIFT_BENCH_INPUT, else generated in --dir)')
    .option('--seed <n>', 'generator seed', nonNegativeInteger, DEFAULT_SEED)
    .option('--small', 'the 1 MiB case instead (target: under 0.3 s, whole process)')
    .option('--flat', 'peak memory on the log and on 4 copies of it instead (target: within 15%)')
    .option('--cluster', 'the log through `logsift --redis` with 1 and 2 local workers against the local run (needs redis-server)')
    .option('--workloads <list>', `workload families, in this order (comma-separated): ${WORKLOAD_IDS.join(', ')}, or all; alone, they replace the main case`, workloadList)
    .option('--all', 'the main case, then --small, then --flat, then every workload family')
    .addOption(
      new Option('--generator <which>', 'generator for missing logs').choices(['auto', 'shared', 'own']).default('auto'),
    )
    .option('--dir <path>', 'where generated logs and outputs go (default: $LOGSIFT_BENCH_DIR, else /tmp/logsift-bench)')
    .addOption(
      new Option('--peak <method>', 'peak memory method (default: GNU time when present)')
        .choices(['auto', 'gnu-time', 'proc-poll'])
        .default('auto'),
    )
    .allowExcessArguments(false);
}

interface RawOptions {
  rounds?: number;
  bytes?: number;
  input?: string;
  seed: number;
  small?: boolean;
  flat?: boolean;
  cluster?: boolean;
  all?: boolean;
  workloads?: WorkloadId[];
  generator: GeneratorChoice;
  dir?: string;
  peak: PeakChoice;
}

export function parseBenchArgs(argv: readonly string[], env: NodeJS.ProcessEnv, program = buildBenchProgram()): BenchOptions {
  program.parse(argv, { from: 'user' });
  const raw = program.opts<RawOptions>();
  const modes: Mode[] = raw.all ? ['main', 'small', 'flat'] : [];
  if (!raw.all) {
    if (raw.small) modes.push('small');
    if (raw.flat) modes.push('flat');
    if (raw.cluster) modes.push('cluster');
    if (modes.length === 0 && raw.workloads === undefined) modes.push('main');
  }
  return {
    modes,
    workloads: raw.all ? [...WORKLOAD_IDS] : raw.workloads ?? [],
    rounds: raw.rounds,
    input: raw.input ?? (env.LOGSIFT_BENCH_INPUT || undefined),
    bytes: raw.bytes,
    seed: raw.seed,
    generator: raw.generator,
    dir: raw.dir ?? (env.LOGSIFT_BENCH_DIR || DEFAULT_DIR),
    peak: raw.peak,
  };
}

#!/usr/bin/env node
// npm run bench: the measuring instrument: logsift against its peers, in the same run.
//
//   generate the workload once (or reuse it) -> read it once (warm cache) -> run every command once per round,
//   rotating the order (A B C D, B C D A, ...), each timed from spawn to exit with its peak memory -> medians,
//   ratios, targets -> check logsift's (ip, count) pairs against the mawk one-liner's.
//
// Progress goes to stderr, the report to stdout (Markdown tables, pasteable into the README).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { computeFigures, figuresTable, type Figures, type Samples } from './figures.js';
import { describeMachine, formatMachine } from './machine.js';
import { detectPeakMethod, runMeasured, type PeakMethod } from './measure.js';
import { DEFAULT_BYTES, DEFAULT_ROUNDS, DEFAULT_SEED, SMALL_BYTES, parseBenchArgs, type BenchOptions, type Mode } from './options.js';
import { formatSize, sizeTag } from './sizes.js';
import { roundOrder } from './stats.js';
import { formatMegabytes, formatRatio, formatSeconds } from './table.js';
import { flatTargets, mainTargets, SMALL_WORKLOAD_BYTES, smallTargets, smallWorkloadNote, targetsTable, type TargetCheck } from './targets.js';
import { MAWK_PROGRAM, REFERENCE_AWK_PROGRAM, RG_PATTERN, findExecutable, shellLine } from './tools.js';
import { decodeAwkOutput, diffPairs, formatDifference, pairsFromAwk, pairsFromCsv } from './verify.js';
import { runClusterBench } from './cluster.js';
import { runWorkloads } from './run-workloads.js';
import type { WorkloadCommand, WorkloadContext } from './workloads.js';
import { runReportPageBench } from './report-page.js';
import { ensureGenerated, ensureRepeated, pickGenerator, warmCache, type Generator, type Workload } from './workload.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOGSIFT_MAIN = join(REPO_ROOT, 'dist', 'bundle', 'cli', 'logsift.js');
const SHOWN_DIFFERENCES = 10;

const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const note = (line: string): void => void process.stderr.write(`${line}\n`);

/** A timed command: logsift's or a peer's. */
type BenchCommand = WorkloadCommand;

interface Tools {
  readonly method: PeakMethod;
  readonly mawk: string | null;
  readonly rg: string | null;
  readonly outDir: string;
}

function logsiftCommand(id: string, label: string, file: string, threads: number | undefined, outDir: string): BenchCommand {
  const csv = join(outDir, `${id}.csv`);
  const args = ['--input', file, '--output', csv, '--no-progress', ...(threads === undefined ? [] : ['--threads', String(threads)])];
  return {
    id,
    label,
    argv: [process.execPath, LOGSIFT_MAIN, ...args],
    shown: shellLine(['node', relative(process.cwd(), LOGSIFT_MAIN) || LOGSIFT_MAIN, ...args]),
    okCodes: [0],
    csv,
  };
}

function baselineCommands(file: string, tools: Tools): BenchCommand[] {
  const commands: BenchCommand[] = [];
  if (tools.mawk) {
    commands.push({
      id: 'mawk',
      label: 'mawk one-liner',
      argv: [tools.mawk, MAWK_PROGRAM, file],
      shown: shellLine(['mawk', MAWK_PROGRAM, file]),
      okCodes: [0],
    });
  }
  if (tools.rg) {
    commands.push({
      id: 'rg',
      label: 'rg -c (counts lines only)',
      argv: [tools.rg, '-c', RG_PATTERN, file],
      shown: shellLine(['rg', '-c', RG_PATTERN, file]),
      okCodes: [0, 1],
    });
  }
  return commands;
}

function tail(path: string, lines = 5): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const stdoutOf = (tools: Tools, id: string): string => join(tools.outDir, `${id}.stdout`);

/** Every command once per round, in rotated order; returns the samples of each command. */
async function runRounds(name: string, commands: readonly BenchCommand[], rounds: number, tools: Tools): Promise<Samples[]> {
  const samples = new Map<string, Samples>(commands.map((c) => [c.id, { id: c.id, label: c.label, seconds: [], peaks: [], cpu: [], load: [] }]));
  const width = Math.max(...commands.map((c) => c.label.length));
  for (let round = 0; round < rounds; round++) {
    for (const command of roundOrder(commands, round)) {
      for (const path of command.warm ?? []) warmCache(path);
      const stderrPath = join(tools.outDir, `${command.id}.stderr`);
      const result = await runMeasured(
        { argv: command.argv, stdoutPath: stdoutOf(tools, command.id), stderrPath, peakPath: join(tools.outDir, `${command.id}.peak`) },
        tools.method,
      );
      if (result.exitCode === null || !command.okCodes.includes(result.exitCode)) {
        const how = result.signal ? `signal ${result.signal}` : `exit ${result.exitCode}`;
        throw new Error(`${command.label} failed (${how}): ${command.shown}\n${tail(stderrPath)}`);
      }
      const sample = samples.get(command.id)!;
      sample.seconds.push(result.seconds);
      sample.peaks.push(result.peakBytes);
      sample.cpu!.push(result.cpuSeconds);
      sample.load!.push(loadavg()[0]);
      note(
        `[${name} ${round + 1}/${rounds}] ${command.label.padEnd(width)}  ${formatSeconds(result.seconds).padStart(7)} s  ${formatMegabytes(result.peakBytes).padStart(7)} MB`,
      );
    }
  }
  return commands.map((c) => samples.get(c.id)!);
}

/**
 * logsift at 1 and 2 threads must write the same CSV, and its (ip, count) pairs must equal the mawk one-liner's.
 * They can differ on lines where awk's 9th word is not the status; a quote-aware awk then tells whether that
 * explains every difference. Returns false on a difference nothing explains.
 */
function verify(file: string, commands: readonly BenchCommand[], tools: Tools): boolean {
  let ok = true;
  const csvs = commands.filter((c) => c.csv !== undefined);
  const texts = csvs.map((c) => readFileSync(c.csv!, 'utf8'));
  const same = texts.every((text) => text === texts[0]);
  say(`- logsift's CSV at ${csvs.map((c) => c.label.replace(/^logsift /, '')).join(', ')}: ${same ? 'byte-identical: OK' : 'DIFFERENT: MISMATCH'}`);
  ok &&= same;

  const logsift = pairsFromCsv(texts[texts.length - 1]);
  if (!tools.mawk || !commands.some((c) => c.id === 'mawk')) {
    say('- logsift vs the mawk one-liner: not checked (mawk is not installed: apt-get install mawk)');
    return ok;
  }
  const mawk = pairsFromAwk(decodeAwkOutput(readFileSync(stdoutOf(tools, 'mawk')))).pairs;
  const differences = diffPairs(logsift, mawk);
  if (differences.length === 0) {
    say(`- logsift's ${logsift.size} (ip, count) pairs equal the mawk one-liner's: OK`);
    return ok;
  }
  say(`- logsift vs the mawk one-liner: ${differences.length} of ${new Set([...logsift.keys(), ...mawk.keys()]).size} clients differ; the first (ip: logsift / mawk, - = not reported):`);
  for (const d of differences.slice(0, SHOWN_DIFFERENCES)) say(`    ${formatDifference(d)}`);

  note('checking the differences with a quote-aware awk (one more pass over the file, not timed) ...');
  const reference = spawnSync(tools.mawk, [REFERENCE_AWK_PROGRAM, file], { maxBuffer: 1 << 30 });
  if (reference.status !== 0) {
    say(`- the quote-aware awk failed (exit ${reference.status}): ${reference.stderr.toString().trim()}`);
    return false;
  }
  const { pairs, tallies } = pairsFromAwk(decodeAwkOutput(reference.stdout));
  const left = diffPairs(logsift, pairs);
  const moved = tallies.get('moved') ?? 0;
  const wrong = tallies.get('wrong') ?? 0;
  say(
    `  why: the one-liner takes awk's 9th word as the status, which it is only when the quoted request has exactly three words.\n` +
      `  In this file ${moved} lines have a matching status that is not the 9th word (raw spaces in the path, no protocol,\n` +
      `  an empty "" or one-word request such as a binary probe written as \\xNN: the one-liner misses them), and ${wrong} lines\n` +
      `  have a matching code as 9th word that is not their status (the one-liner counts them). logsift parses the request.`,
  );
  if (left.length === 0) {
    say(`  An awk that takes the word after the request's closing quote agrees with logsift on all ${logsift.size} clients: explained, OK`);
    return ok;
  }
  say(`  MISMATCH: logsift differs from the quote-aware awk too, on ${left.length} clients (ip: logsift / awk):`);
  for (const d of left.slice(0, SHOWN_DIFFERENCES)) say(`    ${formatDifference(d)}`);
  return false;
}

function reportFigures(title: string, workloads: readonly Workload[], figures: readonly Figures[], commands: readonly BenchCommand[], rounds: number, tools: Tools): void {
  say(`## ${title}`);
  say();
  for (const w of workloads) say(`file: ${w.path}, ${w.bytes} bytes (${formatSize(w.bytes)}), ${w.origin}`);
  say(`${rounds} rounds; order rotated each round; times are whole processes, spawn to exit; page cache warm`);
  say();
  say(figuresTable(figures));
  say();
  const t1 = figures.find((f) => f.id === 't1');
  const t2 = figures.find((f) => f.id === 't2');
  if (t1 && t2) say(`2 threads vs 1 thread: ${formatRatio(t1.median / t2.median)} x faster`);
  say(`x mawk, x rg: median time over the median of that command (below 1: faster). MB = 10^6 bytes; peak = highest of the rounds.`);
  say(`peak memory: ${tools.method.description}`);
  if (!tools.mawk) say('mawk: not installed, skipped (apt-get install mawk)');
  if (!tools.rg) say('rg: not installed, skipped (apt-get install ripgrep)');
  say();
  say('commands:');
  for (const c of commands) say(`  ${c.label}: ${c.shown}`);
  say();
}

function reportTargets(checks: readonly TargetCheck[]): void {
  say(targetsTable(checks));
  say();
}

const missingNotes = (tools: Tools): { mawk?: string; rg?: string } => ({
  mawk: tools.mawk ? undefined : 'not installed: apt-get install mawk',
  rg: tools.rg ? undefined : 'not installed: apt-get install ripgrep',
});

/** The log of the main case: --input as it is, or generated (and reused) under --dir. */
async function mainWorkload(options: BenchOptions, generator: Generator): Promise<Workload> {
  if (options.input !== undefined) {
    const path = resolve(options.input);
    if (existsSync(path) && options.bytes === undefined) {
      const stats = statSync(path);
      if (!stats.isFile()) throw new Error(`--input is not a file: ${options.input}`);
      return { path, bytes: stats.size, origin: 'given (--input)' };
    }
    return ensureGenerated(path, options.bytes ?? DEFAULT_BYTES, options.seed, generator, false, note);
  }
  const bytes = options.bytes ?? DEFAULT_BYTES;
  const name = bytes === DEFAULT_BYTES && options.seed === DEFAULT_SEED ? 'big.log' : `big-${sizeTag(bytes)}-seed${options.seed}.log`;
  return ensureGenerated(join(options.dir, name), bytes, options.seed, generator, true, note);
}

async function runMain(options: BenchOptions, generator: Generator, tools: Tools): Promise<boolean> {
  const workload = await mainWorkload(options, generator);
  const rounds = options.rounds ?? DEFAULT_ROUNDS.main;
  const commands = [
    logsiftCommand('t1', 'logsift --threads 1', workload.path, 1, tools.outDir),
    logsiftCommand('t2', 'logsift --threads 2', workload.path, 2, tools.outDir),
    ...baselineCommands(workload.path, tools),
  ];
  note(`warming the page cache: reading ${workload.path} once ...`);
  warmCache(workload.path);
  const figures = computeFigures(await runRounds('main', commands, rounds, tools), workload.bytes);
  reportFigures(`Workload: ${formatSize(workload.bytes)}, default codes, threshold 10 (the default job's settings)`, [workload], figures, commands, rounds, tools);
  if (workload.bytes < SMALL_WORKLOAD_BYTES) say(smallWorkloadNote(workload.bytes));
  say('correctness:');
  const correct = verify(workload.path, commands, tools);
  say();
  reportTargets(mainTargets(figures, missingNotes(tools)));
  say('(the 1 MB target: npm run bench -- --small; flat memory: npm run bench -- --flat)');
  say();
  return correct;
}

async function runSmall(options: BenchOptions, generator: Generator, tools: Tools): Promise<boolean> {
  const name = options.seed === DEFAULT_SEED ? 'small.log' : `small-seed${options.seed}.log`;
  const workload = await ensureGenerated(join(options.dir, name), SMALL_BYTES, options.seed, generator, true, note);
  const rounds = options.rounds ?? DEFAULT_ROUNDS.small;
  const commands = [
    logsiftCommand('t1', 'logsift --threads 1', workload.path, 1, tools.outDir),
    logsiftCommand('t2', 'logsift --threads 2', workload.path, 2, tools.outDir),
    logsiftCommand('default', `logsift (default: ${availableParallelism()} threads)`, workload.path, undefined, tools.outDir),
    ...baselineCommands(workload.path, tools),
  ];
  warmCache(workload.path);
  const figures = computeFigures(await runRounds('small', commands, rounds, tools), workload.bytes);
  reportFigures(`Small file: ${formatSize(workload.bytes)} (start-up cost)`, [workload], figures, commands, rounds, tools);
  say('correctness:');
  const correct = verify(workload.path, commands, tools);
  say();
  reportTargets(smallTargets(figures));
  return correct;
}

async function runFlat(options: BenchOptions, generator: Generator, tools: Tools): Promise<boolean> {
  const one = await mainWorkload(options, generator);
  const four = ensureRepeated(one, join(options.dir, `${basename(one.path).replace(/\.log$/, '')}-x4.log`), 4, note);
  const rounds = options.rounds ?? DEFAULT_ROUNDS.flat;
  // On the big file also 1 thread and rg: start-up and the serial tail weigh 4 times less there, so it shows
  // what the scan itself does with a second thread, and against rg.
  const commands = [
    logsiftCommand('x1', `logsift --threads 2, ${formatSize(one.bytes)}`, one.path, 2, tools.outDir),
    logsiftCommand('x4', `logsift --threads 2, ${formatSize(four.bytes)}`, four.path, 2, tools.outDir),
    logsiftCommand('x4t1', `logsift --threads 1, ${formatSize(four.bytes)}`, four.path, 1, tools.outDir),
    ...baselineCommands(four.path, tools).filter((c) => c.id === 'rg'),
  ];
  note(`warming the page cache: reading ${one.path} and ${four.path} once ...`);
  warmCache(one.path);
  warmCache(four.path);
  const samples = await runRounds('flat', commands, rounds, tools);
  const figures = [...computeFigures(samples.slice(0, 1), one.bytes), ...computeFigures(samples.slice(1), four.bytes)];
  reportFigures('Flat memory: the log and 4 copies of it', [one, four], figures, commands, rounds, tools);
  reportTargets(flatTargets(figures, { one: formatSize(one.bytes), four: formatSize(four.bytes) }));
  return true;
}

/** The cluster case (bench/cluster.ts): the log through the coordinator with 1 and 2 local workers. */
async function runCluster(options: BenchOptions, generator: Generator, tools: Tools): Promise<boolean> {
  const workload = await mainWorkload(options, generator);
  warmCache(workload.path);
  return runClusterBench({
    logsift: LOGSIFT_MAIN, input: workload.path, bytes: workload.bytes, rounds: options.rounds ?? DEFAULT_ROUNDS.cluster, outDir: tools.outDir, say, note,
  });
}

/** The workload families (bench/run-workloads.ts), on the main case's log. */
async function runWorkloadFamilies(options: BenchOptions, generator: Generator, tools: Tools): Promise<boolean> {
  const base = await mainWorkload(options, generator);
  let reference: string | undefined;
  const ctx: WorkloadContext = {
    base, dir: options.dir, outDir: tools.outDir, logsift: LOGSIFT_MAIN, rounds: options.rounds, mawk: tools.mawk, rg: tools.rg, say, note,
    runRounds: (name, commands, rounds) => runRounds(name, commands, rounds, tools),
    referenceCsv: async () => {
      if (reference === undefined) {
        const command = logsiftCommand('reference', 'logsift, the reference run (untimed)', base.path, undefined, tools.outDir);
        const run = spawnSync(command.argv[0], command.argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
        if (run.status !== 0) throw new Error(`the reference run failed: ${command.shown}`);
        reference = readFileSync(command.csv!, 'utf8');
      }
      return reference;
    },
  };
  return runWorkloads(ctx, options.workloads);
}

async function main(): Promise<void> {
  // The report page in a browser (bench/report-page.ts): a case of its own, with its own options.
  if (process.argv.includes('--report')) {
    if (!(await runReportPageBench(process.argv.slice(2), { repoRoot: REPO_ROOT, logsift: LOGSIFT_MAIN, say, note }))) process.exitCode = 1;
    return;
  }
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
  if (!existsSync(LOGSIFT_MAIN)) throw new Error(`${LOGSIFT_MAIN} is missing: run npm run build (npm run bench does)`);
  const outDir = join(options.dir, 'out');
  mkdirSync(outDir, { recursive: true });
  const tools: Tools = { method: detectPeakMethod(options.peak), mawk: findExecutable('mawk'), rg: findExecutable('rg'), outDir };
  const generator = pickGenerator(REPO_ROOT, options.generator);

  say('# logsift benchmark');
  say();
  say(formatMachine(describeMachine()));
  say();
  if (!tools.mawk) note('note: mawk is not installed, so the mawk one-liner is skipped: apt-get install mawk');
  if (!tools.rg) note('note: rg is not installed, so the rg baseline is skipped: apt-get install ripgrep');

  let correct = true;
  for (const mode of options.modes as Mode[]) {
    const run = mode === 'main' ? runMain : mode === 'small' ? runSmall : mode === 'flat' ? runFlat : runCluster;
    correct = (await run(options, generator, tools)) && correct;
  }
  if (options.workloads.length > 0) correct = (await runWorkloadFamilies(options, generator, tools)) && correct;
  if (!correct) {
    note('logsift-bench: results differ (see "correctness" above)');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`logsift-bench: error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

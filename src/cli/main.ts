// logsift's command line: options -> analyze -> save the output (a file, or stdout) -> print the summary (to
// stdout, or to stderr when the output went to stdout). A thin layer over the library. (The executable is
// cli/bin.ts, which starts the producers first and then loads this.)

import { accessSync, constants, existsSync, fstatSync, readFileSync, statSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CommanderError } from 'commander';
import { analyze } from '../engine/analyze.js';
import { removePipeCopies } from '../inputs/pipe-relay.js';
import { resolveInputs, STDIN, type Input } from '../inputs/resolve.js';
import { LogsiftError } from '../base/errors.js';
import { optimizeLater } from '../base/threads.js';
import { removePendingTempFiles, removeStaleTempFiles } from '../sinks/atomic.js';
import { outputFormatFor, saveResult, STDOUT, writeResult, type OutputFormat } from '../sinks/output.js';
import { escapeForTerminal } from '../sinks/terminal-text.js';
import { buildProgram, FOUND_EXIT_STATUS, parseCli, type InputSource } from './args.js';
import { interruptClusterRun, runOnCluster } from './cluster-run.js';
import { HELP_TOPICS } from './help.js';
import { commanderMessage } from './messages.js';
import { clearProgress, createProgress, SILENT_PROGRESS } from './progress.js';
import { mark } from '../base/trace.js';

mark('cli modules loaded');

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Checks on the output that can be made before any work, so a doomed run fails at once. */
function checkOutput(output: string, inputs: readonly Input[]): void {
  if (output === '') throw new LogsiftError('no output file given');
  if (output === STDOUT) return;
  const target = resolve(output);
  if (inputs.some((input) => input.path !== STDIN && resolve(input.path) === target)) {
    throw new LogsiftError(`output would overwrite an input: ${output}`);
  }
  let stat: Stats;
  try {
    stat = statSync(output);
  } catch {
    return; // does not exist yet: fine
  }
  if (stat.isDirectory()) throw new LogsiftError(`output is a folder, not a file: ${output}`);
  // The same file under another name (a link): writing the output would replace a log being read. (Which file
  // each input is was seen as it was resolved: a thousand inputs are not stat()ed again.)
  for (const { file } of inputs) {
    if (file && file.ino === stat.ino && file.dev === stat.dev) {
      throw new LogsiftError(`output would overwrite an input: ${output}`);
    }
  }
}

/** A run over this many files of at most SMALL_FILE_BYTES each optimizes later (base/threads.ts optimizeLater). */
const MANY_FILES = 100;
const SMALL_FILE_BYTES = 512 * 1024;

/** Many files of a few hundred KB at most (each producer then runs its per-file code hundreds of times). */
function manySmallFiles(inputs: readonly Input[]): boolean {
  let small = 0;
  for (const input of inputs) if (input.kind === 'file' && input.size <= SMALL_FILE_BYTES) small++;
  return small >= MANY_FILES;
}

/** Saves the result; a failure becomes one clear line (the existing output, if any, is untouched). */
function save(result: Awaited<ReturnType<typeof analyze>>, output: string, format: OutputFormat, csvSafe: boolean): void {
  try {
    saveResult(result, output, format, { csvSafe });
  } catch (error) {
    const code = whyMissing(output, (error as NodeJS.ErrnoException).code);
    const reason =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? 'a file stands where a folder of its path should be'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOSPC'
            ? 'no space left on the device'
            : code === 'EROFS'
              ? 'read-only file system'
              : (error as Error).message;
    throw new LogsiftError(`cannot write output ${output}: ${reason}`);
  }
}

/** Standard input is a pipe, a socket or a file: something to read when no input is named (not a terminal). */
function stdinIsPipe(): boolean {
  try {
    const stats = fstatSync(0);
    return stats.isFIFO() || stats.isSocket() || stats.isFile();
  } catch {
    return false;
  }
}

/**
 * ENOENT for an output whose folders could not be made says little: the first folder that exists tells why
 * (a read-only file system, no permission), as `mkdir -p` would.
 */
function whyMissing(output: string, code: string | undefined): string | undefined {
  if (code !== 'ENOENT') return code;
  let folder = dirname(resolve(output));
  const exists = (at: string): boolean => {
    try {
      return statSync(at, { throwIfNoEntry: false }) !== undefined;
    } catch {
      return false;
    }
  };
  while (!exists(folder) && dirname(folder) !== folder) folder = dirname(folder);
  try {
    accessSync(folder, constants.W_OK);
    return code;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? code;
  }
}

/**
 * An output that is a FIFO is written when a reader opens it. Waiting for one in a synchronous open would
 * leave Ctrl-C unheard; this waits on the thread pool, and holds the FIFO open so that the save's own open
 * finds the reader at once. Returns the handle to close after the save (undefined: not a FIFO).
 */
async function awaitFifoReader(output: string): Promise<{ close(): Promise<void> } | undefined> {
  let fifo = false;
  try {
    fifo = statSync(output, { throwIfNoEntry: false })?.isFIFO() ?? false;
  } catch {
    // ENOTDIR and the like: the save says why
  }
  if (!fifo) return undefined;
  return open(output, 'w');
}


/** What the first line says of inputs not named. */
const INPUT_NOTES: Readonly<Record<InputSource, string | undefined>> = {
  given: undefined,
  stdin: 'stdin, no input named',
  default: 'the shipped sample: no input named',
};

async function main(argv: readonly string[]): Promise<void> {
  // `logsift help [TOPIC]`, unless a log is named help.
  if (argv[0] === 'help' && argv.length <= 2 && !existsSync('help')) {
    if (argv.length === 1) argv = ['--help'];
    else if (Object.hasOwn(HELP_TOPICS, argv[1])) return void process.stdout.write(`${HELP_TOPICS[argv[1]]}\n`);
    else throw new LogsiftError(`no help on '${argv[1]}': try logsift help ${Object.keys(HELP_TOPICS).join(', logsift help ')} or logsift --help`);
  }
  const program = buildProgram(version)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(escapeForTerminal(commanderMessage(message).replace(/\n$/, '')) + '\n') });
  const cli = parseCli(program, argv, { stdinIsPipe: stdinIsPipe() });
  const outputFormat = outputFormatFor(cli.output, cli.outputFormat);
  const specs = typeof cli.analyze.input === 'string' ? [cli.analyze.input] : cli.analyze.input;
  const resolved = await resolveInputs(specs, { skipUnreadable: true });
  const { inputs } = resolved;
  checkOutput(cli.output, inputs);
  // The HTML report: from --html, or as the output itself (--output report.html).
  const html = cli.html;
  if (html !== undefined) {
    checkOutput(html, inputs);
    if (resolve(html) === resolve(cli.output)) throw new LogsiftError(`--html and --output name the same file: ${html}`);
  }
  const report = html !== undefined || outputFormat === 'html';
  if (specs.includes(STDIN) && process.stdin.isTTY) {
    process.stderr.write('logsift: reading stdin from the terminal (end it with Ctrl-D)\n');
  }

  // The printer (with its table library) loads while the producers work, not before they start.
  const printing = cli.quiet ? undefined : import('../sinks/print.js');
  const progress = await createProgress(process.stderr, cli.progress);
  // Without a bar, no listener: the producers then send no progress messages (each wakes the main thread,
  // which on a machine with as many cores as producers takes one from a producer).
  const onProgress = progress === SILENT_PROGRESS ? undefined : (done: number, total: number | undefined) => progress.update(done, total);
  // Many small files: V8 optimizes later, from when the producers have loaded their code (base/threads.ts).
  const options = { ...cli.analyze, report, onProgress, ...(manySmallFiles(inputs) ? { onProducersLoaded: optimizeLater } : {}) };
  const { result, clusterLines } = await (cli.redis !== undefined
    ? runOnCluster(cli.redis, options).then(({ result, lines }) => ({ result, clusterLines: lines }))
    : analyze(options, resolved).then((result) => ({ result, clusterLines: [] as string[] }))
  ).finally(() => progress.stop());
  if (!cli.quiet) {
    for (const { path, reason } of result.summary.skippedInputs) {
      process.stderr.write(`logsift: warning: skipped input ${escapeForTerminal(`${path} (${reason})`)}\n`);
    }
    for (const warning of result.summary.warnings) process.stderr.write(`logsift: warning: ${escapeForTerminal(warning)}\n`);
  }
  if (cli.output === STDOUT) {
    if (html !== undefined) save(result, html, 'html', false);
    writeResult(result, outputFormat, (bytes) => process.stdout.write(bytes), { csvSafe: cli.csvSafe });
  } else {
    // A run killed mid-save (kill -9) leaves a temp file no one removes: the next save of that output does.
    for (const stale of removeStaleTempFiles(resolve(cli.output))) {
      process.stderr.write(`logsift: warning: removed ${escapeForTerminal(stale)}, a temp file left by an interrupted run\n`);
    }
    // The report first: should it fail (the bigger file, and the page's assets), the CSV is left as it was.
    if (html !== undefined) save(result, html, 'html', false);
    const fifo = await awaitFifoReader(cli.output);
    try {
      save(result, cli.output, outputFormat, cli.csvSafe);
    } finally {
      await fifo?.close();
    }
  }
  mark('saved');
  // The save is synchronous: a signal that came during it waits in the event loop's poll phase. Let one full turn
  // of the loop pass (an immediate, then another after the poll) so that Ctrl-C during the save still ends the
  // run by the signal, the new output complete, rather than being lost at a normal exit.
  await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  if (printing) {
    const { printReport, useColor } = await printing;
    // With the output on stdout, the summary and table go to stderr, out of the pipe's way.
    const stream = cli.output === STDOUT ? process.stderr : process.stdout;
    printReport(result, stream, {
      top: cli.top,
      savedTo: cli.output === STDOUT ? undefined : cli.output,
      color: useColor(stream, cli.color),
      inputNote: INPUT_NOTES[cli.inputSource],
      ...(html !== undefined ? { reportTo: html } : {}),
    });
    for (const line of clusterLines) stream.write(`${line}\n`);
    mark('printed');
  }
  if (cli.failIfFound && result.summary.reported > 0) process.exitCode = FOUND_EXIT_STATUS;
  // BullMQ's closed connections linger on an ioredis timer (about 2 s); all is written, so exit once stdout is.
  if (cli.redis !== undefined) process.stdout.write('', () => process.exit());
}

// Interrupted (Ctrl-C, kill, closed terminal): leave no temp file behind; the old output stays as it was. A
// cluster run first removes its jobs and partials from Redis (within seconds; a second signal does not wait).
// Then die by the signal itself, as the convention asks (a shell reports 128 + its number: 130, 143, 129), and
// at once: process.exit would first wait for the thread pool, where the open() of a FIFO that has no writer yet
// (an input `<(...)` or named pipe with no data) never returns, and the signal would seem ignored.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    clearProgress();
    removePendingTempFiles();
    removePipeCopies();
    const die = (): void => {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    };
    if (interrupted) return die();
    interrupted = true;
    void interruptClusterRun().finally(die);
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // commander has printed the message (or the help/version) already
    process.exitCode = error.exitCode;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  const known = error instanceof LogsiftError || (error as NodeJS.ErrnoException).code !== undefined;
  process.stderr.write(`logsift: error: ${escapeForTerminal(message)}\n`);
  if (!known && process.env.LOGSIFT_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});

// logsift's command line: options -> analyze -> save CSV -> print. A thin layer over the engine. (The
// executable is cli/bin.ts, which starts the producers first and then loads this.)

import { readFileSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { CommanderError } from 'commander';
import { analyze } from '../engine/analyze.js';
import { resolveInputs, STDIN } from '../inputs/resolve.js';
import { LogsiftError } from '../base/errors.js';
import { removePendingTempFiles } from '../sinks/atomic.js';
import { outputFormatFor, saveResult, type OutputFormat } from '../sinks/output.js';
import { buildProgram, parseCli } from './args.js';
import { createProgress } from './progress.js';
import { mark } from '../base/trace.js';

mark('cli modules loaded');

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Checks on the output that can be made before any work, so a doomed run fails at once. */
function checkOutput(output: string, inputs: readonly string[]): void {
  if (output === '') throw new LogsiftError('no output file given');
  const target = resolve(output);
  if (inputs.some((input) => input !== STDIN && resolve(input) === target)) {
    throw new LogsiftError(`output would overwrite an input: ${output}`);
  }
  let stat: Stats;
  try {
    stat = statSync(output);
  } catch {
    return; // does not exist yet: fine
  }
  if (stat.isDirectory()) throw new LogsiftError(`output is a folder, not a file: ${output}`);
  // The same file under another name (a link): writing the output would replace a log being read.
  for (const input of inputs) {
    const inputStat = input === STDIN ? undefined : statSync(input, { throwIfNoEntry: false });
    if (inputStat && inputStat.ino === stat.ino && inputStat.dev === stat.dev) {
      throw new LogsiftError(`output would overwrite an input: ${output}`);
    }
  }
}

/** Saves the result; a failure becomes one clear line (the existing output, if any, is untouched). */
function save(result: Awaited<ReturnType<typeof analyze>>, output: string, format: OutputFormat): void {
  try {
    saveResult(result, output, format);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
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

/** Commander's messages, on one line (it puts "Did you mean ...?" on a second one). */
function oneLine(message: string): string {
  return `${message.trim().replace(/\s*\n\s*/g, ' ')}\n`;
}

async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram(version)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`logsift: ${oneLine(message)}`) });
  const cli = parseCli(program, argv);
  const outputFormat = outputFormatFor(cli.output, cli.outputFormat);
  const specs = typeof cli.analyze.input === 'string' ? [cli.analyze.input] : cli.analyze.input;
  const { inputs } = await resolveInputs(specs, { skipUnreadable: true });
  checkOutput(
    cli.output,
    inputs.map((input) => input.path),
  );
  // The HTML report: from --html, or as the output itself (--output report.html).
  const html = cli.html;
  if (html !== undefined) {
    checkOutput(
      html,
      inputs.map((input) => input.path),
    );
    if (resolve(html) === resolve(cli.output)) throw new LogsiftError(`--html and --output name the same file: ${html}`);
  }
  const report = html !== undefined || outputFormat === 'html';
  if (specs.includes(STDIN) && process.stdin.isTTY) {
    process.stderr.write('logsift: reading stdin from the terminal (end it with Ctrl-D)\n');
  }

  // The printer (with its table library) loads while the producers work, not before they start.
  const printing = import('../sinks/print.js');
  const progress = await createProgress(process.stderr, cli.progress);
  const result = await analyze({ ...cli.analyze, report, onProgress: (done, total) => progress.update(done, total) }).finally(() =>
    progress.stop(),
  );
  for (const { path, reason } of result.summary.skippedInputs) {
    process.stderr.write(`logsift: warning: skipped input ${path} (${reason})\n`);
  }
  for (const warning of result.summary.warnings) process.stderr.write(`logsift: warning: ${warning}\n`);
  // The report first: should it fail (the bigger file, and the page's assets), the CSV is left as it was.
  if (html !== undefined) save(result, html, 'html');
  save(result, cli.output, outputFormat);
  mark('saved');
  const { printReport } = await printing;
  printReport(result, process.stdout, { top: cli.top, savedTo: cli.output, ...(html !== undefined ? { reportTo: html } : {}) });
  mark('printed');
}

// Interrupted (Ctrl-C, kill, closed terminal): leave no temp file behind; the old output stays as it was.
for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  process.on(signal, () => {
    removePendingTempFiles();
    process.exit(exitCode);
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
  process.stderr.write(`logsift: error: ${message}\n`);
  if (!known && process.env.LOGSIFT_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});

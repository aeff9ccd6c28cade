#!/usr/bin/env node
// logsift's command line: options -> analyze -> save CSV -> print. A thin layer over the engine.

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CommanderError } from 'commander';
import { analyze } from '../engine/analyze.js';
import { resolveInputs, STDIN } from '../engine/inputs.js';
import { LogsiftError } from '../errors.js';
import { removePendingTempFiles } from '../sinks/atomic.js';
import { saveCsv } from '../sinks/csv.js';
import { printReport } from '../sinks/print.js';
import { buildProgram, parseCli } from './args.js';
import { createProgress } from './progress.js';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Checks on the output that can be made before any work, so a doomed run fails at once. */
function checkOutput(output: string, inputs: readonly string[]): void {
  const target = resolve(output);
  if (inputs.some((input) => input !== STDIN && resolve(input) === target)) {
    throw new LogsiftError(`output would overwrite an input: ${output}`);
  }
  try {
    if (statSync(output).isDirectory()) throw new LogsiftError(`output is a folder, not a file: ${output}`);
  } catch (error) {
    if (error instanceof LogsiftError) throw error;
    // does not exist yet: fine
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram(version)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`logsift: ${message}`) });
  const cli = parseCli(program, argv);
  const specs = typeof cli.analyze.input === 'string' ? [cli.analyze.input] : cli.analyze.input;
  const { inputs } = await resolveInputs(specs, { skipUnreadable: true });
  checkOutput(
    cli.output,
    inputs.map((input) => input.path),
  );

  const progress = createProgress(process.stderr, cli.progress);
  const result = await analyze({ ...cli.analyze, onProgress: (done, total) => progress.update(done, total) }).finally(() =>
    progress.stop(),
  );
  for (const { path, reason } of result.summary.skippedInputs) {
    process.stderr.write(`logsift: warning: skipped input ${path} (${reason})\n`);
  }
  for (const warning of result.summary.warnings) process.stderr.write(`logsift: warning: ${warning}\n`);
  saveCsv(result, cli.output);
  printReport(result, process.stdout, { top: cli.top, savedTo: cli.output });
}

process.on('SIGINT', () => {
  removePendingTempFiles();
  process.exit(130);
});

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

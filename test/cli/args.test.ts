// cli/args.ts in-process: the brief's flags turn into the right engine options.

import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, test } from 'node:test';
import { CommanderError } from 'commander';
import { buildProgram, parseCli } from '../../src/cli/args.js';
import { EXAMPLES_HELP } from '../../src/cli/help.js';
import { DEFAULT_INPUT, DEFAULT_OUTPUT } from '../../src/cli/defaults.js';
import { DEFAULT_ERROR_CODES } from '../../src/options/analyze-options.js';
import { resolveOptions } from '../../src/options/run-spec.js';

function parse(...argv: string[]) {
  const program = buildProgram('0.0.0')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  return parseCli(program, argv);
}

describe('parseCli', () => {
  test('defaults: the shipped sample, data/output.csv, one thread per CPU, threshold 10, the default codes', () => {
    const cli = parse();
    assert.deepEqual([cli.analyze.input].flat(), [DEFAULT_INPUT]);
    assert.equal(cli.output, DEFAULT_OUTPUT);
    assert.equal(cli.analyze.threads, availableParallelism());
    assert.equal(cli.analyze.threshold, 10);
    assert.deepEqual((cli.analyze.errorCodes ?? DEFAULT_ERROR_CODES).map(Number), [...DEFAULT_ERROR_CODES]);
    assert.deepEqual([...DEFAULT_ERROR_CODES], [400, 401, 403, 404, 405, 500, 501, 502, 503, 504, 505]);
    assert.equal(cli.progress, true);
  });

  test('--errorcodes is variadic and takes commas, until the next flag', () => {
    const cli = parse('--errorcodes', '400', '401', '500,503', '--threads', '12', '--threshold', '3');
    // (Codes may also be classes like 4xx, checked by the engine: the CLI passes them on as written.)
    assert.deepEqual(cli.analyze.errorCodes?.map(String), ['400', '401', '500', '503']);
    assert.equal(cli.analyze.threads, 12);
    assert.equal(cli.analyze.threshold, 3);
  });

  test('bad values are usage errors (exit code 1)', () => {
    // (Bad status codes are the engine's to refuse; test/cli/errors.test.ts runs them through the binary.)
    for (const argv of [['--threads', '0'], ['--threshold', '-1'], ['--threads', 'x'], ['--nope'], ['--format', 'xml']]) {
      assert.throws(() => parse(...argv), (error: unknown) => error instanceof CommanderError && error.exitCode === 1, argv.join(' '));
    }
  });
});

/** Shell words of a command line: single and double quotes group, a `#` word starts a comment. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    if (match[3]?.startsWith('#')) break;
    words.push(match[1] ?? match[2] ?? match[3]);
  }
  return words;
}

describe('--help examples', () => {
  test('every example is a valid command line (parses, and the engine accepts its options)', () => {
    let help = EXAMPLES_HELP + '\n';
    buildProgram('0.0.0')
      .configureOutput({ writeOut: (text) => (help += text) })
      .outputHelp();
    const examples = help
      .split('\n')
      .filter((line) => /^\s*\$ /.test(line))
      .map((line) => line.replace(/^\s*\$ /, '').replace(/\|\|.*$/, '').split('| ').find((part) => part.startsWith('logsift'))!); // `zcat x | logsift ... | head`: the logsift part
    assert.ok(examples.length >= 10, `${examples.length} examples`);
    for (const example of examples) {
      const [command, ...argv] = shellWords(example);
      assert.equal(command, 'logsift', example);
      if (argv.includes('--help') || argv.includes('--version')) continue; // these print and exit
      const cli = parse(...argv);
      assert.doesNotThrow(() => resolveOptions(cli.analyze), example);
    }
  });
});

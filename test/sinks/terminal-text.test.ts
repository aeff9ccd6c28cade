// sinks/terminal-text.ts: log text shown on a terminal never acts on it; and through the printed table, the
// messages and the CLI, while the CSV and JSON keep the bytes exact (and `--csv-safe` defuses formulas).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { escapeBytesForTerminal, escapeForTerminal } from '../../src/sinks/terminal-text.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { formatReport } from '../../src/sinks/print.js';
import { runCli } from '../support/cli.js';
import { analyzeContent, withTempDir } from '../support/files.js';
import { writeFileSync } from 'node:fs';

const ESC = '\x1b';
const BEL = '\x07';
const HOSTILE_AGENT = `${ESC}[2J ${ESC}]0;pwned${BEL}`;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('escapeForTerminal', () => {
  test('the screen-clearing, title-setting User-Agent is shown, not obeyed', () => {
    assert.equal(escapeForTerminal(HOSTILE_AGENT), '\\x1b[2J \\x1b]0;pwned\\x07');
  });

  test('C0, DEL, C1, line separators and direction overrides escaped; other text unchanged', () => {
    assert.equal(escapeForTerminal('a\tb\nc\rd\x00\x7f\x9b'), 'a\\tb\\nc\\rd\\x00\\x7f\\x9b');
    assert.equal(escapeForTerminal('evil\u202egpj.exe \u2028'), 'evil\\u{202e}gpj.exe \\u{2028}');
    assert.equal(escapeForTerminal('Mozilla/5.0 (Windows) é 日本 \\x16 🙂'), 'Mozilla/5.0 (Windows) é 日本 \\x16 🙂');
    assert.equal(escapeForTerminal('lone \ud800 surrogate'), 'lone \\u{d800} surrogate');
  });

  test('no output ever holds a control character, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        assert.doesNotMatch(escapeForTerminal(text), CONTROL);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('escapeBytesForTerminal', () => {
  test('valid UTF-8 shown as text, invalid bytes as \\xNN, controls escaped', () => {
    const raw = (bytes: number[]): string => Buffer.from(bytes).toString('latin1');
    assert.equal(escapeBytesForTerminal(raw([0x61, 0xc3, 0xa9, 0x62])), 'aéb');
    assert.equal(escapeBytesForTerminal(raw([0x61, 0xff, 0xc3, 0x62, 0x9b])), 'a\\xff\\xc3b\\x9b');
    assert.equal(escapeBytesForTerminal(raw([0xed, 0xa0, 0x80])), '\\xed\\xa0\\x80'); // a surrogate in UTF-8 is invalid
    assert.equal(escapeBytesForTerminal(raw([0xc2, 0x9b, 0x1b])), '\\x9b\\x1b'); // a C1 CSI written as valid UTF-8
    assert.equal(escapeBytesForTerminal(raw([0xf0, 0x9f, 0x99, 0x82])), '🙂');
  });

  test('agrees with the platform decoder wherever the bytes are valid UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        const buffer = Buffer.from(bytes);
        const shown = escapeBytesForTerminal(buffer.toString('latin1'));
        assert.doesNotMatch(shown, CONTROL);
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(buffer);
        } catch {
          valid = false;
        }
        if (valid) assert.equal(shown, escapeForTerminal(buffer.toString('utf8')));
        else assert.match(shown, /\\x[89a-f][0-9a-f]/);
      }),
      { numRuns: 3000 },
    );
  });
});

const LOG = [
  `10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 404 1 "-" "${HOSTILE_AGENT}"`,
  `10.0.0.1 - - [10/Oct/2000:13:55:37 -0700] "GET /a HTTP/1.1" 404 1 "-" "=HYPERLINK(\\"http://x\\")"`,
  `10.0.0.1 - - [10/Oct/2000:13:55:38 -0700] "GET /a HTTP/1.1" 404 1 "-" "\xff\xfe bad"`,
  '',
].join('\n');

describe('hostile log text through the sinks', () => {
  test('the printed table escapes it; the CSV keeps the bytes exact; --csv-safe prefixes formulas', async () => {
    const { result, csv } = await analyzeContent(LOG, { threshold: 1, by: 'user_agent' });
    const printed = formatReport(result);
    assert.doesNotMatch(printed, CONTROL);
    assert.ok(printed.includes('\\x1b[2J \\x1b]0;pwned\\x07'), printed);
    assert.ok(printed.includes('\\xff\\xfe bad'), printed);
    assert.ok(csv.includes(HOSTILE_AGENT), 'the CSV holds the bytes as logged');
    assert.ok(csv.includes('\n"=HYPERLINK(\\""http://x\\"")"'), csv);
    const safe = formatCsv(result, { csvSafe: true });
    assert.ok(safe.includes(`\n"'=HYPERLINK(\\""http://x\\"")"`), safe);
    assert.ok(safe.includes(HOSTILE_AGENT));
  });

  test('--csv-safe on the kernel-written CSV too (keys as plain ASCII starting with - = + @)', async () => {
    const log = ['-x', '=1+1', '+cmd', '@SUM(A1)', 'ok']
      .map((client, i) => `${client} - - [10/Oct/2000:13:55:3${i} -0700] "GET / HTTP/1.1" 404 1`)
      .join('\n');
    for (const kernel of [true, false]) {
      const { result } = await analyzeContent(log + '\n', { threshold: 1, kernel });
      const lines = formatCsv(result, { csvSafe: true }).trim().split('\n').slice(1).map((line) => line.split(',')[0]).sort();
      assert.deepEqual(lines, ["'+cmd", "'-x", "'=1+1", "'@SUM(A1)", 'ok']);
      assert.ok(formatCsv(result).includes('\n=1+1,'), 'without --csv-safe the bytes are exact');
    }
  });

  test('the CLI: stdout and stderr hold no control byte from the log or a path', async () => {
    await withTempDir(async (dir) => {
      const input = join(dir, `access${ESC}[2J.log`);
      writeFileSync(input, Buffer.from(LOG, 'latin1'));
      const output = join(dir, 'out.csv');
      const run = await runCli(['--input', input, '--output', output, '--by', 'user_agent', '--threshold', '1', '--no-progress', '--csv-safe']);
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stdout, CONTROL);
      assert.ok(run.stdout.includes('\\x1b[2J \\x1b]0;pwned\\x07'));
      assert.ok(run.stdout.includes('access\\x1b[2J.log'));
      assert.ok(readFileSync(output, 'latin1').includes(`'=HYPERLINK`));
      const missing = await runCli(['--input', join(dir, `no${ESC}]0;x${BEL}.log`), '--output', output, '--no-progress']);
      assert.equal(missing.code, 1);
      assert.doesNotMatch(missing.stderr, CONTROL);
      assert.match(missing.stderr, /^logsift: error: .*no\\x1b\]0;x\\x07\.log/);
    });
  });
});

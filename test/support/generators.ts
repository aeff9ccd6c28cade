// fast-check generators of CLF-family lines and whole logs, shared by the parser and engine property tests.
// Text here is bytes, one char per byte (latin1), so any byte can appear; UTF-8 text is encoded first.

import fc from 'fast-check';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** UTF-8 text as bytes, one char per byte. */
export const utf8Bytes = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

export const EPOCH_MIN = new Date('0001-01-02T00:00:00Z').getTime() / 1000;
export const EPOCH_MAX = new Date('9999-12-30T23:59:59Z').getTime() / 1000;
export const MAX_OFFSET = 23 * 60 + 59;

/** `dd/Mon/yyyy:HH:MM:SS +zzzz` for an instant shown in an offset (minutes). */
export function clfTime(epoch: number, offset: number): string {
  const d = new Date((epoch + offset * 60) * 1000);
  const abs = Math.abs(offset);
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${pad(d.getUTCFullYear(), 4)}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ` +
    `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

export const hosts = fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain(), fc.stringMatching(/^[a-zA-Z0-9._:-]{1,20}$/));
export const idents = fc.oneof(fc.constant('-'), fc.stringMatching(/^[a-z0-9@.]{1,8}$/));

/** Request text as servers log it: escapes, quotes that cannot end it, runs of spaces, any printable byte. */
const requestTokens = fc.oneof(
  { weight: 10, arbitrary: fc.stringMatching(/^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,8}$/) }, // printable, no " or \
  { weight: 2, arbitrary: fc.constantFrom('\\"', '\\\\', '\\x16', '\\xfc', '\\x00', '\\"  200 ', '\\" 404 1 \\"-\\"') },
  // Raw quotes never followed by ` ddd`, whatever token comes next: they cannot end the request.
  { weight: 1, arbitrary: fc.constantFrom('"x', '" x', '" 2x0', '"" 4x', '   ', '\xe9', '\x00', '\xff') },
);
export const requests = fc.array(requestTokens, { maxLength: 12 }).map((tokens) => tokens.join(''));

export const tails = fc.constantFrom(
  '',
  ' -',
  ' 1234',
  ' 0 "-" "-"',
  ' 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
  ' - "-" "Mozilla/5.0 (unclosed',
  ' 12 "\\"quoted\\"" "ua"',
  ' 12 "-"',
);

export interface GeneratedLine {
  readonly line: string;
  readonly client: string;
  readonly status: number;
  readonly epoch: number;
  readonly offset: number;
  readonly request: string;
}

export function lineOf(parts: {
  client: string;
  ident?: string;
  user?: string;
  epoch: number;
  offset: number;
  request: string;
  status: number;
  tail: string;
}): string {
  const { client, ident = '-', user = '-', epoch, offset, request, status, tail } = parts;
  return `${client} ${ident} ${user} [${clfTime(epoch, offset)}] "${request}" ${status}${tail}`;
}

/** Valid combined (or common, by its tail) lines, over the whole range of dates and offsets. */
export const lines: fc.Arbitrary<GeneratedLine> = fc
  .record({
    client: hosts,
    ident: idents,
    user: idents,
    epoch: fc.integer({ min: EPOCH_MIN, max: EPOCH_MAX }),
    offset: fc.integer({ min: -MAX_OFFSET, max: MAX_OFFSET }),
    request: requests,
    status: fc.integer({ min: 100, max: 599 }),
    tail: tails,
  })
  .map((g) => ({ ...g, line: lineOf(g) }));

/** Bytes that matter to the parser, so random strings of them come close to lines. */
const structural = fc.constantFrom(' ', '"', '\\', '[', ']', '/', ':', '+', '-', '0', '1', '4', '5', '9', 'Oct', '2000', '10', 'x', '\x00', '\r', '\xff');
export const nearLines = fc.array(structural, { maxLength: 80 }).map((parts) => parts.join(''));

/** Applies a few byte edits (insert, delete, replace) to a line; never introduces a newline. */
export function mutate(text: string): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 4,
    })
    .map((edits) => {
      const bytes = [...Buffer.from(text, 'latin1')];
      for (const [at, kind, byte] of edits) {
        const i = bytes.length === 0 ? 0 : at % (bytes.length + (kind === 'insert' ? 1 : 0));
        if (kind === 'insert') bytes.splice(i, 0, byte);
        else if (kind === 'delete') bytes.splice(i, 1);
        else bytes[i] = byte;
      }
      return Buffer.from(bytes.filter((b) => b !== 0x0a)).toString('latin1');
    });
}

export const mutatedLines = lines.chain((g) => mutate(g.line));

/**
 * Clients of generated logs: a few, so some go over small thresholds; IPv6, names, multi-byte UTF-8, bytes that
 * are not UTF-8, and characters that need CSV quoting.
 */
export const LOG_CLIENTS = [
  '10.0.0.1',
  '10.0.0.2',
  '192.168.1.254',
  '2001:db8::1',
  '::1',
  'crawl-66-249-66-1.googlebot.com',
  utf8Bytes('ünïcødé.example'),
  utf8Bytes('日本.example'),
  utf8Bytes('😀.example'),
  '\xff\xfebad-utf8',
  'quote"and,comma',
  'cr\rinside',
  '\tleading-tab',
  'trailing-nbsp\xa0',
];

export const LOG_STATUSES = [200, 304, 400, 401, 403, 404, 500, 503, 599];

/** One line of a generated log, without its line ending. */
const logLine: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .record({
        client: fc.constantFrom(...LOG_CLIENTS),
        // A few days around a DST change, in several offsets, so first/last are decided by instant.
        epoch: fc.integer({ min: 1445700000, max: 1445800000 }),
        offset: fc.constantFrom(0, 60, 120, -240, 330, -570, -MAX_OFFSET, MAX_OFFSET),
        request: requests,
        status: fc.constantFrom(...LOG_STATUSES),
        tail: tails,
      })
      .map(lineOf),
  },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: nearLines },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b.filter((x) => x !== 0x0a)).toString('latin1')) },
  { weight: 1, arbitrary: mutatedLines },
);

/** A whole log: lines with LF or CRLF endings, and a last line with or without its newline. */
export const logs: fc.Arbitrary<Buffer> = fc
  .tuple(fc.array(fc.tuple(logLine, fc.constantFrom('\n', '\n', '\r\n')), { maxLength: 60 }), fc.boolean())
  .map(([entries, finalNewline]) => {
    let text = entries.map(([line, eol]) => line + eol).join('');
    if (!finalNewline && text.endsWith('\n')) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
    return Buffer.from(text, 'latin1');
  });

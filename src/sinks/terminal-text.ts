// Text from a log (and a path, a header, anything the user did not type) shown on a terminal: every string
// there is attacker-controlled, and a terminal obeys control sequences, so `ESC[2J` in a User-Agent would
// clear the analyst's screen and `ESC]0;...BEL` set its title. This is the one function that makes such text
// safe to print, as lnav does: control characters and invalid UTF-8 are shown visibly (`\x1b`, `\xff`), never
// sent. The CSV and JSON keep the bytes exact; only what reaches a terminal goes through here.

/**
 * Characters a terminal may act on: C0 controls and DEL, C1 controls (U+0080-U+009F: 0x9b alone is CSI on
 * many terminals), the line and paragraph separators, and the bidirectional overrides and isolates that
 * make text display in another order than it is (U+202A-U+202E, U+2066-U+2069).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  return NAMED[ch] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`);
}

/** Lone surrogates (a JS string may hold them; UTF-8 cannot): not text, shown as escapes too. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `text` safe for a terminal: control and direction characters escaped (`\x1b`, `\t`, `\u{202e}`), lone
 * surrogates too. Backslashes stay as they are: Apache and nginx already write `\x16` for a byte they escaped,
 * and that reads best unchanged.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, escapeChar).replace(LONE_SURROGATE, escapeChar);
}

/** Length of the valid UTF-8 sequence at bytes[i] (1 to 4), or 0 where the byte starts none. */
function utf8SequenceAt(bytes: Buffer, i: number): number {
  const b0 = bytes[i];
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < bytes.length && bytes[i + k] >= lo && bytes[i + k] <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/**
 * Bytes as logged (`raw`, one char per byte, as group keys are held) safe for a terminal: valid UTF-8 shown
 * as its text (escaped as `escapeForTerminal` does), every byte of invalid UTF-8 as `\xNN`.
 */
export function escapeBytesForTerminal(raw: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x20-\x7e]/.test(raw)) return raw; // printable ASCII: as it is
  const bytes = Buffer.from(raw, 'latin1');
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceAt(bytes, i);
    if (length === 0) {
      out += `\\x${bytes[i].toString(16).padStart(2, '0')}`;
      i++;
    } else {
      out += escapeForTerminal(bytes.toString('utf8', i, i + length));
      i += length;
    }
  }
  return out;
}

// Correctness inside the bench: logsift's (ip, count) pairs against the awk one-liner's, with the differences shown.

/** The first field of a CSV line, unquoted (`"a""b",3` -> `a"b`), and the rest of the line after its comma. */
function firstCsvField(line: string): [string, string] {
  if (!line.startsWith('"')) {
    const comma = line.indexOf(',');
    return comma < 0 ? [line, ''] : [line.slice(0, comma), line.slice(comma + 1)];
  }
  let value = '';
  let i = 1;
  for (;;) {
    const quote = line.indexOf('"', i);
    if (quote < 0) throw new Error(`unterminated quoted field: ${line}`);
    value += line.slice(i, quote);
    if (line[quote + 1] === '"') {
      value += '"';
      i = quote + 2;
    } else {
      return [value, line.slice(quote + 2)];
    }
  }
}

/** key -> count from logsift's CSV (header skipped; keys never contain a line break in a log). */
export function pairsFromCsv(csv: string): Map<string, number> {
  const pairs = new Map<string, number>();
  const lines = csv.split(/\r?\n/).filter((line) => line !== '');
  for (const line of lines.slice(1)) {
    const [key, rest] = firstCsvField(line);
    const [count] = firstCsvField(rest);
    pairs.set(key, Number(count));
  }
  return pairs;
}

/** key -> count from awk's `key,count` lines (the key may hold commas: the count is after the last one). Lines that
 * start with `#` are the reference awk's tallies, returned apart. */
export function pairsFromAwk(text: string): { pairs: Map<string, number>; tallies: Map<string, number> } {
  const pairs = new Map<string, number>();
  const tallies = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comma = line.lastIndexOf(',');
    const key = line.slice(0, comma);
    const count = Number(line.slice(comma + 1));
    if (key.startsWith('#')) tallies.set(key.slice(1), count);
    else pairs.set(key, count);
  }
  return { pairs, tallies };
}

export interface PairDifference {
  readonly key: string;
  /** null: the key is not among this side's rows (under the threshold, or not seen). */
  readonly left: number | null;
  readonly right: number | null;
}

/** Every key whose count differs between the two sides, in byte order of the key. */
export function diffPairs(left: ReadonlyMap<string, number>, right: ReadonlyMap<string, number>): PairDifference[] {
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const differences: PairDifference[] = [];
  for (const key of keys) {
    const l = left.get(key) ?? null;
    const r = right.get(key) ?? null;
    if (l !== r) differences.push({ key, left: l, right: r });
  }
  return differences;
}

/** `1.2.3.4: 12 / 11`, `-` for a missing side. */
export function formatDifference(difference: PairDifference): string {
  const show = (n: number | null): string => (n === null ? '-' : String(n));
  return `${difference.key}: ${show(difference.left)} / ${show(difference.right)}`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** awk writes keys as the log's raw bytes; logsift writes them as UTF-8 text when they are valid UTF-8, else one char
 * per byte. Decoding awk's output line by line the same way makes the two comparable. */
export function decodeAwkOutput(bytes: Buffer): string {
  const lines: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const line = bytes.subarray(start, end);
    try {
      lines.push(strictUtf8.decode(line));
    } catch {
      lines.push(line.toString('latin1'));
    }
    start = end + 1;
  }
  return lines.join('\n');
}

/** The CSV's columns that say when, not how many: they differ between formats that write time differently. */
const TIME_COLUMNS = new Set(['first_seen', 'last_seen', 'peak_window_start']);

/** Every row of logsift's CSV without its time columns, sorted: two runs found the same groups and counts when
 * these are equal, whatever time zone each log writes. */
export function groupRows(csv: string): string[] {
  const lines = csv.split(/\r?\n/).filter((line) => line !== '');
  if (lines.length === 0) return [];
  const header = lines[0].split(',');
  const keep = header.map((name) => !TIME_COLUMNS.has(name));
  const rows = lines.slice(1).map((line) => {
    const cells: string[] = [];
    let rest = line;
    for (let col = 0; col < header.length; col++) {
      const [cell, after] = firstCsvField(rest);
      if (keep[col]) cells.push(cell);
      rest = after;
    }
    return cells.join('\u0000');
  });
  return [lines[0].split(',').filter((_, i) => keep[i]).join(','), ...rows.sort()];
}

/** How two CSVs' groups differ: null when they are the same, else a short description. */
export function compareGroups(expected: string, actual: string): string | null {
  const a = groupRows(expected);
  const b = groupRows(actual);
  if (a.length === b.length && a.every((row, i) => row === b[i])) return null;
  const only = (x: string[], y: string[]): string[] => { const set = new Set(y); return x.filter((row) => !set.has(row)); };
  const missing = only(a, b);
  const extra = only(b, a);
  const show = (row: string | undefined): string => (row === undefined ? '-' : row.replace(/\u0000/g, ','));
  return `${a.length - 1} rows expected, ${b.length - 1} read; ${missing.length} missing (first: ${show(missing[0])}), ${extra.length} unexpected (first: ${show(extra[0])})`;
}

// Saving the result as CSV: `<key fields>,count,<status columns>...,first_seen,last_seen`, one row per reported
// group, and with a window `peak_window_count,peak_window_start` at the end.
// Quoting is RFC 4180 and written by hand: a general CSV library took 150 ms for 27k rows, a quarter of a
// whole 1 GiB run. Rows the engine ranked are written as bytes straight from its merged table (no string or
// object per row); rows given as objects (hand-made results) take the same columns from the objects.

import { keyPartBounds } from '../tables/composite-key.js';
import { KEY_CSV, RowProgram, type KernelRowFormat } from '../tables/kernel-table.js';
import { RankedGroups } from '../tables/ranked.js';
import { decodeKey, type AnalyzeResult, type ResultRow } from '../tables/result.js';
import { writeFileAtomic } from './atomic.js';
import { ByteWriter, collectText, latin1, writeAll } from './bytes.js';

/** A field as CSV: quoted (quotes doubled) when it holds a comma, quote, CR or LF, or starts/ends with a space. */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export interface CsvOptions {
  /**
   * For spreadsheets: a key cell starting with `=`, `+`, `-`, `@`, TAB or CR (which Excel, LibreOffice and
   * Sheets would run as a formula) is prefixed with `'`, as OWASP's CSV-injection advice says. Off by default:
   * the CSV then holds the log's bytes exactly.
   */
  readonly csvSafe?: boolean;
}

/** A cell that a spreadsheet would read as a formula (OWASP: CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A key cell, made safe for a spreadsheet when asked. */
function keyField(value: string, csvSafe: boolean | undefined): string {
  return csvField(csvSafe && FORMULA_START.test(value) ? `'${value}` : value);
}

function isFormulaByte(byte: number): boolean {
  return byte === 0x3d || byte === 0x2b || byte === 0x2d || byte === 0x40 || byte === 0x09 || byte === 0x0d;
}

export function csvLine(fields: ReadonlyArray<string | number>): string {
  return fields.map(csvField).join(',') + '\n';
}

export function csvHeader(result: AnalyzeResult): string[] {
  const header = [...result.keyFields, 'count', ...result.statusColumns, 'first_seen', 'last_seen'];
  return result.windowSeconds ? [...header, 'peak_window_count', 'peak_window_start'] : header;
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** True when key[start, end) is written as is: printable ASCII without comma, quote or space. */
function isPlainKey(key: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = key[i];
    if (byte <= 0x20 || byte >= 0x7f || byte === 0x22 || byte === COMMA) return false;
  }
  return true;
}

/** Row i of the engine's ranking, from its table. */
function writeRankedRow(out: ByteWriter, ranked: RankedGroups, i: number, csvSafe: boolean | undefined, bounds: Int32Array): void {
  const { table, order, peaks, keyFields } = ranked;
  const row = order[i];
  const keys = table.keys;
  keyPartBounds(keys, table.keyStart(row), table.keyEnd(row), keyFields, bounds);
  for (let p = 0; p < keyFields; p++) {
    const start = bounds[2 * p];
    const end = bounds[2 * p + 1];
    if (p > 0) out.byte(COMMA);
    // Keys other than plain ASCII (to quote, or not valid UTF-8) go the way of the row objects.
    if (isPlainKey(keys, start, end) && !(csvSafe && end > start && isFormulaByte(keys[start]))) out.bytes(keys, start, end);
    else out.text(keyField(decodeKey(latin1(keys, start, end)), csvSafe));
  }
  out.byte(COMMA);
  out.uint(table.total(row));
  for (let c = 0; c < table.columns; c++) {
    out.byte(COMMA);
    out.uint(table.columnCount(row, c));
  }
  out.byte(COMMA);
  out.stampIso(table.first(row));
  out.byte(COMMA);
  out.stampIso(table.last(row));
  if (peaks) {
    out.byte(COMMA);
    out.uint(peaks.count[i]);
    out.byte(COMMA);
    out.stampIso(peaks.start[i]);
  }
  out.byte(NEWLINE);
}

/** A row given as an object. (Counts and ISO times never need quoting: no comma, quote or space.) */
function writeRowObject(out: ByteWriter, row: ResultRow, windowed: boolean, csvSafe: boolean | undefined): void {
  let text = `${row.keys.map((key) => keyField(key, csvSafe)).join(',')},${row.count},${row.byCode.join(',')},${row.firstSeen},${row.lastSeen}`;
  if (windowed) text += `,${row.peakWindowCount},${row.peakWindowStart}`;
  out.text(text + '\n');
}

/** A CSV row as the kernel writes it (no window: a ranking with peaks has no kernel table). */
function kernelCsvRow(keyFields: number, columns: number): KernelRowFormat {
  const comma = Uint8Array.of(COMMA);
  const program = new RowProgram().key(0);
  for (let p = 1; p < keyFields; p++) program.piece(comma).key(p);
  for (let c = 0; c <= columns; c++) program.piece(comma).count(c);
  return program.piece(comma).stamp('first').piece(comma).stamp('last').piece(Uint8Array.of(NEWLINE)).build(KEY_CSV);
}

function writeCsv(out: ByteWriter, result: AnalyzeResult, { csvSafe }: CsvOptions): void {
  out.text(csvLine(csvHeader(result)));
  const { reported } = result;
  if (reported instanceof RankedGroups) {
    const { kernelTable, order } = reported;
    const bounds = new Int32Array(2 * reported.keyFields);
    const format = kernelTable && !csvSafe && !reported.peaks ? kernelCsvRow(reported.keyFields, reported.table.columns) : undefined;
    for (let i = 0; i < reported.length; ) {
      if (kernelTable && format) {
        // The kernel writes what it can (ASCII keys quoted too); a row it cannot (a key to decode ...) is written here.
        const { next, bytes } = kernelTable.writeRows(format, order, i);
        if (next > i) {
          out.chunk(bytes);
          i = next;
          continue;
        }
      }
      writeRankedRow(out, reported, i++, csvSafe, bounds);
    }
  } else {
    for (let i = 0; i < reported.length; i++) writeRowObject(out, reported.at(i), Boolean(result.windowSeconds), csvSafe);
  }
}

/** The whole CSV as text (for small results and tests). */
export function formatCsv(result: AnalyzeResult, options: CsvOptions = {}): string {
  return collectText((out) => writeCsv(out, result, options));
}

/** Writes the CSV through `write` (stdout ...), a chunk at a time; a chunk is valid only during the call. */
export function writeCsvTo(result: AnalyzeResult, write: (bytes: Uint8Array) => void, options: CsvOptions = {}): void {
  const out = new ByteWriter(write);
  writeCsv(out, result, options);
  out.end();
}

/** Writes the CSV to `path` atomically: an existing file is replaced whole or not at all. */
export function saveCsv(result: AnalyzeResult, path: string, options: CsvOptions = {}): void {
  writeFileAtomic(path, (fd) => {
    const out = new ByteWriter((bytes) => writeAll(fd, bytes));
    writeCsv(out, result, options);
    out.end();
  });
}

// The JSON and NDJSON rows of an engine result, written as bytes straight from its merged table: the constant
// parts of a row (names, braces) made once, the keys escaped on their bytes, counts and instants written as
// digits. No string or object per row: the same bytes as `JSON.stringify(jsonRow(result, row))` (sinks/json.ts
// stays the reference, and tests compare the two), at a fraction of the cost on a million rows.

import { STAMP_ISO_MAX_BYTES, writeStampIso } from '../base/time.js';
import { keyPartBounds } from '../tables/composite-key.js';
import { KEY_JSON, RowProgram, type KernelRowFormat } from '../tables/kernel-table.js';
import type { RankedGroups } from '../tables/ranked.js';
import { decodeKey, type AnalyzeResult } from '../tables/result.js';
import { latin1, writeUint, type ByteWriter } from './bytes.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = '0123456789abcdef';

/** JSON.stringify's short escapes of control characters. */
const SHORT_ESCAPES: ReadonlyMap<number, number> = new Map([
  [0x08, 0x62], // \b
  [0x09, 0x74], // \t
  [0x0a, 0x6e], // \n
  [0x0c, 0x66], // \f
  [0x0d, 0x72], // \r
]);

const encoder = new TextEncoder();

/**
 * The names of an object's properties in the order JSON.stringify writes them, each with the index of the value
 * it ends up holding, for an object filled as `names.forEach((name, i) => (object[name] = values[i]))`: names
 * that are array indices come first, in numeric order (`404` before `4xx`), and a repeated name keeps its first
 * place and its last value. Asking an object is the one sure way to get this right.
 */
function propertyOrder(names: readonly string[]): Array<[string, number]> {
  const object: Record<string, number> = {};
  names.forEach((name, i) => (object[name] = i));
  return Object.entries(object);
}

/** True when bytes[start, end) is ASCII that JSON writes as it is (no quote, backslash or control character). */
function isPlainAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte < 0x20 || byte >= 0x80 || byte === QUOTE || byte === BACKSLASH) return false;
  }
  return true;
}

/** True when bytes[start, end) is ASCII (escaped below on its bytes; other bytes go through decodeKey). */
function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] >= 0x80) return false;
  return true;
}

/** ASCII bytes as a JSON string, escaped as JSON.stringify escapes them. */
function writeEscapedAscii(out: ByteWriter, bytes: Uint8Array, start: number, end: number): void {
  out.byte(QUOTE);
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte === QUOTE || byte === BACKSLASH) {
      out.byte(BACKSLASH);
      out.byte(byte);
    } else if (byte < 0x20) {
      out.byte(BACKSLASH);
      const short = SHORT_ESCAPES.get(byte);
      if (short !== undefined) out.byte(short);
      else out.text(`u00${HEX[byte >> 4]}${HEX[byte & 15]}`);
    } else {
      out.byte(byte);
    }
  }
  out.byte(QUOTE);
}

/** Writes the rows of a RankedGroups as JSON objects, one call per row. */
export class JsonRowWriter {
  private readonly ranked: RankedGroups;
  /** Per key property, in written order: the bytes before its value and which key part it holds. */
  private readonly keyHeads: Uint8Array[];
  private readonly keyParts: number[];
  private readonly countHead: Uint8Array;
  /** Per status property, in written order: the bytes before its value and which column it holds. */
  private readonly statusHeads: Uint8Array[];
  private readonly statusColumns: number[];
  /**
   * The whole `,"by_status":{...` as it is when every count is 0, and where each count's `0` sits in it: a row
   * copies it in a few pieces, around the counts that are not 0 (most are), instead of one piece per column.
   */
  private readonly zeroStatus: Buffer;
  private readonly zeroAt: number[];
  private readonly firstHead: Uint8Array;
  private readonly lastHead: Uint8Array;
  private readonly peakCountHead: Uint8Array | undefined;
  private readonly peakStartHead: Uint8Array | undefined;
  private readonly close: Uint8Array;
  private readonly bounds: Int32Array;
  /** Bytes of a row but its key's. */
  private readonly fixedBytes: number;

  /** A writer for `result`'s rows; undefined when they are not an engine ranking this can write (write objects). */
  static for(result: AnalyzeResult, ranked: RankedGroups): JsonRowWriter | undefined {
    // With a window every ranked row has its peak; a ranking without peaks has rows JSON.stringify writes otherwise.
    if (Boolean(result.windowSeconds) !== (ranked.peaks !== undefined)) return undefined;
    if (ranked.keyFields !== result.keyFields.length) return undefined;
    return new JsonRowWriter(result, ranked);
  }

  private constructor(result: AnalyzeResult, ranked: RankedGroups) {
    this.ranked = ranked;
    const keys = propertyOrder(result.keyFields);
    this.keyHeads = keys.map(([name], i) => encoder.encode(`${i === 0 ? '{"key":{' : ','}${JSON.stringify(name)}:`));
    this.keyParts = keys.map(([, part]) => part);
    this.countHead = encoder.encode(`${keys.length === 0 ? '{"key":{' : ''}},"count":`);
    const columns = propertyOrder(result.statusColumns);
    this.statusHeads = columns.map(([name], i) => encoder.encode(`${i === 0 ? ',"by_status":{' : ','}${JSON.stringify(name)}:`));
    this.statusColumns = columns.map(([, column]) => column);
    this.firstHead = encoder.encode(`${columns.length === 0 ? ',"by_status":{' : ''}},"first_seen":"`);
    const zero = this.statusHeads.map((head) => Buffer.concat([head, Buffer.from('0')]));
    this.zeroAt = zero.map((_, s) => zero.slice(0, s + 1).reduce((sum, piece) => sum + piece.length, 0) - 1);
    this.zeroStatus = Buffer.concat(zero);
    this.lastHead = encoder.encode('","last_seen":"');
    if (ranked.peaks) {
      this.peakCountHead = encoder.encode('","peak_window_count":');
      this.peakStartHead = encoder.encode(',"peak_window_start":"');
    }
    this.close = encoder.encode('"}');
    this.bounds = new Int32Array(2 * ranked.keyFields);
    const heads = [...this.keyHeads, this.countHead, ...this.statusHeads, this.firstHead, this.lastHead, this.close];
    if (ranked.peaks) heads.push(this.peakCountHead!, this.peakStartHead!);
    const numbers = 1 + this.statusHeads.length + (ranked.peaks ? 1 : 0);
    const instants = 2 + (ranked.peaks ? 1 : 0);
    this.fixedBytes = heads.reduce((sum, head) => sum + head.length, 0) + 16 * numbers + STAMP_ISO_MAX_BYTES * instants;
  }

  /**
   * The same rows as the kernel writes them (tables/kernel-table.ts), each between `first` (before the first row)
   * or `later` (before the others) and `after`; undefined when the kernel cannot (a window, a program too long).
   */
  kernelRow(first: Uint8Array, later: Uint8Array, after: Uint8Array): KernelRowFormat | undefined {
    const { kernelTable, peaks } = this.ranked;
    if (!kernelTable || peaks) return undefined;
    const program = new RowProgram().piece(first, 'first').piece(later, 'later');
    this.keyHeads.forEach((head, k) => program.piece(head).piece(Uint8Array.of(QUOTE)).key(this.keyParts[k]).piece(Uint8Array.of(QUOTE)));
    program.piece(this.countHead).count(0);
    this.statusHeads.forEach((head, s) => program.piece(head).count(1 + this.statusColumns[s]));
    program.piece(this.firstHead).stamp('first').piece(this.lastHead).stamp('last').piece(this.close).piece(after);
    const format = program.build(KEY_JSON);
    return kernelTable.fits(format) ? format : undefined;
  }

  /** Row i of the ranking, as `JSON.stringify(jsonRow(result, result.reported.at(i)))` writes it. */
  write(out: ByteWriter, i: number): void {
    const { ranked, bounds } = this;
    const { table, peaks } = ranked;
    const row = ranked.order[i];
    const keys = table.keys;
    const keyStart = table.keyStart(row);
    const keyEnd = table.keyEnd(row);
    keyPartBounds(keys, keyStart, keyEnd, ranked.keyFields, bounds);
    let plain = true;
    for (let p = 0; p < ranked.keyFields && plain; p++) plain = isPlainAscii(keys, bounds[2 * p], bounds[2 * p + 1]);
    if (!plain) return this.writeSlowly(out, i);
    // The row's bytes at most: the constant parts, the key's bytes and quotes, 16 per number, 28 per instant.
    const buffer = out.reserve(this.fixedBytes + (keyEnd - keyStart) + 2 * this.keyHeads.length);
    let at = out.position;
    for (let k = 0; k < this.keyHeads.length; k++) {
      at = put(buffer, at, this.keyHeads[k]);
      const part = this.keyParts[k];
      buffer[at++] = QUOTE;
      for (let b = bounds[2 * part], end = bounds[2 * part + 1]; b < end; b++) buffer[at++] = keys[b];
      buffer[at++] = QUOTE;
    }
    at = writeUint(table.total(row), buffer, put(buffer, at, this.countHead));
    const { zeroStatus, zeroAt, statusColumns } = this;
    let copied = 0; // zeroStatus[0, copied) is written
    for (let s = 0; s < statusColumns.length; s++) {
      const count = table.columnCount(row, statusColumns[s]);
      if (count === 0) continue;
      buffer.set(zeroStatus.subarray(copied, zeroAt[s]), at);
      at = writeUint(count, buffer, at + zeroAt[s] - copied);
      copied = zeroAt[s] + 1;
    }
    buffer.set(copied === 0 ? zeroStatus : zeroStatus.subarray(copied), at);
    at += zeroStatus.length - copied;
    at = writeStampIso(table.first(row), buffer, put(buffer, at, this.firstHead));
    at = writeStampIso(table.last(row), buffer, put(buffer, at, this.lastHead));
    if (peaks) {
      at = writeUint(peaks.count[i], buffer, put(buffer, at, this.peakCountHead!));
      at = writeStampIso(peaks.start[i], buffer, put(buffer, at, this.peakStartHead!));
    }
    out.position = put(buffer, at, this.close);
  }

  /** A row with a key part to escape or decode: through the writer's calls, part by part. */
  private writeSlowly(out: ByteWriter, i: number): void {
    const { ranked, bounds } = this;
    const { table, peaks } = ranked;
    const row = ranked.order[i];
    const keys = table.keys;
    for (let k = 0; k < this.keyHeads.length; k++) {
      out.bytes(this.keyHeads[k], 0, this.keyHeads[k].length);
      const part = this.keyParts[k];
      const start = bounds[2 * part];
      const end = bounds[2 * part + 1];
      if (isAscii(keys, start, end)) writeEscapedAscii(out, keys, start, end);
      else out.text(JSON.stringify(decodeKey(latin1(keys, start, end))));
    }
    const heads = [this.countHead, ...this.statusHeads];
    const numbers = [table.total(row), ...this.statusColumns.map((c) => table.columnCount(row, c))];
    numbers.forEach((value, n) => {
      out.bytes(heads[n], 0, heads[n].length);
      out.uint(value);
    });
    out.bytes(this.firstHead, 0, this.firstHead.length);
    out.stampIso(table.first(row));
    out.bytes(this.lastHead, 0, this.lastHead.length);
    out.stampIso(table.last(row));
    if (peaks) {
      out.bytes(this.peakCountHead!, 0, this.peakCountHead!.length);
      out.uint(peaks.count[i]);
      out.bytes(this.peakStartHead!, 0, this.peakStartHead!.length);
      out.stampIso(peaks.start[i]);
    }
    out.bytes(this.close, 0, this.close.length);
  }
}

/** Copies `bytes` to buffer[at]; returns where they end. */
function put(buffer: Uint8Array, at: number, bytes: Uint8Array): number {
  buffer.set(bytes, at);
  return at + bytes.length;
}

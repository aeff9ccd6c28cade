// A partial as bytes, so that it can leave the process (a job queue, a file, a socket): `encodePartial` writes
// every array of a ScanPartial, raw, into one buffer; `decodePartial` gives the arrays back as views of it,
// without copying them, after checking everything a consumer relies on. Bytes from elsewhere are never
// trusted: a malformed or hostile partial is refused with an error; it cannot make the consumer loop, read out
// of bounds or count a group twice.
//
// Layout, version 2 (all numbers little-endian, every array starting at a multiple of 8):
//
//   magic 'LSP' + version (1 byte) | flags u32 | width u32 | rows u32 | slot ints u32
//   keyBytes (u32 length, bytes) | keyEnds i32 x rows | records (recordBytesFor(width, 4) x rows) | slots i32 (row + 1, hash)
//   [flags & EVENTS]   offsets u32 x (rows + 1) | stamps f64 (u32 count)
//   [flags & NEWEST]   newest f64
//   [flags & DEFERRED] keyBytes | keyEnds i32 (u32 count) | offsets u32 x (count + 1) | stamps f64 |
//                      columns u16 x stamps | others seconds f64, counts f64 (u32 count) | excluded, the same
//   [flags & TASK]     input u32 | final u32 | start f64
//
// Arrays are written as they are in memory: no per-group conversion, so encoding costs about a memcpy of the
// partial (a 65k-group default partial is ~4 MB, most of it the hash slots and records).

import { endianness } from 'node:os';
import { align, packFrame } from '../base/frames.js';
import { hashBytes } from './group-table.js';
import { recordBytesFor, type DeferredPartial, type EventsPartial, type ScanPartial, type SecondCounts } from './partial.js';

/** The encoding's version: bumped whenever the layout changes; a decoder reads only its own. */
export const PARTIAL_VERSION = 2;

const MAGIC = [0x4c, 0x53, 0x50]; // 'LSP'
const EVENTS = 1;
const NEWEST = 2;
const DEFERRED = 4;
const TASK = 8;
const SLOT_INTS = 2;
/** A partial never has more status columns than this (a status is 100-599; one more for `others`). */
const MAX_WIDTH = 502;

// Typed arrays hold numbers in the machine's order; the layout says little-endian, which every platform Node
// runs on is. A big-endian machine would need byte swaps here: refuse rather than mis-read.
const LITTLE_ENDIAN = endianness() === 'LE';

type Numbers = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** The partial as one buffer of bytes (see the layout above). */
export function encodePartial(partial: ScanPartial): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('partials are encoded little-endian; this machine is big-endian');
  const arrays: Numbers[] = [];
  const words: number[] = []; // the u32 header fields, in order
  const rows = partial.keyEnds.length;
  let flags = 0;
  if (partial.events) flags |= EVENTS;
  if (partial.newest !== undefined) flags |= NEWEST;
  if (partial.deferred) flags |= DEFERRED;
  if (partial.task) flags |= TASK;
  words.push(flags, partial.width, rows, partial.slots.length, partial.keyBytes.length);
  arrays.push(partial.keyBytes, partial.keyEnds, partial.records, partial.slots);
  if (partial.events) {
    words.push(partial.events.stamps.length);
    arrays.push(partial.events.offsets, partial.events.stamps);
  }
  if (partial.newest !== undefined) arrays.push(Float64Array.of(partial.newest));
  if (partial.deferred) {
    const d = partial.deferred;
    words.push(d.keyBytes.length, d.keyEnds.length, d.events.stamps.length, d.others.seconds.length, d.excluded.seconds.length);
    arrays.push(d.keyBytes, d.keyEnds, d.events.offsets, d.events.stamps, d.events.columns ?? new Uint16Array(d.events.stamps.length));
    arrays.push(d.others.seconds, d.others.counts, d.excluded.seconds, d.excluded.counts);
  }
  if (partial.task) {
    words.push(partial.task.input, partial.task.final ? 1 : 0);
    arrays.push(Float64Array.of(partial.task.start));
  }
  return packFrame(MAGIC, PARTIAL_VERSION, words, arrays);
}

/** The partial a buffer of `encodePartial` holds, its arrays viewing the buffer. Throws on anything malformed. */
export function decodePartial(bytes: Uint8Array): ScanPartial {
  if (!LITTLE_ENDIAN) throw new Error('partials are encoded little-endian; this machine is big-endian');
  if (bytes.length < 8 || bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1] || bytes[2] !== MAGIC[2]) {
    throw new Error('not an encoded partial');
  }
  if (bytes[3] !== PARTIAL_VERSION) throw new Error(`partial of encoding version ${bytes[3]}; this build reads version ${PARTIAL_VERSION}`);
  // Views of f64 and i32 need aligned offsets: a buffer that came unaligned (a slice of a pooled Buffer) is copied.
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  const reader = new Reader(bytes);
  const flags = reader.word();
  const width = reader.word();
  const rows = reader.word();
  const slotInts = reader.word();
  const keyLength = reader.word();
  const eventCount = flags & EVENTS ? reader.word() : 0;
  const deferredCounts = flags & DEFERRED ? [reader.word(), reader.word(), reader.word(), reader.word(), reader.word()] : [];
  const task = flags & TASK ? { input: reader.word(), final: reader.word() } : undefined;
  reader.endHeader();
  if (flags & ~(EVENTS | NEWEST | DEFERRED | TASK)) throw new Error(`partial has unknown flags ${flags}`);
  if (width < 1 || width > MAX_WIDTH) throw new Error(`partial has ${width} counts per group`);

  const keyBytes = reader.bytes(keyLength);
  const keyEnds = reader.int32s(rows);
  const records = reader.bytes(rows * recordBytesFor(width, 4));
  const slots = reader.int32s(slotInts);
  checkKeys(keyBytes, keyEnds, 'partial');
  checkSlots(slots, keyBytes, keyEnds);
  checkTotals(records, width, rows);
  let partial: ScanPartial = { width, keyBytes, keyEnds, records, slots };
  if (flags & EVENTS) {
    const events: EventsPartial = { offsets: reader.uint32s(rows + 1), stamps: reader.float64s(eventCount) };
    checkOffsets(events.offsets, eventCount, 'partial events');
    partial = { ...partial, events };
  }
  if (flags & NEWEST) partial = { ...partial, newest: reader.float64s(1)[0] };
  if (flags & DEFERRED) {
    const [deferredKeyLength, groups, stamps, others, excluded] = deferredCounts;
    const dKeyBytes = reader.bytes(deferredKeyLength);
    const dKeyEnds = reader.int32s(groups);
    checkKeys(dKeyBytes, dKeyEnds, 'deferred');
    const events: EventsPartial = { offsets: reader.uint32s(groups + 1), stamps: reader.float64s(stamps), columns: reader.uint16s(stamps) };
    checkOffsets(events.offsets, stamps, 'deferred events');
    for (const column of events.columns!) if (column >= width) throw new Error(`deferred entry in column ${column} of ${width - 1}`);
    const deferred: DeferredPartial = {
      keyBytes: dKeyBytes,
      keyEnds: dKeyEnds,
      events,
      others: secondCounts(reader, others),
      excluded: secondCounts(reader, excluded),
    };
    partial = { ...partial, deferred };
  }
  if (task) {
    const start = reader.float64s(1)[0];
    if (!Number.isSafeInteger(start) || start < 0) throw new Error(`partial of a task at offset ${start}`);
    partial = { ...partial, task: { input: task.input, start, final: task.final === 1 } };
  }
  reader.end();
  return partial;
}

/** Reads the header's words, then arrays at 8-byte boundaries; every read is checked against the length. */
class Reader {
  private at = 4;

  constructor(private readonly buf: Uint8Array) {}

  word(): number {
    this.need(4);
    const value = new DataView(this.buf.buffer, this.buf.byteOffset + this.at, 4).getUint32(0, true);
    this.at += 4;
    return value;
  }

  endHeader(): void {
    this.at = align(this.at);
  }

  bytes(length: number): Uint8Array {
    return this.view(Uint8Array, length);
  }

  uint16s(length: number): Uint16Array {
    return this.view(Uint16Array, length);
  }

  int32s(length: number): Int32Array {
    return this.view(Int32Array, length);
  }

  uint32s(length: number): Uint32Array {
    return this.view(Uint32Array, length);
  }

  float64s(length: number): Float64Array {
    return this.view(Float64Array, length);
  }

  end(): void {
    if (this.at !== this.buf.length) throw new Error(`partial has ${this.buf.length - this.at} bytes past its end`);
  }

  private view<T extends Numbers>(type: { new (buffer: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number }, length: number): T {
    const bytes = length * type.BYTES_PER_ELEMENT;
    this.need(bytes);
    const array = new type(this.buf.buffer, this.buf.byteOffset + this.at, length);
    this.at += align(bytes);
    return array;
  }

  private need(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0 || this.at + bytes > this.buf.length) throw new Error('partial is cut short');
  }
}

function secondCounts(reader: Reader, count: number): SecondCounts {
  return { seconds: reader.float64s(count), counts: reader.float64s(count) };
}

/** Key ends go up, from 0, and the last is where the key bytes end. */
function checkKeys(keyBytes: Uint8Array, keyEnds: Int32Array, what: string): void {
  let previous = 0;
  for (const end of keyEnds) {
    if (end < previous) throw new Error(`${what} keys out of order`);
    previous = end;
  }
  if (previous !== keyBytes.length) throw new Error(`${what} keys end at ${previous} of ${keyBytes.length} bytes`);
}

/** Offsets go up from 0 to the number of instants, one per group and one past the last. */
function checkOffsets(offsets: Uint32Array, count: number, what: string): void {
  if (offsets[0] !== 0 || offsets[offsets.length - 1] !== count) throw new Error(`${what} do not cover their instants`);
  for (let i = 1; i < offsets.length; i++) if (offsets[i] < offsets[i - 1]) throw new Error(`${what} out of order`);
}

/** Each group's total is the sum of its status columns (every matching response is in exactly one). */
function checkTotals(records: Uint8Array, width: number, rows: number): void {
  const words = recordBytesFor(width, 4) / 4;
  const counts = new Uint32Array(records.buffer, records.byteOffset, records.byteLength / 4);
  for (let row = 0, at = 0; row < rows; row++, at += words) {
    let sum = 0;
    for (let c = 1; c < width; c++) sum += counts[at + c];
    if (sum !== counts[at]) throw new Error(`partial's group ${row} counts ${counts[at]} in all but ${sum} by status`);
  }
}

/**
 * The hash slots a consumer may adopt as its own (tables/group-table.ts): a power of two of them, more than
 * the rows (so probing ends), each row in exactly one slot with its key's hash.
 */
function checkSlots(slots: Int32Array, keyBytes: Uint8Array, keyEnds: Int32Array): void {
  const count = slots.length / SLOT_INTS;
  const rows = keyEnds.length;
  if (slots.length % SLOT_INTS !== 0 || count <= rows || (count & (count - 1)) !== 0) {
    throw new Error(`partial has ${count} hash slots for ${rows} groups`);
  }
  const seen = new Uint8Array(rows);
  for (let at = 0; at < slots.length; at += SLOT_INTS) {
    const entry = slots[at];
    if (entry === 0) continue;
    const row = entry - 1;
    if (row < 0 || row >= rows || seen[row] === 1) throw new Error('partial has a bad hash slot');
    const start = row === 0 ? 0 : keyEnds[row - 1];
    const hash = hashBytes(keyBytes, start, keyEnds[row]);
    if (slots[at + 1] !== hash) {
      throw new Error(`partial's hash slot of group ${row} does not match its key`);
    }
    // Lookups probe linearly from the hash's slot and stop at an empty one: the key must be reachable.
    for (let slot = hash & (count - 1); slot !== at / SLOT_INTS; slot = (slot + 1) & (count - 1)) {
      if (slots[slot * SLOT_INTS] === 0) throw new Error(`partial's hash slot of group ${row} is out of its probe`);
    }
    seen[row] = 1;
  }
  if (seen.indexOf(0) >= 0) throw new Error('partial has a group without a hash slot');
}

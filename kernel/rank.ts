// Ranking the merged table's groups (the default run, after the consumer merged into the kernel's table; a
// composite-key run's table copied into it when many rows are reported): the groups with at least `threshold`
// matching responses, by count descending, then by key bytes ascending (composite keys: field by field, see
// rankFieldRows). That is consumer/rank.ts rankGroups's order, which stays the reference (tests compare the two).
//
// The groups are first gathered into 16-byte entries lying side by side (count, row, 8 bytes of the key
// big-endian), so that sorting them (a radix sort over their bytes, kernel/radix.ts; a bottom-up merge sort for
// short runs) moves entries lying side by side and never reads a key.
// Runs of entries still equal after that (same count, same 8 bytes) are then sorted again on the keys' next 8
// bytes, read once per entry, and so on down (a multikey sort): keys that share a long prefix (every IPv6
// client of one network starts `2001:db8:`) cost one more key read per entry per 8 shared bytes, where comparing
// whole keys in the sort read two keys, far apart in memory, per comparison (a million such clients took seconds).

import { fieldAt, fieldEnd } from './key-fields';
import { copyEntry, ENTRY, radixSort } from './radix';
import { rowKeyEnd, rowKeyStart, tableKeyBytes, tableRecords, tableRecordBytes, tableRows } from './table';

/** Runs this short are sorted by inserting, on whole keys. */
const SHORT_RUN: u32 = 12;
/** Past this many shared 8-byte words, a run is sorted on whole keys (the recursion stays shallow). */
const MAX_DEPTH: usize = 64;

let keys: usize = 0;
/** Fields in a key: 1, or a composite key's (see rankFieldRows). */
let parts: u32 = 1;
/** Composite keys compared whole (partsBefore) are equal before byte sameBytes of field sameField. */
let sameField: u32 = 0;
let sameBytes: usize = 0;
/** Bytes every ranked key starts with: heads at depth d hold the key's bytes from skipped + d * 8. */
let skipped: usize = 0;

/**
 * Writes the rows (u32) of the groups counted at least `threshold` times, in rank order, at `out`; returns
 * how many. `scratch` holds 32 bytes per group of the table.
 */
export function rankRows(threshold: u32, out: usize, scratch: usize): u32 {
  keys = tableKeyBytes();
  parts = 1;
  const records = tableRecords();
  const recordBytes = tableRecordBytes();
  let n: u32 = 0;
  // The bytes every ranked key starts with (IPv6 clients of one network, paths of one site) decide nothing:
  // heads start after them.
  let first: u32 = 0;
  let shared: usize = 0;
  for (let row: u32 = 0; row < tableRows; row++) {
    const total = load<u32>(records + <usize>row * recordBytes);
    if (total < threshold) continue;
    store<u32>(scratch + <usize>n * ENTRY, total);
    store<u32>(scratch + <usize>n * ENTRY, row, 4);
    if (n == 0) {
      first = row;
      shared = rowKeyEnd(row) - rowKeyStart(row);
    } else {
      shared = commonPrefix(first, row, shared);
    }
    n++;
  }
  skipped = shared;
  for (let i: u32 = 0; i < n; i++) {
    const entry = scratch + <usize>i * ENTRY;
    store<u64>(entry, keyHead(load<u32>(entry, 4), shared), 8);
  }
  const entries = scratch;
  const spare = scratch + <usize>n * ENTRY;
  sortByHead(entries, spare, 0, n);
  refineRuns(entries, spare, 0, n, 1);
  for (let k: u32 = 0; k < n; k++) store<u32>(out + (<usize>k << 2), load<u32>(entries + <usize>k * ENTRY, 4));
  return n;
}

/**
 * Sorts again each run of entries in [lo, hi) that are equal on count and head, where the heads held the keys'
 * bytes [(depth - 1) * 8, depth * 8) past the skipped ones: on the next 8 bytes, or on whole keys when a key of the run ends before
 * them. (Heads padded with zeros still order keys rightly where they differ; where they tie, only whole keys
 * can tell `ab` from `ab\0`, and going deeper would be reading zeros.)
 */
function refineRuns(entries: usize, spare: usize, lo: u32, hi: u32, depth: usize): void {
  let start = lo;
  while (start < hi) {
    let end = start + 1;
    while (end < hi && sameHead(entries + <usize>start * ENTRY, entries + <usize>end * ENTRY)) end++;
    if (end - start > 1) refineRun(entries, spare, start, end, depth);
    start = end;
  }
}

function refineRun(entries: usize, spare: usize, lo: u32, hi: u32, depth: usize): void {
  const from = skipped + (depth << 3);
  if (hi - lo <= SHORT_RUN) {
    insertionSort(entries, lo, hi);
    return;
  }
  let deeper = depth <= MAX_DEPTH;
  for (let i = lo; i < hi && deeper; i++) {
    const row = load<u32>(entries + <usize>i * ENTRY, 4);
    if (rowKeyEnd(row) - rowKeyStart(row) < from) deeper = false;
  }
  if (!deeper) {
    mergeSort(entries, spare, lo, hi, true);
    return;
  }
  // Every key of the run holds the same bytes before `from`: the next 8 decide, if they differ.
  for (let i = lo; i < hi; i++) {
    const entry = entries + <usize>i * ENTRY;
    store<u64>(entry, keyHead(load<u32>(entry, 4), from), 8);
  }
  sortByHead(entries, spare, lo, hi);
  refineRuns(entries, spare, lo, hi, depth + 1);
}

/** Runs of at least this many entries are sorted on count and head by the radix sort (radix.ts), shorter ones merged. */
const RADIX_FROM: u32 = 512;

/** Sorts entries [lo, hi) by count (descending), then head (ascending), stably; they end in `entries`. */
function sortByHead(entries: usize, spare: usize, lo: u32, hi: u32): void {
  if (hi - lo < RADIX_FROM) mergeSort(entries, spare, lo, hi, false);
  else radixSort(entries, spare, lo, hi);
}

/**
 * Sorts entries [lo, hi) by count and head, or with `whole` by count and whole keys (bottom-up, through
 * spare[lo, hi)); they end in `entries`.
 */
function mergeSort(entries: usize, spare: usize, lo: u32, hi: u32, whole: bool): void {
  let from = entries;
  let to = spare;
  const n = hi - lo;
  for (let width: u32 = 1; width < n; width <<= 1) {
    for (let left: u32 = lo; left < hi; left += width << 1) {
      const middle = min(left + width, hi);
      const right = min(left + (width << 1), hi);
      let i = left;
      let j = middle;
      for (let k = left; k < right; k++) {
        const takeLeft = j >= right || (i < middle && !(whole ? entryBefore(from + <usize>j * ENTRY, from + <usize>i * ENTRY) : headBefore(from + <usize>j * ENTRY, from + <usize>i * ENTRY)));
        const source = from + <usize>(takeLeft ? i++ : j++) * ENTRY;
        copyEntry(to + <usize>k * ENTRY, source);
      }
    }
    const swap = from;
    from = to;
    to = swap;
  }
  if (from != entries) memory.copy(entries + <usize>lo * ENTRY, from + <usize>lo * ENTRY, <usize>n * ENTRY);
}

/** Sorts entries [lo, hi) by count, then whole keys (a short run). */
function insertionSort(entries: usize, lo: u32, hi: u32): void {
  for (let i = lo + 1; i < hi; i++) {
    const at = entries + <usize>i * ENTRY;
    const first = load<u64>(at);
    const second = load<u64>(at, 8);
    let j = i;
    while (j > lo && keyBefore(<u32>(first >> 32), <u32>first, load<u32>(entries + <usize>(j - 1) * ENTRY, 4), load<u32>(entries + <usize>(j - 1) * ENTRY))) {
      const to = entries + <usize>j * ENTRY;
      memory.copy(to, to - ENTRY, ENTRY);
      j--;
    }
    const to = entries + <usize>j * ENTRY;
    store<u64>(to, first);
    store<u64>(to, second, 8);
  }
}

/** How many of the first `most` bytes of two rows' keys are equal. */
function commonPrefix(rowA: u32, rowB: u32, most: usize): usize {
  const a = keys + rowKeyStart(rowA);
  const b = keys + rowKeyStart(rowB);
  return equalPrefix(a, b, min(most, keys + rowKeyEnd(rowB) - b));
}

/** How many of the first `limit` bytes at `a` and `b` are equal, 8 at a time. */
function equalPrefix(a: usize, b: usize, limit: usize): usize {
  let i: usize = 0;
  while (i + 8 <= limit && load<u64>(a + i) == load<u64>(b + i)) i += 8;
  while (i < limit && load<u8>(a + i) == load<u8>(b + i)) i++;
  return i;
}

/** The key's 8 bytes from `from` as a big-endian number (zeros past its end): heads compare as the bytes do. */
function keyHead(row: u32, from: usize): u64 {
  const start = keys + rowKeyStart(row) + from;
  const end = keys + rowKeyEnd(row);
  if (start + 8 <= end) return bswap<u64>(load<u64>(start));
  let head: u64 = 0;
  for (let i: usize = 0; i < 8; i++) head = (head << 8) | (start + i < end ? <u64>load<u8>(start + i) : 0);
  return head;
}

/** Whether entry a's count and head rank strictly before entry b's: the bigger count first, then the smaller head. */
@inline
function headBefore(a: usize, b: usize): bool {
  const countA = load<u32>(a);
  const countB = load<u32>(b);
  if (countA != countB) return countA > countB;
  return load<u64>(a, 8) < load<u64>(b, 8);
}

function entryBefore(a: usize, b: usize): bool {
  return keyBefore(load<u32>(a, 4), load<u32>(a), load<u32>(b, 4), load<u32>(b));
}

@inline
function sameHead(a: usize, b: usize): bool {
  return load<u32>(a) == load<u32>(b) && load<u64>(a, 8) == load<u64>(b, 8);
}

/** Whether group rowA (counted countA times) ranks before rowB: the bigger count, then the smaller key in byte order. */
function keyBefore(rowA: u32, countA: u32, rowB: u32, countB: u32): bool {
  if (countA != countB) return countA > countB;
  if (parts > 1) return partsBefore(rowA, rowB);
  const startA = keys + rowKeyStart(rowA);
  const startB = keys + rowKeyStart(rowB);
  return compareBytes(startA, keys + rowKeyEnd(rowA) - startA, startB, keys + rowKeyEnd(rowB) - startB) < 0;
}

/** Compares bytes [startA, + lengthA) with [startB, + lengthB) in byte order (a prefix of the other first): < 0, 0 or > 0. */
function compareBytes(startA: usize, lengthA: usize, startB: usize, lengthB: usize): i32 {
  const common = min(lengthA, lengthB);
  let i: usize = 0;
  for (; i + 8 <= common; i += 8) {
    const x = load<u64>(startA + i);
    const y = load<u64>(startB + i);
    if (x != y) return bswap<u64>(x) < bswap<u64>(y) ? -1 : 1;
  }
  for (; i < common; i++) {
    const x = load<u8>(startA + i);
    const y = load<u8>(startB + i);
    if (x != y) return x < y ? -1 : 1;
  }
  return lengthA < lengthB ? -1 : lengthA > lengthB ? 1 : 0;
}

// Composite keys (`--by ip,path`): the same multikey sort, its heads read field by field. A head is 7 bytes of
// a field from an offset (zeros past its end), then how many of the field's bytes are left there (8: more than
// 7), so that heads compare as the fields do: the 7 bytes first, then a field that ends there before one that
// goes on. Entries still tied on a head with 8 left share the field's next bytes; tied with fewer, they share
// the whole field, and the next field decides.

/**
 * rankRows for keys of `fields` fields (kernel/key-fields.ts), in consumer/rank.ts rankGroups's order: count
 * descending, then the fields ascending, each in byte order (a field that is a prefix of the other first).
 */
export function rankFieldRows(threshold: u32, fields: u32, out: usize, scratch: usize): u32 {
  keys = tableKeyBytes();
  parts = fields;
  sameField = 0;
  sameBytes = 0;
  const records = tableRecords();
  const recordBytes = tableRecordBytes();
  let n: u32 = 0;
  // The bytes every ranked key's first field starts with decide nothing: heads start after them.
  let first: u32 = 0;
  let shared: usize = 0;
  for (let row: u32 = 0; row < tableRows; row++) {
    const total = load<u32>(records + <usize>row * recordBytes);
    if (total < threshold) continue;
    store<u32>(scratch + <usize>n * ENTRY, total);
    store<u32>(scratch + <usize>n * ENTRY, row, 4);
    const start = fieldOf(row, 0);
    const length = fieldEnd - start;
    if (n == 0) {
      first = row;
      shared = length;
    } else {
      shared = equalPrefix(fieldOf(first, 0), start, min(shared, length));
    }
    n++;
  }
  const entries = scratch;
  const spare = scratch + <usize>n * ENTRY;
  for (let i: u32 = 0; i < n; i++) {
    const entry = entries + <usize>i * ENTRY;
    store<u64>(entry, fieldHead(load<u32>(entry, 4), 0, shared), 8);
  }
  sortByHead(entries, spare, 0, n);
  refineFieldRuns(entries, spare, 0, n, 0, shared, 1);
  for (let k: u32 = 0; k < n; k++) store<u32>(out + (<usize>k << 2), load<u32>(entries + <usize>k * ENTRY, 4));
  parts = 1;
  return n;
}

/** Sorts again each run of entries in [lo, hi) tied on count and a head read at `offset` of field `field`. */
function refineFieldRuns(entries: usize, spare: usize, lo: u32, hi: u32, field: u32, offset: usize, depth: usize): void {
  let start = lo;
  while (start < hi) {
    let end = start + 1;
    while (end < hi && sameHead(entries + <usize>start * ENTRY, entries + <usize>end * ENTRY)) end++;
    if (end - start > 1) {
      const left = load<u64>(entries + <usize>start * ENTRY, 8) & 0xff;
      if (left == 8) refineFieldRun(entries, spare, start, end, field, offset + 7, depth);
      else if (field + 1 < parts) refineFieldRun(entries, spare, start, end, field + 1, 0, depth);
    }
    start = end;
  }
}

function refineFieldRun(entries: usize, spare: usize, lo: u32, hi: u32, field: u32, offset: usize, depth: usize): void {
  sameField = field;
  sameBytes = offset;
  if (hi - lo <= SHORT_RUN) {
    insertionSort(entries, lo, hi);
    return;
  }
  if (depth > MAX_DEPTH) {
    mergeSort(entries, spare, lo, hi, true);
    return;
  }
  for (let i = lo; i < hi; i++) {
    const entry = entries + <usize>i * ENTRY;
    store<u64>(entry, fieldHead(load<u32>(entry, 4), field, offset), 8);
  }
  sortByHead(entries, spare, lo, hi);
  refineFieldRuns(entries, spare, lo, hi, field, offset, depth + 1);
}

/** Where field `field` of a row's key starts (an address); fieldEnd is where it ends. */
@inline
function fieldOf(row: u32, field: u32): usize {
  return fieldAt(keys + rowKeyStart(row), keys + rowKeyEnd(row), parts, field);
}

/** The head of a row's field `field` at `offset` (no further than its end): 7 bytes big-endian, then the bytes left (8: more than 7). */
function fieldHead(row: u32, field: u32, offset: usize): u64 {
  const start = fieldOf(row, field) + offset;
  const left = fieldEnd - start;
  if (left >= 8) return (bswap<u64>(load<u64>(start)) & ~(<u64>0xff)) | 8;
  let head: u64 = 0;
  for (let i: usize = 0; i < 7; i++) head = (head << 8) | (i < left ? <u64>load<u8>(start + i) : 0);
  return (head << 8) | <u64>left;
}

/**
 * Whether row a's composite key ranks before row b's: field by field, each in byte order, from field sameField's
 * byte sameBytes (the two keys are equal before it: they come from one run).
 */
function partsBefore(rowA: u32, rowB: u32): bool {
  let skip = sameBytes;
  for (let field = sameField; field < parts; field++) {
    const a = fieldOf(rowA, field) + skip;
    const aEnd = fieldEnd;
    const b = fieldOf(rowB, field) + skip;
    const order = compareBytes(a, aEnd - a, b, fieldEnd - b);
    if (order != 0) return order < 0;
    skip = 0;
  }
  return false;
}

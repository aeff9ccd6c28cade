// Ranking the merged table's groups (the default run, after the consumer merged into the kernel's table): the
// groups with at least `threshold` matching responses, by count descending, then by key bytes ascending. That
// is consumer/rank.ts rankGroups's order, which stays the reference (tests compare the two).
//
// The groups are first gathered into 16-byte entries lying side by side (count, row, the key's first 8 bytes
// big-endian), so that sorting them, a bottom-up merge sort, mostly compares neighbours in memory and reads a
// key only when two counts and two key heads are equal. In JS this sort ran cold, once per run.

import { rowKeyEnd, rowKeyStart, tableKeyBytes, tableRecords, tableRecordBytes, tableRows } from './table';

const ENTRY: usize = 16;

/**
 * Writes the rows (u32) of the groups counted at least `threshold` times, in rank order, at `out`; returns
 * how many. `scratch` holds 32 bytes per group of the table.
 */
export function rankRows(threshold: u32, out: usize, scratch: usize): u32 {
  const keys = tableKeyBytes();
  const records = tableRecords();
  const recordBytes = tableRecordBytes();
  let n: u32 = 0;
  for (let row: u32 = 0; row < tableRows; row++) {
    const total = load<u32>(records + <usize>row * recordBytes);
    if (total < threshold) continue;
    const entry = scratch + <usize>n * ENTRY;
    store<u32>(entry, total);
    store<u32>(entry, row, 4);
    store<u64>(entry, keyHead(keys + rowKeyStart(row), keys + rowKeyEnd(row)), 8);
    n++;
  }
  // Bottom-up merge sort between the entries and the room after them.
  let from = scratch;
  let to = scratch + <usize>n * ENTRY;
  for (let width: u32 = 1; width < n; width <<= 1) {
    for (let left: u32 = 0; left < n; left += width << 1) {
      const middle = min(left + width, n);
      const right = min(left + (width << 1), n);
      let i = left;
      let j = middle;
      for (let k = left; k < right; k++) {
        const takeLeft = j >= right || (i < middle && before(from + <usize>i * ENTRY, from + <usize>j * ENTRY, keys));
        const source = from + <usize>(takeLeft ? i++ : j++) * ENTRY;
        const target = to + <usize>k * ENTRY;
        store<u64>(target, load<u64>(source));
        store<u64>(target, load<u64>(source, 8), 8);
      }
    }
    const swap = from;
    from = to;
    to = swap;
  }
  for (let k: u32 = 0; k < n; k++) store<u32>(out + (<usize>k << 2), load<u32>(from + <usize>k * ENTRY, 4));
  return n;
}

/** The key's first 8 bytes as a big-endian number (zeros past its end): heads compare as the keys begin. */
function keyHead(start: usize, end: usize): u64 {
  let head: u64 = 0;
  for (let i: usize = 0; i < 8; i++) head = (head << 8) | (start + i < end ? <u64>load<u8>(start + i) : 0);
  return head;
}

/** Whether entry a ranks before entry b: the bigger count first, then the smaller key in byte order. */
function before(a: usize, b: usize, keys: usize): bool {
  const countA = load<u32>(a);
  const countB = load<u32>(b);
  if (countA != countB) return countA > countB;
  const headA = load<u64>(a, 8);
  const headB = load<u64>(b, 8);
  if (headA != headB) return headA < headB;
  // Heads equal (a key shorter than 8 bytes is padded with zeros): the whole keys decide.
  const rowA = load<u32>(a, 4);
  const rowB = load<u32>(b, 4);
  const startA = keys + rowKeyStart(rowA);
  const endA = keys + rowKeyEnd(rowA);
  const startB = keys + rowKeyStart(rowB);
  const endB = keys + rowKeyEnd(rowB);
  const common = min(endA - startA, endB - startB);
  for (let i: usize = 0; i < common; i++) {
    const x = load<u8>(startA + i);
    const y = load<u8>(startB + i);
    if (x != y) return x < y;
  }
  return endA - startA < endB - startB;
}

// The ranking's sort of long runs (kernel/rank.ts): entries of 16 bytes lying side by side (count u32, row u32,
// head u64, see rank.ts), ordered by count descending, then head ascending, as rank.ts's merge sort orders them.

/** An entry's bytes: count u32, row u32, head u64. */
export const ENTRY: usize = 16;

/** Moves the entry at `source` to `target`. */
@inline
export function copyEntry(target: usize, source: usize): void {
  store<u64>(target, load<u64>(source));
  store<u64>(target, load<u64>(source, 8), 8);
}

/** The radix sort's digits: the head's 8 bytes, then the count's 4. */
const DIGITS: usize = 12;
/** A histogram of 256 u32 per digit. */
const HISTOGRAMS: usize = memory.data(<i32>(DIGITS * 256 * 4), 16);

/**
 * Sorts entries [lo, hi) by count (descending), then head (ascending), stably, through spare[lo, hi); they end in
 * `entries`. Least significant digit first: one pass counts every digit's bytes, then each digit that differs
 * between entries (one the same in all, as a small count's upper bytes are, orders nothing) moves every entry
 * once. The merge sort's passes each compare neighbours, a branch mispredicted about half the time on such keys,
 * and a million entries take 20 of them. The count sorts descending as its complement sorts ascending.
 */
export function radixSort(entries: usize, spare: usize, lo: u32, hi: u32): void {
  const n = hi - lo;
  memory.fill(HISTOGRAMS, 0, DIGITS * 256 * 4);
  for (let i = lo; i < hi; i++) {
    const entry = entries + <usize>i * ENTRY;
    const head = load<u64>(entry, 8);
    const rank = ~load<u32>(entry);
    for (let d: usize = 0; d < 8; d++) countDigit(d, <usize>(head >> (<u64>d << 3)) & 0xff);
    for (let d: usize = 0; d < 4; d++) countDigit(8 + d, <usize>(rank >> (<u32>d << 3)) & 0xff);
  }
  let from = entries + <usize>lo * ENTRY;
  let to = spare + <usize>lo * ENTRY;
  for (let d: usize = 0; d < DIGITS; d++) {
    const histogram = HISTOGRAMS + (d << 10);
    let same = false;
    for (let b: usize = 0; b < 256 && !same; b++) same = load<u32>(histogram + (b << 2)) == n;
    if (same) continue;
    // Each byte's first place: the entries of the smaller bytes come before it.
    let place: u32 = 0;
    for (let b: usize = 0; b < 256; b++) {
      const count = load<u32>(histogram + (b << 2));
      store<u32>(histogram + (b << 2), place);
      place += count;
    }
    for (let i: u32 = 0; i < n; i++) {
      const source = from + <usize>i * ENTRY;
      const digit = d < 8 ? <usize>(load<u64>(source, 8) >> (<u64>d << 3)) & 0xff : <usize>(~load<u32>(source) >> (<u32>(d - 8) << 3)) & 0xff;
      const slot = histogram + (digit << 2);
      const k = load<u32>(slot);
      store<u32>(slot, k + 1);
      copyEntry(to + <usize>k * ENTRY, source);
    }
    const swap = from;
    from = to;
    to = swap;
  }
  if (from != entries + <usize>lo * ENTRY) memory.copy(entries + <usize>lo * ENTRY, from, <usize>n * ENTRY);
}

@inline
function countDigit(digit: usize, byte: usize): void {
  const slot = HISTOGRAMS + (((digit << 8) + byte) << 2);
  store<u32>(slot, load<u32>(slot) + 1);
}

// The kernel's own group table, for the default run (groups keyed by client): counting a matching line happens
// right where the scan found it, with no trip to JS per line.
//
// Counting is bound by memory latency: 50k clients do not fit in a core's cache, and the scan streams a
// megabyte through it per chunk, so every table access that depends on another costs a trip to memory. Hence
// each slot of this open-addressing table holds everything about its group in 128 bytes (two adjacent cache
// lines): hash, the key itself (when it is at most 40 bytes, as addresses are; longer keys live in an arena),
// the counts and the first and last stamp. A lookup with its update is then one trip, where a table of
// indexes into separate arrays (src/engine/groups.ts, fine for JS's other uses) takes three.
//
// Slot layout: u32 hash, u32 key length + 1 (0 = empty), 40 bytes of key (or u32 arena offset), then the
// counts (u32: total, one per status column), padded to 8, then first and last stamp (f64).

const FNV_OFFSET: u32 = 0x811c9dc5;
const FNV_PRIME: u32 = 16777619;
const KEY_AT: usize = 8;
const INLINE_KEY_BYTES: u32 = 40;
const COUNTS_AT: usize = 48;

let width: u32 = 0; // counts per group: the total, then one per status column
let stampsAt: usize = 0; // byte offset of the first stamp in a slot
let slotBytes: usize = 0;

export let tableRows: u32 = 0;
let slotCount: u32 = 0;
let slots: usize = 0;
let arena: usize = 0; // keys longer than INLINE_KEY_BYTES
let arenaUsed: usize = 0;
let arenaCapacity: usize = 0;

/** Sets the table up for `columns` status columns, with `slots` slots (a power of two) to start with. */
export function tableInit(columns: u32, initialSlots: u32): void {
  width = columns + 1;
  stampsAt = COUNTS_AT + (((<usize>width * 4 + 7) >> 3) << 3);
  slotBytes = ((stampsAt + 16 + 63) >> 6) << 6;
  slotCount = initialSlots;
  slots = heap.alloc(<usize>slotCount * slotBytes + 64);
  slots = (slots + 63) & ~63; // cache-line aligned
  arenaCapacity = 4096;
  arena = heap.alloc(arenaCapacity);
  tableClear();
}

/** Empties the table (after JS took its groups). */
export function tableClear(): void {
  tableRows = 0;
  arenaUsed = 0;
  memory.fill(slots, 0, <usize>slotCount * slotBytes);
}

// Reading the table, for JS: slot i is in use when tableSlotKeyLength(i) > 0.
export function tableSlots(): u32 {
  return slotCount;
}
export function tableSlotBytes(): usize {
  return slotBytes;
}
export function tableSlotAddress(): usize {
  return slots;
}
export function tableCountsAt(): usize {
  return COUNTS_AT;
}
export function tableStampsAt(): usize {
  return stampsAt;
}
/** Where slot i's key is (inline, or in the arena). */
export function tableKeyAddress(i: u32): usize {
  const slot = slots + <usize>i * slotBytes;
  const length = load<u32>(slot, 4) - 1;
  return length <= INLINE_KEY_BYTES ? slot + KEY_AT : arena + <usize>load<u32>(slot, KEY_AT);
}

/** Counts one matching line of the client [start, end) in status column `column` at `stamp`. */
export function tableAdd(start: usize, end: usize, column: u32, stamp: f64): void {
  const slot = slotOf(start, end);
  store<u32>(slot + COUNTS_AT, load<u32>(slot + COUNTS_AT) + 1);
  const cell = slot + COUNTS_AT + 4 + (<usize>column << 2);
  store<u32>(cell, load<u32>(cell) + 1);
  const first = slot + stampsAt;
  if (stamp < load<f64>(first)) store<f64>(first, stamp);
  if (stamp > load<f64>(first, 8)) store<f64>(first, stamp, 8);
}

function slotOf(start: usize, end: usize): usize {
  let h = FNV_OFFSET;
  for (let p = start; p < end; p++) h = (h ^ <u32>load<u8>(p)) * FNV_PRIME;
  const length = <u32>(end - start);
  const mask = slotCount - 1;
  let i = h & mask;
  while (true) {
    const slot = slots + <usize>i * slotBytes;
    const stored = load<u32>(slot, 4);
    if (stored == 0) return insert(slot, start, length, h);
    if (stored == length + 1 && load<u32>(slot) == h && keyEquals(slot, start, length)) return slot;
    i = (i + 1) & mask;
  }
  return 0; // not reached
}

function keyEquals(slot: usize, start: usize, length: u32): bool {
  const key = length <= INLINE_KEY_BYTES ? slot + KEY_AT : arena + <usize>load<u32>(slot, KEY_AT);
  return memory.compare(key, start, length) == 0;
}

function insert(slot: usize, start: usize, length: u32, hash: u32): usize {
  store<u32>(slot, hash);
  store<u32>(slot, length + 1, 4);
  if (length <= INLINE_KEY_BYTES) {
    memory.copy(slot + KEY_AT, start, length);
  } else {
    if (arenaUsed + length > arenaCapacity) {
      let capacity = arenaCapacity * 2;
      while (capacity < arenaUsed + length) capacity *= 2;
      const bigger = heap.alloc(capacity);
      memory.copy(bigger, arena, arenaUsed);
      arena = bigger;
      arenaCapacity = capacity;
    }
    memory.copy(arena + arenaUsed, start, length);
    store<u32>(slot, <u32>arenaUsed, KEY_AT);
    arenaUsed += length;
  }
  store<f64>(slot + stampsAt, Infinity);
  store<f64>(slot + stampsAt, -Infinity, 8);
  tableRows++;
  if (tableRows * 2 > slotCount) {
    const moved = rehash(slot);
    return moved;
  }
  return slot;
}

/** Doubles the slots; returns where `tracked` went. */
function rehash(tracked: usize): usize {
  const count = slotCount * 2;
  let bigger = heap.alloc(<usize>count * slotBytes + 64);
  bigger = (bigger + 63) & ~63;
  memory.fill(bigger, 0, <usize>count * slotBytes);
  const mask = count - 1;
  let movedTo: usize = 0;
  for (let i: u32 = 0; i < slotCount; i++) {
    const from = slots + <usize>i * slotBytes;
    if (load<u32>(from, 4) == 0) continue;
    let j = load<u32>(from) & mask;
    while (load<u32>(bigger + <usize>j * slotBytes, 4) != 0) j = (j + 1) & mask;
    const to = bigger + <usize>j * slotBytes;
    memory.copy(to, from, slotBytes);
    if (from == tracked) movedTo = to;
  }
  slots = bigger;
  slotCount = count;
  return movedTo;
}

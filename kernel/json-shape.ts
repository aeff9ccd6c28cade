// Shapes of JSON lines (AssemblyScript), the fast path of kernel/json.ts: the lines of one server mostly repeat
// the same keys in the same order, so once the exact walker (json.ts walkObject) has read a line, the line's
// bytes outside its values are kept as a shape: literals (keys, `:`, `,`, braces, spaces, the quotes around
// string values) between slots (the values the walker skipped or captured). A later line matches the shape
// when each literal is there byte for byte and each slot holds a value of the same kind, crossed by the
// walker's own rules (stringEnd, valueEnd); then the walker would have taken exactly the same steps on it
// (its steps depend only on the literal bytes and on each value's kind), so the captures are the slots' own.
// A line that does not match is walked, and becomes a shape. Kinds that change the walker's captures are
// checked too: a captured slot that is `null` (never captured) must be `null` in both lines, and a shape
// whose captured value was an object or array is not kept.

import { stringEnd, valueEnd } from './json';

const QUOTE: u32 = 0x22;
const LBRACE: u32 = 0x7b;
const LBRACKET: u32 = 0x5b;

/** A slot's kind: string contents, a bare token (number, literal), or an object or array crossed whole. */
const STRING: u32 = 0;
const TOKEN: u32 = 1;
const COMPOSITE: u32 = 2;

const SHAPES: i32 = 4;
const SHAPE_BYTES: usize = 4096;
const MAX_SLOTS: i32 = 96;
const SLOT_BYTES: usize = 12; // start, end (offsets in the line), kind | role flag << 8 | null << 9
const ROLES: i32 = 3;

// Per shape: the line's bytes, its slots, and a header of i32s: the object's length, the slot count, then per
// role the slot it captured (or -1) and the capture's rank.
const HEADER_WORDS: usize = 8;
/** For shapes a and b, at (a * SHAPES + b) * 4: how many leading slots (literal before, kind, flags) they share. */
const COMMON: usize = memory.data(4 * SHAPES * SHAPES);
/** Where the current line's literal i and value i start and the value ends (line addresses), 12 bytes each. */
const PLACES: usize = memory.data(12 * (MAX_SLOTS + 1));
/** The slot (or the final literal, at the slot count) where the last failed matchShape stopped. */
let failedAt: i32 = 0;
const LINES: usize = memory.data(<i32>(SHAPE_BYTES * <usize>SHAPES));
const SLOTS: usize = memory.data(<i32>(SLOT_BYTES * <usize>(MAX_SLOTS * SHAPES)));
const HEADERS: usize = memory.data(<i32>(HEADER_WORDS * 4 * <usize>SHAPES));

/** Bytes that end a bare token, as json.ts valueEnd reads one: `,` `}` `]` space, tab, CR, LF. */
const TOKEN_ENDS: usize = memory.data<u8>([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/** Shapes kept so far, the one that matched last (tried first), and the next one to replace. */
let kept: i32 = 0;
let lastMatched: i32 = 0;
let nextReplaced: i32 = 0;

// What the walk of the current line noted: its slots, whether it can be kept, each role's capture slot and rank.
const NOTED_SLOTS: usize = memory.data(<i32>(SLOT_BYTES * <usize>MAX_SLOTS));
const NOTED_ROLES: usize = memory.data(ROLES * 8);
let noted: i32 = 0;
let notedLine: usize = 0;
let keepable = true;

/** The walk of the line at `line` starts (json.ts jsonLine). */
export function shapeStart(line: usize): void {
  noted = 0;
  notedLine = line;
  keepable = true;
  for (let role = 0; role < ROLES; role++) store<i32>(NOTED_ROLES + (<usize>role << 3), -1);
}

/** The walker crossed the value [p, after) (p its first byte); `roles`: its key has roles. */
export function shapeValue(p: usize, after: usize, roles: bool): void {
  if (noted == MAX_SLOTS) {
    keepable = false;
    return;
  }
  const v = <u32>load<u8>(p);
  const kind = v == QUOTE ? STRING : v == LBRACE || v == LBRACKET ? COMPOSITE : TOKEN;
  if (roles && kind == COMPOSITE) keepable = false; // the walker may capture inside it: not a plain slot
  const isNull = kind == TOKEN && v == 0x6e && after - p == 4;
  const at = NOTED_SLOTS + <usize>noted * SLOT_BYTES;
  store<u32>(at, <u32>((kind == STRING ? p + 1 : p) - notedLine));
  store<u32>(at, <u32>((kind == STRING ? after - 1 : after) - notedLine), 4);
  store<u32>(at, kind | ((roles ? 1 : 0) << 8) | ((isNull ? 1 : 0) << 9), 8);
  noted++;
}

/** The walker captured the last noted value for `role` with `rank`. */
export function shapeCapture(role: i32, rank: i32): void {
  store<i32>(NOTED_ROLES + (<usize>role << 3), noted - 1);
  store<i32>(NOTED_ROLES + (<usize>role << 3), rank, 4);
}

/** The walk accepted the line it started on, its object ending at `objectEnd`: keep the line as a shape. */
export function shapeKeep(objectEnd: usize): void {
  const length = objectEnd - notedLine;
  if (!keepable || length > SHAPE_BYTES) return;
  const s = nextReplaced;
  nextReplaced = (nextReplaced + 1) % SHAPES;
  if (nextReplaced == lastMatched && kept > 1) nextReplaced = (nextReplaced + 1) % SHAPES;
  if (kept < SHAPES) kept++;
  memory.copy(LINES + <usize>s * SHAPE_BYTES, notedLine, length);
  memory.copy(slotsOf(s), NOTED_SLOTS, <usize>noted * SLOT_BYTES);
  const header = headerOf(s);
  store<i32>(header, <i32>length);
  store<i32>(header, noted, 4);
  memory.copy(header + 8, NOTED_ROLES, ROLES * 8);
  for (let t = 0; t < kept; t++) {
    const common = t == s ? noted : commonSlots(s, t);
    store<i32>(COMMON + <usize>(s * SHAPES + t) * 4, common);
    store<i32>(COMMON + <usize>(t * SHAPES + s) * 4, common);
  }
  lastMatched = s;
}

@inline function slotsOf(s: i32): usize {
  return SLOTS + <usize>s * SLOT_BYTES * <usize>MAX_SLOTS;
}

@inline function headerOf(s: i32): usize {
  return HEADERS + <usize>s * HEADER_WORDS * 4;
}

/** The leading slots shapes a and b share: the same literal before each, the same kind and flags (and first byte). */
function commonSlots(a: i32, b: i32): i32 {
  const count = min(load<i32>(headerOf(a), 4), load<i32>(headerOf(b), 4));
  const lineA = LINES + <usize>a * SHAPE_BYTES;
  const lineB = LINES + <usize>b * SHAPE_BYTES;
  let endA: usize = 0;
  let endB: usize = 0;
  for (let i = 0; i < count; i++) {
    const slotA = slotsOf(a) + <usize>i * SLOT_BYTES;
    const slotB = slotsOf(b) + <usize>i * SLOT_BYTES;
    const startA = <usize>load<u32>(slotA);
    const startB = <usize>load<u32>(slotB);
    if (startA - endA != startB - endB || memory.compare(lineA + endA, lineB + endB, startA - endA) != 0) return i;
    if (load<u32>(slotA, 8) != load<u32>(slotB, 8) || load<u8>(lineA + startA) != load<u8>(lineB + startB)) return i;
    endA = <usize>load<u32>(slotA, 4);
    endB = <usize>load<u32>(slotB, 4);
  }
  return count;
}

/** Forgets every shape (a new key tree). */
export function shapeClear(): void {
  kept = 0;
  lastMatched = 0;
  nextReplaced = 0;
}

/** Bytes [a, a + n) equal [b, b + n). */
@inline function sameBytes(a: usize, b: usize, n: usize): bool {
  while (n >= 16) {
    if (!i8x16.all_true(i8x16.eq(v128.load(a), v128.load(b)))) return false;
    a += 16;
    b += 16;
    n -= 16;
  }
  if (n >= 8) return load<u64>(a) == load<u64>(b) && load<u64>(a + n - 8) == load<u64>(b + n - 8);
  if (n >= 4) return load<u32>(a) == load<u32>(b) && load<u32>(a + n - 4) == load<u32>(b + n - 4);
  if (n >= 2) return load<u16>(a) == load<u16>(b) && load<u16>(a + n - 2) == load<u16>(b + n - 2);
  return n == 0 || load<u8>(a) == load<u8>(b);
}

/**
 * The line at `line` (up to `end`) read with shape s from its slot `from` on (PLACES holds the line's places
 * of the slots before, read with a shape that shares them): the object's end, or 0 when it does not match
 * (then `failedAt` is the slot, or the final literal, that did not).
 */
function matchShape(s: i32, from: i32, line: usize, end: usize): usize {
  const shape = LINES + <usize>s * SHAPE_BYTES;
  const slots = slotsOf(s);
  const count = load<i32>(headerOf(s), 4);
  let p = from == 0 ? line : <usize>load<u32>(PLACES + <usize>from * 12);
  let previous: usize = from == 0 ? 0 : <usize>load<u32>(slots + <usize>(from - 1) * SLOT_BYTES, 4); // in the shape
  for (let i = from; i < count; i++) {
    const at = slots + <usize>i * SLOT_BYTES;
    const place = PLACES + <usize>i * 12;
    store<u32>(place, <u32>p);
    failedAt = i;
    const start = <usize>load<u32>(at);
    const literal = start - previous;
    if (p + literal > end || !sameBytes(p, shape + previous, literal)) return 0;
    p += literal;
    const flags = load<u32>(at, 8);
    const kind = flags & 0xff;
    let after: usize;
    if (kind == STRING) {
      after = stringEnd(p - 1, end); // the opening quote was the literal's last byte; after: the closing one
      if (after == 0) return 0;
    } else if (kind == TOKEN) {
      if (p >= end) return 0;
      const v = <u32>load<u8>(p);
      if (v == QUOTE || v == LBRACE || v == LBRACKET || load<u8>(TOKEN_ENDS + <usize>v) != 0) return 0;
      after = p + 1;
      while (after < end && load<u8>(TOKEN_ENDS + <usize>load<u8>(after)) == 0) after++;
      if ((flags & 0x100) != 0 && (v == 0x6e && after - p == 4) != ((flags & 0x200) != 0)) return 0;
    } else {
      if (p >= end || load<u8>(p) != load<u8>(shape + start)) return 0;
      after = valueEnd(p, end);
      if (after == 0) return 0;
    }
    store<u32>(place, <u32>p, 4);
    store<u32>(place, <u32>after, 8);
    p = after;
    previous = <usize>load<u32>(at, 4);
  }
  store<u32>(PLACES + <usize>count * 12, <u32>p);
  failedAt = count;
  const literal = <usize>load<i32>(headerOf(s)) - previous;
  if (p + literal > end || !sameBytes(p, shape + previous, literal)) return 0;
  return p + literal;
}

/**
 * The line [line, end) read with a kept shape (the last one matched first, then the others, each from the
 * first slot it does not share with the one that failed): the object's end with its captures written at
 * `captures` (json.ts CAPTURES: start, end, string, rank; 16 bytes a role), or 0 when none matches.
 */
export function shapeLine(line: usize, end: usize, captures: usize): usize {
  if (kept == 0) return 0;
  let tried = lastMatched;
  let after = matchShape(tried, 0, line, end);
  for (let s = 0; after == 0 && s < kept; s++) {
    if (s == lastMatched) continue;
    const from = min(failedAt, load<i32>(COMMON + <usize>(tried * SHAPES + s) * 4));
    tried = s;
    after = matchShape(s, from, line, end);
  }
  if (after == 0) return 0;
  lastMatched = tried;
  const header = headerOf(tried);
  const slots = slotsOf(tried);
  for (let role = 0; role < ROLES; role++) {
    const slot = load<i32>(header + 8 + (<usize>role << 3));
    if (slot < 0) continue;
    const place = PLACES + <usize>slot * 12;
    const c = captures + (<usize>role << 4);
    store<u32>(c, load<u32>(place, 4));
    store<u32>(c, load<u32>(place, 8), 4);
    store<u32>(c, (load<u32>(slots + <usize>slot * SLOT_BYTES, 8) & 0xff) == STRING ? 1 : 0, 8);
    store<i32>(c, load<i32>(header + 8 + (<usize>role << 3), 4), 12);
  }
  return after;
}

export function resetCaptures(captures: usize): void {
  for (let role = 0; role < ROLES; role++) {
    const at = captures + (<usize>role << 4);
    store<i32>(at, -1);
    store<i32>(at, -1, 4);
    store<i32>(at, 0x7fffffff, 12);
  }
}

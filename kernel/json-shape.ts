// Shapes of JSON lines (AssemblyScript), the fast path of kernel/json.ts: the lines of one server mostly repeat
// the same keys in the same order, so once the exact walker (json.ts walkObject) has read a line, the line's
// bytes outside its values are kept as a shape: literals (keys, `:`, `,`, braces, spaces, the quotes around
// string values) between slots (the values the walker skipped or captured). A later line matches the shape
// when each literal is there byte for byte and each slot holds a value of the same kind, crossed by the
// walker's own rules (stringEnd, valueEnd); then the walker would have taken exactly the same steps on it
// (its steps depend only on the literal bytes and on each value's kind), so the captures are the slots' own.
// A line that does not match is walked, and becomes a shape. Kinds that change the walker's captures are
// checked too: a captured slot that is `null` (never captured) must be `null` in both lines, and a shape
// whose captured value was an object or array is not kept. An object the walker walks only to check it (no key
// in it is wanted: Caddy's `headers`) is one slot, crossed as the walker crosses it (json.ts plainObjectEnd), so
// lines with more or fewer headers share a shape.
//
// Values that stay the same from line to line (`"level":"info"`, `"proto":"HTTP/1.1"`) are compared as part of
// the literals around them: bytes equal to the shape's are read as the shape's were. A slot is compared so
// until a line differs inside it; from then on it is read as a value. Captured slots are always read.
//
// Matching is the hot path (a Caddy line is ten steps of it): each shape is compiled into steps, one per slot
// read, each holding where its literal starts and ends and the slot's flags, and the values are read 16 bytes at
// a time by json-read.ts, past the line's end too and stopping at a newline, so a line can be matched before its
// end is known (json.ts jsonNewline).

import { closingQuote, sameBytes, shapeChecked, tokenEnd, uncheckedValueEnd, walkedEnd, BACKSLASHES, NEWLINES, QUOTES, TOKEN_ENDS } from './json-read';

const QUOTE: u32 = 0x22;
const LBRACE: u32 = 0x7b;
const LBRACKET: u32 = 0x5b;
const RBRACKET: u32 = 0x5d;

/** A slot's kind: string contents, a bare token (number, literal), or an object or array crossed whole. */
const STRING: u32 = 0;
const TOKEN: u32 = 1;
const COMPOSITE: u32 = 2;
/** An object the walker walks for a key of the tree with nothing captured in it (json.ts walksPlain, plainObjectEnd). */
const WALKED: u32 = 3;

const SHAPES: i32 = 4;
const SHAPE_BYTES: usize = 4096;
const MAX_SLOTS: i32 = 96;
const SLOT_BYTES: usize = 12; // start, end (offsets in the line), kind | role flag << 8 | null << 9 | VARIES
const ROLES: i32 = 3;
const ROLE_FLAG: u32 = 0x100;
const NULL_FLAG: u32 = 0x200;
/** A slot's value differed from the shape's in some line: it is read, not compared. */
const VARIES: u32 = 0x400;
/** matchShape's answer when it marked a slot VARIES and must be run again. */
const AGAIN: usize = 1;

// Per shape: the line's bytes, its slots, its steps (the slots read, each with the start and end of the
// literal before it, in the shape, the slot and its flags; then the final literal's, at the slot count, of kind
// FINAL), and a header of i32s: the object's length, the slot count, the step count (the final literal's
// included), then per role the slot it captured (or -1) and the capture's rank.
const HEADER_WORDS: usize = 10;
const STEP_BYTES: usize = 20; // literal start, literal end (the slot's start), slot, flags, the slot's PLACES
/** The kind of the last step: the literal after the last slot read, to the object's end. */
const FINAL: u32 = 4;
/** For shapes a and b, at (a * SHAPES + b) * 4: how many leading slots (literal before, kind, flags) they share. */
const COMMON: usize = memory.data(4 * SHAPES * SHAPES);
/** Where the current line's literal before slot i (when read) and value i start and the value ends (line addresses), 12 bytes each. */
const PLACES: usize = memory.data(12 * (MAX_SLOTS + 1));
/** PLACES as the first shape tried left them, for the others (matchAfter). */
const SAVED_PLACES: usize = memory.data(12 * (MAX_SLOTS + 1));
/** The step where the last failed matchShape stopped. */
let failedStep: i32 = 0;
const LINES: usize = memory.data(<i32>(SHAPE_BYTES * <usize>SHAPES));
const SLOTS: usize = memory.data(<i32>(SLOT_BYTES * <usize>(MAX_SLOTS * SHAPES)));
const HEADERS: usize = memory.data(<i32>(HEADER_WORDS * 4 * <usize>SHAPES));
const STEPS: usize = memory.data(<i32>(STEP_BYTES * <usize>((MAX_SLOTS + 1) * SHAPES)));

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
  store<u32>(at, kind | (roles ? ROLE_FLAG : 0) | (isNull ? NULL_FLAG : 0), 8);
  noted++;
}

/** The walker crossed the object [p, after) of a key walked with nothing captured in it (json.ts plainObjectEnd). */
export function shapeWalked(p: usize, after: usize): void {
  if (noted == MAX_SLOTS) {
    keepable = false;
    return;
  }
  const at = NOTED_SLOTS + <usize>noted * SLOT_BYTES;
  store<u32>(at, <u32>(p - notedLine));
  store<u32>(at, <u32>(after - notedLine), 4);
  store<u32>(at, WALKED, 8);
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
  memory.copy(header + 16, NOTED_ROLES, ROLES * 8);
  compile(s);
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

@inline function stepsOf(s: i32): usize {
  return STEPS + <usize>s * STEP_BYTES * <usize>(MAX_SLOTS + 1);
}

@inline function headerOf(s: i32): usize {
  return HEADERS + <usize>s * HEADER_WORDS * 4;
}

/** Makes shape s's steps: a step for each slot read (captured, or VARIES), the others left in the literals. */
function compile(s: i32): void {
  const slots = slotsOf(s);
  const steps = stepsOf(s);
  const count = load<i32>(headerOf(s), 4);
  let n: usize = 0;
  let literal: u32 = 0;
  for (let i = 0; i < count; i++) {
    const at = slots + <usize>i * SLOT_BYTES;
    const flags = load<u32>(at, 8);
    if ((flags & (ROLE_FLAG | VARIES)) == 0) continue;
    const step = steps + n * STEP_BYTES;
    store<u32>(step, literal);
    store<u32>(step, load<u32>(at), 4);
    store<i32>(step, i, 8);
    store<u32>(step, flags, 12);
    store<u32>(step, <u32>(PLACES + <usize>i * 12), 16);
    literal = load<u32>(at, 4);
    n++;
  }
  const step = steps + n * STEP_BYTES;
  store<u32>(step, literal);
  store<u32>(step, load<u32>(headerOf(s)), 4);
  store<i32>(step, count, 8);
  store<u32>(step, FINAL, 12);
  store<u32>(step, <u32>(PLACES + <usize>count * 12), 16);
  store<i32>(headerOf(s), <i32>n + 1, 8);
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
    if (((load<u32>(slotA, 8) ^ load<u32>(slotB, 8)) & ~VARIES) != 0 || load<u8>(lineA + startA) != load<u8>(lineB + startB)) return i;
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

/**
 * The literal of shape s at [from, from + n), which holds its slots [first, last) (left in the literals), did
 * not match the line at p (up to end): when the first byte that differs lies in one of those slots (its value
 * or the byte after it), that slot VARIES from now on and the answer is AGAIN; otherwise 0. A literal between
 * two slots read holds none: then nothing is looked at (lines of two skeletons that alternate miss there).
 */
function literalMissed(s: i32, from: usize, n: usize, p: usize, end: usize, first: i32, last: i32): usize {
  if (first >= last) return 0;
  const shape = LINES + <usize>s * SHAPE_BYTES;
  let i: usize = 0;
  while (i < n && p + i < end && load<u8>(p + i) == load<u8>(shape + from + i)) i++;
  // Bytes that ran out (a line cut short, or one not ended yet in the chunk jsonNewline reads) say nothing.
  if (p + i >= end) return 0;
  const x = from + i;
  const slots = slotsOf(s);
  for (let j = first; j < last; j++) {
    const at = slots + <usize>j * SLOT_BYTES;
    const flags = load<u32>(at, 8);
    if ((flags & (ROLE_FLAG | VARIES)) != 0 || x < <usize>load<u32>(at) || x > <usize>load<u32>(at, 4)) continue;
    store<u32>(at, flags | VARIES, 8);
    compile(s);
    return AGAIN;
  }
  return 0;
}

/**
 * The line at `line` (up to `end`) read with shape s from its step `from` on, at `p` in the line and `previous`
 * in the shape, the literal there holding the slots from `firstSlot` on (PLACES holds the line's places of the
 * steps before, read with a shape that shares them): the object's end; AGAIN; or 0 when it does not match
 * (then `failedStep` is the step that did not).
 */
function matchShape(s: i32, from: i32, p: usize, previous: usize, end: usize, firstSlot: i32): usize {
  const shape = LINES + <usize>s * SHAPE_BYTES;
  const steps = stepsOf(s);
  // closingQuote's, loaded once: as constants, the engine would make them again at each use
  const quotes = v128.load(QUOTES);
  const backslashes = v128.load(BACKSLASHES);
  const newlines = v128.load(NEWLINES);
  let step = steps + <usize>from * STEP_BYTES;
  while (true) {
    const start = <usize>load<u32>(step, 4);
    const literal = start - previous;
    const place = <usize>load<u32>(step, 16);
    store<u32>(place, <u32>p);
    if (p + literal > end || !sameBytes(p, shape + previous, literal)) break;
    p += literal;
    const flags = load<u32>(step, 12);
    let after: usize = 0;
    if ((flags & 0xff) == STRING) {
      after = closingQuote(p, end, quotes, backslashes, newlines); // the opening quote was the literal's last byte; after: the closing one
    } else if ((flags & 0xff) == TOKEN) {
      if (p < end) {
        const v = <u32>load<u8>(p);
        if (v != QUOTE && v != LBRACE && v != LBRACKET && load<u8>(TOKEN_ENDS + <usize>v) == 0) {
          after = tokenEnd(p + 1, end);
          if ((flags & ROLE_FLAG) != 0 && (v == 0x6e && after - p == 4) != ((flags & NULL_FLAG) != 0)) after = 0;
        }
      }
    } else if ((flags & 0xff) == WALKED) {
      if (p < end && load<u8>(p) == LBRACE) after = walkedEnd(p, end);
    } else if ((flags & 0xff) == FINAL) {
      return p;
    } else if (p < end && load<u8>(p) == load<u8>(shape + start)) {
      // `["..."]`, as valueEnd would cross it, else valueEnd
      after = p + 1 < end && load<u8>(p + 1) == QUOTE ? closingQuote(p + 2, end, quotes, backslashes, newlines) : 0;
      after = after != 0 && after + 1 < end && load<u8>(after + 1) == RBRACKET && load<u8>(p) == LBRACKET ? after + 2 : uncheckedValueEnd(p, end);
    }
    if (after == 0) {
      failedStep = <i32>((step - steps) / STEP_BYTES);
      return 0;
    }
    store<u32>(place, <u32>p, 4);
    store<u32>(place, <u32>after, 8);
    p = after;
    previous = <usize>load<u32>(step, STEP_BYTES); // the next step's literal starts where this slot ends
    step += STEP_BYTES;
  }
  // The literal before the step's slot did not match: the slots it holds start after the last step's.
  failedStep = <i32>((step - steps) / STEP_BYTES);
  if (failedStep > from) firstSlot = load<i32>(step - STEP_BYTES, 8) + 1;
  return literalMissed(s, previous, <usize>load<u32>(step, 4) - previous, p, end, firstSlot, load<i32>(step, 8));
}

/** Shape s read from its first step on; AGAIN answers are run again. */
function matchWhole(s: i32, line: usize, end: usize): usize {
  let after: usize;
  do after = matchShape(s, 0, line, 0, end, 0);
  while (after == AGAIN);
  return after;
}

/**
 * Shape b read after shape a failed at `failedStep` (its places saved in SAVED_PLACES): from the end of the last
 * slot both share among those a read whole (up to the slot of its step before the failed one), whose place in
 * the line a's reading gives (a read slot's end, or a place in the literal of the step after it).
 */
function matchAfter(a: i32, failed: i32, b: i32, line: usize, end: usize): usize {
  const stepsA = stepsOf(a);
  const read = failed == 0 ? 0 : load<i32>(stepsA + <usize>(failed - 1) * STEP_BYTES, 8) + 1;
  const shared = min(read, load<i32>(COMMON + <usize>(a * SHAPES + b) * 4));
  if (shared == 0) return matchWhole(b, line, end);
  memory.copy(PLACES, SAVED_PLACES, <usize>shared * 12);
  const slot = shared - 1;
  const slotA = slotsOf(a) + <usize>slot * SLOT_BYTES;
  let p: usize;
  if ((load<u32>(slotA, 8) & (ROLE_FLAG | VARIES)) != 0) {
    p = <usize>load<u32>(PLACES + <usize>slot * 12, 8);
  } else {
    let k = 0;
    while (load<i32>(stepsA + <usize>k * STEP_BYTES, 8) < slot) k++;
    const literalLine = <usize>load<u32>(SAVED_PLACES + <usize>load<i32>(stepsA + <usize>k * STEP_BYTES, 8) * 12);
    p = literalLine + (<usize>load<u32>(slotA, 4) - <usize>load<u32>(stepsA + <usize>k * STEP_BYTES));
  }
  const stepsB = stepsOf(b);
  let k = 0;
  while (load<i32>(stepsB + <usize>k * STEP_BYTES, 8) < shared) k++;
  const previous = <usize>load<u32>(slotsOf(b) + <usize>slot * SLOT_BYTES, 4);
  const after = matchShape(b, k, p, previous, end, shared);
  return after == AGAIN ? matchWhole(b, line, end) : after;
}

/**
 * The line [line, end) read with a kept shape (the last one matched first, then the others, each from the
 * first slot it does not share with that one): the object's end with its captures written at `captures`
 * (json.ts CAPTURES: start, end, string, rank; 16 bytes a role, every role), or 0 when none matches.
 */
export function shapeLine(line: usize, end: usize, captures: usize): usize {
  // Shapes read 16 bytes at a time, past the line's end too: a line that ends less than 16 bytes before the
  // end of memory is walked.
  if (kept == 0 || end + 16 > (<usize>memory.size() << 16)) return 0;
  shapeChecked();
  const first = lastMatched;
  let tried = first;
  let after = matchWhole(first, line, end);
  if (after == 0) {
    const failed = failedStep;
    // matchAfter reads the places of the slots up to the failed step's
    const reached = load<i32>(stepsOf(first) + <usize>failed * STEP_BYTES, 8);
    memory.copy(SAVED_PLACES, PLACES, <usize>(reached + 1) * 12);
    for (let s = 0; after == 0 && s < kept; s++) {
      if (s == first) continue;
      tried = s;
      after = matchAfter(first, failed, s, line, end);
    }
    if (after == 0) return 0;
  }
  lastMatched = tried;
  const header = headerOf(tried);
  const slots = slotsOf(tried);
  // Every role's capture is written (none when the shape has none: as resetCaptures leaves it).
  for (let role = 0; role < ROLES; role++) {
    const slot = load<i32>(header + 16 + (<usize>role << 3));
    const c = captures + (<usize>role << 4);
    if (slot < 0) {
      store<i32>(c, -1);
      store<i32>(c, -1, 4);
      store<i32>(c, 0x7fffffff, 12);
      continue;
    }
    const place = PLACES + <usize>slot * 12;
    store<u32>(c, load<u32>(place, 4));
    store<u32>(c, load<u32>(place, 8), 4);
    store<u32>(c, (load<u32>(slots + <usize>slot * SLOT_BYTES, 8) & 0xff) == STRING ? 1 : 0, 8);
    store<i32>(c, load<i32>(header + 16 + (<usize>role << 3), 4), 12);
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

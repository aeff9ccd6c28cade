// Numbers and instants as the kernel's rows hold them (rows.ts): counts in decimal, stamps as ISO 8601 in their
// own offset, the same bytes as src/sinks/bytes.ts writeUint and src/base/time.ts writeStampIso write (the
// sinks' tests hold the two together), two digits at a time from a table and in integers.

/** `00` to `99`, two bytes each: numbers and times are written two digits a step (a lookup, not a `% 10` and a `/ 10` per digit). */
const DIGIT_PAIRS: usize = memory.data(200);
for (let n: u32 = 0; n < 100; n++) store<u16>(DIGIT_PAIRS + (<usize>n << 1), <u16>((48 + n / 10) | ((48 + n % 10) << 8)));

@inline
function pair(value: u32): u16 {
  return load<u16>(DIGIT_PAIRS + (<usize>value << 1));
}

export function writeUint(at: usize, value: u32): usize {
  if (value < 10) {
    store<u8>(at, <u8>(48 + value)); // most status columns of most rows: 0
    return at + 1;
  }
  const digits: usize = value < 100 ? 2 : value < 1000 ? 3 : value < 10000 ? 4 : value < 100000 ? 5 : value < 1000000 ? 6 : value < 10000000 ? 7 : value < 100000000 ? 8 : value < 1000000000 ? 9 : 10;
  let p = at + digits;
  let rest = value;
  while (rest >= 100) {
    const high = rest / 100;
    p -= 2;
    store<u16>(p, pair(rest - high * 100));
    rest = high;
  }
  if (rest >= 10) store<u16>(p - 2, pair(rest));
  else store<u8>(p - 1, <u8>(48 + rest));
  return at + digits;
}

// Stamps (src/base/time.ts): epoch seconds * 4096 + (offset minutes + 2048).
const OFFSET_SPAN: f64 = 4096;
const OFFSET_BIAS: i32 = 2048;

/** The stamp's offset in minutes. */
@inline
function offsetMinutes(stamp: f64): i32 {
  return <i32>(stamp - Math.floor(stamp * (1 / OFFSET_SPAN)) * OFFSET_SPAN) - OFFSET_BIAS;
}

/** The stamp's local time (in its own offset), in seconds from 1970-01-01T00:00 local (exact in an f64). */
@inline
function localSeconds(stamp: f64): f64 {
  return Math.floor(stamp * (1 / OFFSET_SPAN)) + <f64>(offsetMinutes(stamp) * 60);
}

/** Local times from 0000-01-01T00:00:00 to 9999-12-31T23:59:59 (seconds from 1970): the years writeIso writes with four digits. */
const FIRST_SECOND: f64 = -719528 * 86400;
const END_SECOND: f64 = (2932896 + 1) * 86400;

/** Stamps whose local time is in those years whatever their offset (2048 minutes at most either way). */
const SURE_FIRST_STAMP: f64 = (FIRST_SECOND + 2048 * 60) * OFFSET_SPAN;
const SURE_END_STAMP: f64 = (END_SECOND - 2048 * 60) * OFFSET_SPAN;

export function isoWritable(stamp: f64): bool {
  if (stamp >= SURE_FIRST_STAMP && stamp < SURE_END_STAMP) return true;
  if (!isFinite(stamp)) return false;
  const local = localSeconds(stamp);
  return local >= FIRST_SECOND && local < END_SECOND;
}

/**
 * The `YYYY-MM-DD` of the days written lately, by day number, direct-mapped (day d in slot d % DAY_SLOTS): a
 * row's first and last instants are often days apart, and a ranking's rows come from all of a log's days.
 * A slot's tag is its day + DAY_TAG (0: empty, as memory.data starts).
 */
const DAY_SLOTS: u32 = 64;
const DAY_TAG: i32 = 0x10000000;
const DAY_TAGS: usize = memory.data(<i32>DAY_SLOTS * 4);
const DAY_DATES: usize = memory.data(<i32>DAY_SLOTS * 16);
/** The offset last written and its `+hh:mm`. */
let cachedOffset: i32 = 0x7fffffff;
const CACHED_OFFSET: usize = memory.data(8);

/**
 * `2015-10-25T04:11:26+01:00`: the local time in the stamp's own offset (src/base/time.ts writeStampIso), for a
 * stamp isoWritable said yes to, in integers: the stamp's floor as an i64 holds the epoch second above its 12
 * low bits and the offset (+ OFFSET_BIAS) in them (the same as localSeconds and offsetMinutes). The date and
 * the offset are mostly those of a stamp written lately: each is made again only when it is not.
 */
export function writeIso(at: usize, stamp: f64): usize {
  const whole = <i64>Math.floor(stamp);
  const offset = <i32>(whole & 4095) - OFFSET_BIAS;
  const local = (whole >> 12) + <i64>(offset * 60);
  const days = <i32>Math.floor(<f64>local / 86400);
  const second = <u32>(local - <i64>days * 86400);
  const slot = <usize>(<u32>days % DAY_SLOTS);
  const date = DAY_DATES + (slot << 4);
  if (load<i32>(DAY_TAGS + (slot << 2)) != days + DAY_TAG) {
    store<i32>(DAY_TAGS + (slot << 2), days + DAY_TAG);
    writeDate(date, days);
  }
  store<u64>(at, load<u64>(date));
  store<u16>(at + 8, load<u16>(date + 8));
  const hour = second / 3600;
  const minutes = second / 60 - hour * 60;
  // `Thh:mm:s` in one store, then the second's last digit.
  const seconds = pair(second % 60);
  store<u64>(at + 10, 0x54 | (<u64>pair(hour) << 8) | (<u64>0x3a << 24) | (<u64>pair(minutes) << 32) | (<u64>0x3a << 48) | (<u64>(seconds & 0xff) << 56));
  store<u8>(at + 18, <u8>(seconds >> 8));
  if (offset != cachedOffset) {
    cachedOffset = offset;
    const abs = <u32>(offset < 0 ? -offset : offset);
    store<u8>(CACHED_OFFSET, offset < 0 ? 0x2d : 0x2b);
    store<u16>(CACHED_OFFSET + 1, pair(abs / 60));
    store<u8>(CACHED_OFFSET + 3, 0x3a);
    store<u16>(CACHED_OFFSET + 4, pair(abs % 60));
  }
  store<u32>(at + 19, load<u32>(CACHED_OFFSET));
  store<u16>(at + 23, load<u16>(CACHED_OFFSET + 4));
  return at + 25;
}

/** `YYYY-MM-DD` of a day (days from 1970-01-01, years 0000-9999), at `at`: H. Hinnant's civil_from_days, in 32-bit arithmetic. */
function writeDate(at: usize, days: i32): void {
  const z = days + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const day = doy - (153 * mp + 2) / 5 + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  store<u16>(at, pair(<u32>year / 100));
  store<u16>(at + 2, pair(<u32>year % 100));
  store<u8>(at + 4, 0x2d);
  store<u16>(at + 5, pair(<u32>month));
  store<u8>(at + 7, 0x2d);
  store<u16>(at + 8, pair(<u32>day));
}

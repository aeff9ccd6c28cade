// Group keys of several fields (`--by ip,path`, `--by path`, ...) made by the CLF kernel for a matching line, so
// that it counts them in its own table (table.ts) with no trip to JS per line. It makes exactly the bytes
// src/analyses/key-maker.ts KeyMaker makes for a Combined line: the parts laid out as src/tables/composite-key.ts
// says (every part but the last preceded by its length, 4 bytes big-endian), the request split into method and
// path as src/formats/request.ts splitRequest splits it, the query cut off unless kept.

const SP: u32 = 0x20;
const QUESTION: u32 = 0x3f;
const SLASH: u32 = 0x2f;

/** A key program's field codes (src/scan/kernel-scanner.ts KEY_CODES). */
const IP: u32 = 0;
const STATUS: u32 = 1;
const METHOD: u32 = 2;
const PATH: u32 = 3;
const PATH_WITH_QUERY: u32 = 4;

/** The key program: `keyCount` field codes (u8) at `keyCodes`; 0 fields: the client alone, no key made. */
let keyCodes: usize = 0;
export let keyCount: u32 = 0;
/** Where keys are made: room for every field of the longest line the read buffer holds (JS sees to it). */
let keyScratch: usize = 0;

/** Sets the key program (`count` codes at `codes`) and the scratch keys are made in. */
export function keyInit(codes: usize, count: u32, scratch: usize): void {
  keyCodes = codes;
  keyCount = count;
  keyScratch = scratch;
}

export function keyAt(): usize {
  return keyScratch;
}

// The request's parts, split once per line (splitRequest); start -1: none.
let methodStart: isize = -1;
let methodEnd: isize = -1;
let pathStart: isize = -1;
let pathEnd: isize = -1;

function splitRequest(reqStart: usize, reqEnd: usize): void {
  let space = reqStart;
  while (space < reqEnd && <u32>load<u8>(space) != SP) space++;
  if (space == reqEnd) {
    methodStart = methodEnd = -1;
    pathStart = <isize>reqStart;
    pathEnd = <isize>reqEnd;
    return;
  }
  methodStart = <isize>reqStart;
  methodEnd = <isize>space;
  let end = reqEnd;
  let last = reqEnd;
  while (last > space && <u32>load<u8>(last - 1) != SP) last--;
  if (
    last > space + 1 && reqEnd - last > 5 &&
    <u32>load<u8>(last) == 0x48 && <u32>load<u8>(last + 1) == 0x54 && <u32>load<u8>(last + 2) == 0x54 &&
    <u32>load<u8>(last + 3) == 0x50 && <u32>load<u8>(last + 4) == SLASH
  ) {
    end = last - 1;
  }
  let start = space;
  while (start < end && <u32>load<u8>(start) == SP) start++;
  while (end > start && <u32>load<u8>(end - 1) == SP) end--;
  pathStart = <isize>start;
  pathEnd = <isize>end;
}

/** Copies [start, end) to `at` (nothing for a field the line lacks, start < 0); returns where it ends. */
@inline
function part(start: isize, end: isize, at: usize): usize {
  if (start < 0) return at;
  const length = <usize>(end - start);
  memory.copy(at, <usize>start, length);
  return at + length;
}

/**
 * Makes the key of the line whose client is [clientStart, clientEnd), request [reqStart, reqEnd) and status
 * `status` at keyAt(); returns where it ends.
 */
export function makeKey(clientStart: usize, clientEnd: usize, reqStart: usize, reqEnd: usize, status: u32): usize {
  let split = false;
  let at = keyScratch;
  const last = keyCount - 1;
  for (let i: u32 = 0; i <= last; i++) {
    const code = <u32>load<u8>(keyCodes + i);
    const lengthAt = at;
    if (i < last) at += 4;
    let end = at;
    if (code == IP) {
      end = part(<isize>clientStart, <isize>clientEnd, at);
    } else if (code == STATUS) {
      store<u8>(at, 0x30 + status / 100);
      store<u8>(at + 1, 0x30 + (status / 10) % 10);
      store<u8>(at + 2, 0x30 + status % 10);
      end = at + 3;
    } else {
      if (!split) {
        splitRequest(reqStart, reqEnd);
        split = true;
      }
      if (code == METHOD) {
        end = part(methodStart, methodEnd, at);
      } else {
        let stop = pathEnd;
        if (code == PATH && pathStart >= 0) {
          for (let p = pathStart; p < stop; p++) {
            if (<u32>load<u8>(<usize>p) == QUESTION) {
              stop = p;
              break;
            }
          }
        }
        end = part(pathStart, stop, at);
      }
    }
    if (i < last) store<u32>(lengthAt, bswap<u32>(<u32>(end - at)));
    at = end;
  }
  return at;
}

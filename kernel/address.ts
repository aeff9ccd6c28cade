// A client logged with its port, `address:port` or `[v6]:port`, read as its address alone: the twin of
// src/formats/fieldscan.ts setClientAddress, one copy for both kernels (the field kernel's field-line.ts and the
// JSON reader json.ts of clf.wasm), and the digit test it is made of.

const COLON: u32 = 0x3a;
const LBRACKET: u32 = 0x5b;
const RBRACKET: u32 = 0x5d;

/** The address withoutPort found last. */
export let addressStart: usize = 0;
export let addressEnd: usize = 0;

/** Bit i set where byte i of the 16 in v is an ASCII digit. */
@inline export function digitBits(v: v128): u32 {
  return i8x16.bitmask(i8x16.le_u(i8x16.sub(v, i8x16.splat(0x30)), i8x16.splat(9)));
}

/**
 * The address of the client [start, end) into addressStart and addressEnd: inside the brackets of `[v6]...`
 * (when they close), before the `:` of a port of digits after the first byte (when the port is not empty),
 * else the whole.
 */
export function withoutPort(start: usize, end: usize): void {
  addressStart = start;
  addressEnd = end;
  if (<u32>load<u8>(start) == LBRACKET) {
    for (let p = start + 1; p < end; p++) {
      if (<u32>load<u8>(p) == RBRACKET) {
        addressStart = start + 1;
        addressEnd = p;
        return;
      }
    }
    return;
  }
  // The port: the digits back from the end to a `:` (after the first byte). Read as the 16 bytes that end the
  // client (those before it masked off), so that a port's length costs no byte loop; a longer run of digits is
  // read by the loop.
  if (end >= 16) {
    const base = end - 16;
    const digits = digitBits(v128.load(base));
    // positions after the client's first byte (the loop below never looks at it)
    const after: u32 = end - start > 16 ? 0xffff : 0xffff & ~((<u32>2 << <u32>(start - base)) - 1);
    const others = ~digits & after;
    if (others != 0) {
      const p = base + <usize>(31 - clz(others));
      if (<u32>load<u8>(p) == COLON && p < end - 1) addressEnd = p;
      return;
    }
    if (end - start <= 16) return; // digits only
  }
  for (let p = end - 1; p > start; p--) {
    const c = <u32>load<u8>(p);
    if (c == COLON) {
      if (p < end - 1) addressEnd = p;
      return;
    }
    if (c - 0x30 > 9) return;
  }
}

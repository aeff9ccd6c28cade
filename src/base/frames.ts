// The byte layout the engine's partials travel in (tables/partial-codec.ts, tables/report-codec.ts): a 3-byte
// magic and a version byte, little-endian 32-bit header words, then each array raw at an 8-byte boundary, so a
// decoder can view (or copy) every array in place with no parsing.

/** Typed arrays a frame carries. */
export type FrameArray = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** `bytes` rounded up to the next multiple of 8. */
export function align(bytes: number): number {
  return Math.ceil(bytes / 8) * 8;
}

/** One frame: magic, version, the header words, then the arrays in order, each 8-aligned. */
export function packFrame(magic: readonly number[], version: number, words: readonly number[], arrays: readonly FrameArray[]): Uint8Array {
  const headerBytes = align(4 + 4 * words.length);
  let size = headerBytes;
  for (const array of arrays) size += align(array.byteLength);
  const out = new Uint8Array(size);
  out.set(magic);
  out[3] = version;
  new Uint32Array(out.buffer, 4, words.length).set(words);
  let at = headerBytes;
  for (const array of arrays) {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += align(array.byteLength);
  }
  return out;
}

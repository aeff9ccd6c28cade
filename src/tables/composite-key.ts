// How a group key of several fields (`--by ip,path`) is laid out in bytes: every part but the last is preceded
// by its length in 4 bytes (big-endian), so no byte a field may hold can confuse two keys. A key of one field
// is that field's bytes. Keys are made by analyses/key-maker.ts and split back only for the result.

/** Bytes of the length before each part but the last. */
export const KEY_LENGTH_BYTES = 4;

/** The parts of a key (one char per byte, as GroupTable.key gives it) made for `count` fields. */
export function splitKey(key: string, count: number): string[] {
  if (count === 1) return [key];
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i < count - 1; i++) {
    let length = 0;
    for (let b = 0; b < KEY_LENGTH_BYTES; b++) length = length * 256 + key.charCodeAt(at + b);
    at += KEY_LENGTH_BYTES;
    parts.push(key.slice(at, at + length));
    at += length;
  }
  parts.push(key.slice(at));
  return parts;
}

/**
 * Where the parts of the key keys[start, end) made for `count` fields lie, on bytes (no string): part p is
 * keys[bounds[2p], bounds[2p + 1]). `bounds` holds 2 * count numbers.
 */
export function keyPartBounds(keys: Uint8Array, start: number, end: number, count: number, bounds: Int32Array): void {
  let at = start;
  for (let p = 0; p < count - 1; p++) {
    const length = ((keys[at] << 24) | (keys[at + 1] << 16) | (keys[at + 2] << 8) | keys[at + 3]) >>> 0;
    at += KEY_LENGTH_BYTES;
    bounds[2 * p] = at;
    bounds[2 * p + 1] = at += length;
  }
  bounds[2 * count - 2] = at;
  bounds[2 * count - 1] = end;
}

/**
 * Compares two keys made for `count` fields part by part, each part's bytes in byte order (a part that is a
 * prefix of the other comes first): the order of `splitKey`'s parts compared as strings, without making them.
 */
export function compareKeyParts(keys: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number, count: number): number {
  let i = aStart;
  let j = bStart;
  for (let p = 0; p < count; p++) {
    let aPartEnd = aEnd;
    let bPartEnd = bEnd;
    if (p < count - 1) {
      aPartEnd = i + KEY_LENGTH_BYTES + (((keys[i] << 24) | (keys[i + 1] << 16) | (keys[i + 2] << 8) | keys[i + 3]) >>> 0);
      bPartEnd = j + KEY_LENGTH_BYTES + (((keys[j] << 24) | (keys[j + 1] << 16) | (keys[j + 2] << 8) | keys[j + 3]) >>> 0);
      i += KEY_LENGTH_BYTES;
      j += KEY_LENGTH_BYTES;
    }
    for (; i < aPartEnd && j < bPartEnd; i++, j++) if (keys[i] !== keys[j]) return keys[i] - keys[j];
    const byLength = aPartEnd - i - (bPartEnd - j);
    if (byLength !== 0) return byLength;
  }
  return 0;
}

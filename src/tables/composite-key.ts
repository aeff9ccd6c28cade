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

// Which compression an input uses, by its first bytes (never its name): read by the probe, and before anything
// else loads by the executable's guess at how many producers to start (cli/threads.ts), so it imports nothing.
// Decompressing is inputs/decompress.ts's.

/** How an input is stored: `none` for plain text, else a compression logsift reads. */
export type Compression = 'none' | 'gzip' | 'zstd' | 'bzip2';

/** Bytes needed to tell compressions apart. */
export const MAGIC_BYTES = 10;

const startsWith = (head: Uint8Array, ...bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);

/** A compression logsift reads, by the first bytes of the input; `none` for anything else. */
export function detectCompression(head: Uint8Array): Compression {
  if (startsWith(head, 0x1f, 0x8b)) return 'gzip';
  // A zstd frame, or a skippable frame (magic 0x184D2A50..5F, little-endian) that may precede one.
  if (startsWith(head, 0x28, 0xb5, 0x2f, 0xfd) || ((head[0] & 0xf0) === 0x50 && startsWith(head.subarray(1), 0x2a, 0x4d, 0x18))) {
    return 'zstd';
  }
  // `BZh` and a block size 1-9, then the magic of a first block (pi) or of the end of an empty stream (sqrt pi),
  // or the start of one where the input ends (a file cut short, even to `BZh9` alone, is a truncated bzip2
  // file, not text). `head` is the input's first bytes, shorter than MAGIC_BYTES only when the input is.
  if (startsWith(head, 0x42, 0x5a, 0x68) && head[3] >= 0x31 && head[3] <= 0x39) {
    const next = head.subarray(4);
    const block = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
    const end = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];
    const cut = next.length < block.length;
    if (startsWith(next, ...block.slice(0, cut ? next.length : block.length)) || startsWith(next, ...end.slice(0, cut ? next.length : end.length))) {
      return 'bzip2';
    }
  }
  return 'none';
}

/** Compressions logsift recognises but cannot read (no well-kept pure-JS decoder): named, to say so clearly. */
export function unsupportedCompression(head: Uint8Array): string | undefined {
  if (startsWith(head, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (startsWith(head, 0x04, 0x22, 0x4d, 0x18)) return 'lz4';
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04)) return 'zip';
  if (startsWith(head, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) return '7z';
  if (startsWith(head, 0x1f, 0x9d)) return 'compress (.Z)';
  return undefined;
}

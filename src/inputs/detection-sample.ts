// The first text of an input, kept for format detection: at least DETECT_BYTES and, however long the lines,
// the first whole lines: a header line or a first line over DETECT_BYTES is taken in whole, with a few data
// lines after it, so detection (and a W3C header) never sees a cut line. Pieces are copied as they come, for a
// file's positional reads and a stream's pieces alike.

import { MAX_LINE_BYTES } from './range-reader.js';

/** Enough lines to recognise a format, small enough to read instantly. */
export const DETECT_BYTES = 64 * 1024;
/** Whole data lines (not `#` headers, not blank) a sample must hold, when its lines are long. */
export const MIN_DATA_LINES = 4;
/** Most text ever held: past one longest line the scanner reads, more lines would not be read either. */
export const MAX_SAMPLE_BYTES = MAX_LINE_BYTES;

const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;

export class DetectionSample {
  private readonly pieces: Buffer[] = [];
  /** Bytes held. */
  size = 0;
  /** Bytes up to the end of the last whole line. */
  private wholeBytes = 0;
  private dataLines = 0;
  /** The line being read: its first byte seen, and whether it is a header (or blank) line. */
  private lineStarted = false;
  private lineIsData = false;

  constructor(
    private readonly detectBytes = DETECT_BYTES,
    private readonly maxBytes = MAX_SAMPLE_BYTES,
  ) {}

  /** True once the sample holds enough: at least detectBytes, ending at a line end, with a few data lines. */
  get enough(): boolean {
    if (this.size >= this.maxBytes) return true;
    return this.wholeBytes >= this.detectBytes && this.dataLines >= MIN_DATA_LINES;
  }

  /** Bytes the sample may still take. */
  get room(): number {
    return this.maxBytes - this.size;
  }

  /**
   * Takes `piece` up to the cap, a copy of it unless `owned` (the caller gives it up: no copy needed); returns
   * `enough`.
   */
  push(piece: Uint8Array, owned = false): boolean {
    const take = Math.min(piece.length, this.maxBytes - this.size);
    if (take <= 0) return true;
    const copy = owned ? Buffer.from(piece.buffer, piece.byteOffset, take) : Buffer.from(piece.subarray(0, take));
    let p = 0;
    // Lines are told apart only until enough data lines are seen; after that only the last line end matters.
    while (p < copy.length && this.dataLines < MIN_DATA_LINES) {
      if (!this.lineStarted) {
        this.lineStarted = true;
        this.lineIsData = copy[p] !== HASH && copy[p] !== LF && copy[p] !== CR;
      }
      const lf = copy.indexOf(LF, p);
      if (lf < 0) break;
      if (this.lineIsData) this.dataLines++;
      this.lineStarted = false;
      this.wholeBytes = this.size + lf + 1;
      p = lf + 1;
    }
    if (this.dataLines >= MIN_DATA_LINES) {
      const last = copy.lastIndexOf(LF);
      if (last >= p) this.wholeBytes = this.size + last + 1;
    }
    this.pieces.push(copy);
    this.size += copy.length;
    return this.enough;
  }

  /** The text held, in one buffer. */
  bytes(): Buffer {
    const [first] = this.pieces;
    // Pieces read one after another into one buffer are one view of it, with no copy.
    const adjacent = this.pieces.every(
      (piece, i) => i === 0 || (piece.buffer === first.buffer && piece.byteOffset === this.pieces[i - 1].byteOffset + this.pieces[i - 1].length),
    );
    if (this.pieces.length === 1 || (this.pieces.length > 1 && adjacent)) return Buffer.from(first.buffer, first.byteOffset, this.size);
    return Buffer.concat(this.pieces, this.size);
  }
}

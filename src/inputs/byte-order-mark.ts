// A UTF-8 byte-order mark (EF BB BF) at the very start of a file is not part of its first line: Windows tools
// (IIS, Notepad, PowerShell's Out-File) write one, and kept it would make the first client a key of its own,
// a JSON file's first line malformed and an IIS `#Software` line not a header. Plain files start their first
// range after it (plan/plan-tasks.ts); streams drop it as their first text arrives, however it is cut.

export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Bytes of a byte-order mark at the start of `head` (3 or 0). */
export function byteOrderMarkLength(head: Uint8Array): number {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
}

/**
 * Drops a byte-order mark from the start of a stream's text, whose pieces may be as small as one byte: the
 * bytes that might be a mark are held until they are known not to be one, then handed on.
 */
export class ByteOrderMarkSkip {
  /** Bytes of the mark matched so far at the start; -1 once settled (mark dropped, or there was none). */
  private matched = 0;

  /** Calls `onText` with what is left of `piece` (once, twice with held bytes, or not at all). */
  push(piece: Uint8Array, onText: (text: Uint8Array) => void): void {
    if (this.matched < 0) return onText(piece);
    let i = 0;
    while (i < piece.length && this.matched < 3 && piece[i] === UTF8_BOM[this.matched]) {
      this.matched++;
      i++;
    }
    if (this.matched === 3) {
      this.matched = -1;
      if (i < piece.length) onText(piece.subarray(i));
    } else if (i < piece.length) {
      // Not a mark: the held bytes were text.
      const held = this.matched - i;
      this.matched = -1;
      if (held > 0) onText(UTF8_BOM.subarray(0, held));
      onText(piece);
    }
  }

  /** At the end of the stream: bytes held that turned out to be all of it. */
  end(onText: (text: Uint8Array) => void): void {
    if (this.matched > 0) onText(UTF8_BOM.subarray(0, this.matched));
    this.matched = -1;
  }
}

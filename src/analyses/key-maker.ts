// Making the group key of a matching line for `--by FIELD[,FIELD...]`, straight from the read buffer.
//
// Groups are keyed by bytes (tables/group-table.ts). A key of one field is that field's bytes, exactly as the
// default `ip` key is (for `ip`, straight from the read buffer, no copy). A key of several fields is built in a
// reused scratch buffer in the layout of tables/composite-key.ts.
//
// Fields other than the client are the format's text of the field (`format.text`: unescaped where the format
// escapes, e.g. `+` for a space in W3C; one char per byte) so that equal values group together.

import { rawText, type LineFields, type LineFormat } from '../formats/fields.js';
import { CHEAP_FIELDS, type KeyField } from '../options/key-fields.js';
import { KEY_LENGTH_BYTES as LENGTH_BYTES } from '../tables/composite-key.js';

const QUESTION = 0x3f;

export class KeyMaker {
  /** Whether a matching line must go through `format.parseDetails` before `make`. */
  readonly needsDetails: boolean;
  /** Whether the key's details are only the request's (method, path): `parseDetails` may skip the rest. */
  readonly requestOnly: boolean;
  /** Where the last key made is: keyBuf[keyStart, keyEnd). Valid until the next `make`. */
  keyBuf: Uint8Array;
  keyStart = 0;
  keyEnd = 0;
  private scratch = Buffer.allocUnsafe(256);
  private readonly raw: boolean;

  constructor(
    private readonly format: LineFormat,
    private readonly fields: readonly KeyField[],
    private readonly keepQuery: boolean,
  ) {
    this.needsDetails = fields.some((f) => !CHEAP_FIELDS.has(f));
    this.requestOnly = fields.every((f) => CHEAP_FIELDS.has(f) || f === 'path' || f === 'method');
    this.raw = format.text === rawText;
    this.keyBuf = this.scratch;
  }

  /** Makes the key of a parsed line (details filled when `needsDetails`) into keyBuf[keyStart, keyEnd). */
  make(buf: Buffer, line: LineFields): void {
    const fields = this.fields;
    if (fields.length === 1 && fields[0] === 'ip') {
      this.keyBuf = buf;
      this.keyStart = line.clientStart;
      this.keyEnd = line.clientEnd;
      return;
    }
    let at = 0;
    const last = fields.length - 1;
    for (let i = 0; i <= last; i++) {
      const lengthAt = at;
      if (i < last) {
        this.reserve(at, LENGTH_BYTES);
        at += LENGTH_BYTES;
      }
      const partEnd = this.writePart(buf, line, fields[i], at);
      if (i < last) {
        const s = this.scratch;
        const length = partEnd - at;
        s[lengthAt] = length >>> 24;
        s[lengthAt + 1] = (length >>> 16) & 0xff;
        s[lengthAt + 2] = (length >>> 8) & 0xff;
        s[lengthAt + 3] = length & 0xff;
      }
      at = partEnd;
    }
    this.keyBuf = this.scratch;
    this.keyStart = 0;
    this.keyEnd = at;
  }

  /** Writes one field's bytes at `at`; returns where they end. A field the line does not have is empty. */
  private writePart(buf: Buffer, line: LineFields, field: KeyField, at: number): number {
    switch (field) {
      case 'ip':
        return this.copy(buf, line.clientStart, line.clientEnd, at, true);
      case 'status': {
        const s = this.reserve(at, 3);
        const status = line.status;
        s[at] = 0x30 + Math.floor(status / 100);
        s[at + 1] = 0x30 + (Math.floor(status / 10) % 10);
        s[at + 2] = 0x30 + (status % 10);
        return at + 3;
      }
      case 'method':
        return this.copy(buf, line.methodStart, line.methodEnd, at, false);
      case 'path': {
        let end = line.pathEnd;
        if (!this.keepQuery) {
          for (let p = line.pathStart; p < end; p++) {
            if (buf[p] === QUESTION) {
              end = p;
              break;
            }
          }
        }
        return this.copy(buf, line.pathStart, end, at, false);
      }
      case 'user_agent':
        return this.copy(buf, line.userAgentStart, line.userAgentEnd, at, false);
      case 'referrer':
        return this.copy(buf, line.referrerStart, line.referrerEnd, at, false);
      case 'vhost':
        return this.copy(buf, line.vhostStart, line.vhostEnd, at, false);
    }
  }

  /** Copies buf[start, end) (as the format's text unless `raw`) to the scratch at `at`; returns the end. */
  private copy(buf: Buffer, start: number, end: number, at: number, raw: boolean): number {
    if (start < 0) return at;
    if (raw || this.raw) {
      const scratch = this.reserve(at, end - start);
      // A byte loop: a key's field is short, and Buffer.copy's call costs more than copying it.
      for (let i = start, j = at; i < end; i++, j++) scratch[j] = buf[i];
      return at + (end - start);
    }
    const text = this.format.text(buf, start, end);
    this.reserve(at, text.length);
    return at + this.scratch.write(text, at, 'latin1');
  }

  /** Makes room for `bytes` more at `at`; returns the scratch buffer. */
  private reserve(at: number, bytes: number): Buffer {
    if (at + bytes > this.scratch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(at + bytes, this.scratch.length * 2));
      this.scratch.copy(bigger, 0, 0, at);
      this.scratch = bigger;
    }
    return this.scratch;
  }
}

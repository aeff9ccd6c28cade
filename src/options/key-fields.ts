// Group keys for `--by FIELD[,FIELD...]`: which fields a key may use, making the key of a matching line, and
// splitting a key back into its fields for the result.
//
// Groups are keyed by bytes (engine/groups.ts). A key of one field is that field's bytes, exactly as the default
// `ip` key is (for `ip`, straight from the read buffer, no copy). A key of several fields is built in a reused
// scratch buffer: every part but the last is preceded by its length in 4 bytes, so no byte a field may hold can
// confuse two keys, and the key is split back into columns only for the result.
//
// Fields other than the client are the format's text of the field (`format.text`: unescaped where the format
// escapes, e.g. `+` for a space in W3C; one char per byte) so that equal values group together.

import { LogsiftError } from '../base/errors.js';
import { rawText, type LineFields, type LineFormat } from '../formats/fields.js';

export const KEY_FIELDS = ['ip', 'path', 'status', 'method', 'user_agent', 'referrer', 'vhost'] as const;
export type KeyField = (typeof KEY_FIELDS)[number];

export const DEFAULT_KEY_FIELDS: readonly KeyField[] = ['ip'];

/** Fields that `parse` always sets; any other field needs `parseDetails`. */
const CHEAP_FIELDS: ReadonlySet<KeyField> = new Set<KeyField>(['ip', 'status']);

/** `ip,path` or ['ip', 'path'] -> checked field list. */
export function parseKeyFields(spec: string | readonly string[]): KeyField[] {
  const names = (typeof spec === 'string' ? [spec] : spec).flatMap((s) => s.split(',')).map((s) => s.trim());
  if (names.length === 0 || names.some((n) => n === '')) {
    throw new LogsiftError(`--by needs field names separated by commas, from: ${KEY_FIELDS.join(', ')}`);
  }
  const fields: KeyField[] = [];
  for (const name of names) {
    if (!(KEY_FIELDS as readonly string[]).includes(name)) {
      throw new LogsiftError(`--by: unknown field '${name}': use ${KEY_FIELDS.join(', ')} (or several, like ip,path)`);
    }
    if (fields.includes(name as KeyField)) throw new LogsiftError(`--by: field '${name}' is given twice`);
    fields.push(name as KeyField);
  }
  return fields;
}

/** True when the key is the default client address alone. */
export function isDefaultKey(fields: readonly KeyField[]): boolean {
  return fields.length === 1 && fields[0] === 'ip';
}

const QUESTION = 0x3f;
const LENGTH_BYTES = 4;

export class KeyMaker {
  /** Whether a matching line must go through `format.parseDetails` before `make`. */
  readonly needsDetails: boolean;
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
      if (i < last) this.scratch.writeUInt32BE(partEnd - at, lengthAt);
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
      this.reserve(at, end - start);
      buf.copy(this.scratch, at, start, end);
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

/** The parts of a key (one char per byte, as GroupTable.key gives it) made for `count` fields. */
export function splitKey(key: string, count: number): string[] {
  if (count === 1) return [key];
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i < count - 1; i++) {
    let length = 0;
    for (let b = 0; b < LENGTH_BYTES; b++) length = length * 256 + key.charCodeAt(at + b);
    at += LENGTH_BYTES;
    parts.push(key.slice(at, at + length));
    at += length;
  }
  parts.push(key.slice(at));
  return parts;
}

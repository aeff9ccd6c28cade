// Walking one JSON object on bytes, without building it: the JSON-lines format looks up only the keys it
// wants (a small tree of key paths) and records where their values are. Nothing is allocated per line.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

export function skipSpace(buf: Buffer, p: number, end: number): number {
  while (p < end) {
    const c = buf[p];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break;
    p++;
  }
  return p;
}

/** The closing quote of the string whose opening quote is at p, or -1. */
export function stringEnd(buf: Buffer, p: number, end: number): number {
  for (p++; p < end; p++) {
    const c = buf[p];
    if (c === QUOTE) return p;
    if (c === BACKSLASH) p++;
  }
  return -1;
}

/** The position after the value starting at p (string, number, literal, object or array), or -1. */
export function valueEnd(buf: Buffer, p: number, end: number): number {
  if (p >= end) return -1;
  const c = buf[p];
  if (c === QUOTE) {
    const q = stringEnd(buf, p, end);
    return q < 0 ? -1 : q + 1;
  }
  if (c === LBRACE || c === LBRACKET) {
    let depth = 0;
    for (; p < end; p++) {
      const b = buf[p];
      if (b === QUOTE) {
        p = stringEnd(buf, p, end);
        if (p < 0) return -1;
      } else if (b === LBRACE || b === LBRACKET) {
        depth++;
      } else if (b === RBRACE || b === RBRACKET) {
        if (--depth === 0) return p + 1;
      }
    }
    return -1;
  }
  // number, true, false, null
  const start = p;
  while (p < end) {
    const b = buf[p];
    if (b === COMMA || b === RBRACE || b === RBRACKET || b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a) break;
    p++;
  }
  return p === start ? -1 : p;
}

/** A node of the tree of wanted key paths: `request` -> `headers` -> `User-Agent`. */
export class KeyNode {
  readonly children: KeyNode[] = [];
  /** Roles whose value is this key's, with the rank of this path among the role's candidates (lower wins). */
  readonly roles: Array<{ readonly role: number; readonly rank: number }> = [];

  constructor(readonly key: Buffer) {}

  child(key: string): KeyNode {
    const bytes = Buffer.from(key, 'utf8');
    let node = this.children.find((c) => c.key.equals(bytes));
    if (!node) this.children.push((node = new KeyNode(bytes)));
    return node;
  }

  /** The child whose key is buf[start, end) (raw bytes, as written), or undefined. */
  find(buf: Buffer, start: number, end: number): KeyNode | undefined {
    const length = end - start;
    for (const node of this.children) {
      const key = node.key;
      if (key.length !== length) continue;
      let i = 0;
      while (i < length && buf[start + i] === key[i]) i++;
      if (i === length) return node;
    }
    return undefined;
  }
}

/** Where a found value is: string contents (without the quotes) or a bare token. */
export interface Captures {
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** 1 when the value was a string. */
  readonly string: Uint8Array;
  readonly rank: Int32Array;
}

export function makeCaptures(roles: number): Captures {
  return { start: new Int32Array(roles), end: new Int32Array(roles), string: new Uint8Array(roles), rank: new Int32Array(roles) };
}

export function resetCaptures(c: Captures): void {
  c.rank.fill(0x7fffffff);
  c.start.fill(-1);
  c.end.fill(-1);
}

function capture(c: Captures, node: KeyNode, start: number, end: number, string: boolean): void {
  for (const { role, rank } of node.roles) {
    if (rank < c.rank[role]) {
      c.rank[role] = rank;
      c.start[role] = start;
      c.end[role] = end;
      c.string[role] = string ? 1 : 0;
    }
  }
}

/**
 * Walks the object at p (after optional space), capturing the values of `node`'s key paths; returns the
 * position after the object, or -1 when it is not well-formed JSON. A wanted key whose value is an array
 * captures its first element (HTTP headers are logged as arrays of values); `null` is not captured.
 */
export function walkObject(buf: Buffer, p: number, end: number, node: KeyNode, c: Captures): number {
  p = skipSpace(buf, p, end);
  if (p >= end || buf[p] !== LBRACE) return -1;
  p = skipSpace(buf, p + 1, end);
  if (p < end && buf[p] === RBRACE) return p + 1;
  for (;;) {
    if (p >= end || buf[p] !== QUOTE) return -1;
    const keyEnd = stringEnd(buf, p, end);
    if (keyEnd < 0) return -1;
    const child = node.find(buf, p + 1, keyEnd);
    p = skipSpace(buf, keyEnd + 1, end);
    if (p >= end || buf[p] !== COLON) return -1;
    p = skipSpace(buf, p + 1, end);
    if (p >= end) return -1;
    const v = buf[p];
    let after: number;
    if (child !== undefined && v === LBRACE && child.children.length > 0) {
      after = walkObject(buf, p, end, child, c);
    } else {
      after = valueEnd(buf, p, end);
      if (after >= 0 && child !== undefined && child.roles.length > 0) {
        if (v === QUOTE) {
          capture(c, child, p + 1, after - 1, true);
        } else if (v === LBRACKET) {
          const first = skipSpace(buf, p + 1, end);
          const last = first < end && buf[first] === QUOTE ? stringEnd(buf, first, end) : -1;
          if (last >= 0) capture(c, child, first + 1, last, true);
        } else if (v !== LBRACE && !(v === 0x6e && after - p === 4)) {
          capture(c, child, p, after, false); // number or true/false; `null` is no value
        }
      }
    }
    if (after < 0) return -1;
    p = skipSpace(buf, after, end);
    if (p >= end) return -1;
    if (buf[p] === COMMA) {
      p = skipSpace(buf, p + 1, end);
      continue;
    }
    return buf[p] === RBRACE ? p + 1 : -1;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  c |= 0x20;
  return c >= 0x61 && c <= 0x66 ? c - 0x61 + 10 : -1;
}

/**
 * The JSON string contents buf[start, end) unescaped, as UTF-8 bytes one char per byte (like rawText).
 * `\uXXXX` pairs make one code point; a broken escape is kept as written.
 */
export function jsonUnescaped(buf: Buffer, start: number, end: number): string {
  let p = buf.indexOf(BACKSLASH, start);
  if (p < 0 || p >= end) return buf.latin1Slice(start, end);
  let text = buf.latin1Slice(start, p);
  while (p < end) {
    const c = buf[p];
    if (c !== BACKSLASH || p + 1 >= end) {
      text += String.fromCharCode(c);
      p++;
      continue;
    }
    const e = buf[p + 1];
    let unit = -1;
    switch (e) {
      case 0x22: case 0x5c: case 0x2f: text += String.fromCharCode(e); p += 2; continue;
      case 0x62: text += '\b'; p += 2; continue;
      case 0x66: text += '\f'; p += 2; continue;
      case 0x6e: text += '\n'; p += 2; continue;
      case 0x72: text += '\r'; p += 2; continue;
      case 0x74: text += '\t'; p += 2; continue;
      case 0x75: unit = hex4(buf, p + 2, end); break;
    }
    if (unit < 0) {
      text += String.fromCharCode(c);
      p++;
      continue;
    }
    p += 6;
    let codePoint = unit;
    if (unit >= 0xd800 && unit <= 0xdbff && buf[p] === BACKSLASH && buf[p + 1] === 0x75) {
      const low = hex4(buf, p + 2, end);
      if (low >= 0xdc00 && low <= 0xdfff) {
        codePoint = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
        p += 6;
      }
    }
    text += Buffer.from(String.fromCodePoint(codePoint), 'utf8').toString('latin1');
  }
  return text;
}

function hex4(buf: Buffer, p: number, end: number): number {
  if (p + 4 > end) return -1;
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const h = hexValue(buf[p + i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

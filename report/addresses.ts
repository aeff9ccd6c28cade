// The report page's CIDR filter: IPv4 and IPv6 addresses and blocks, parsed in the browser.

/** Parses an IPv4 or IPv6 address into 8 sixteen-bit words (IPv4 as ::ffff:a.b.c.d), or undefined. */
export function parseIp(text: string): number[] | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const b = v4.slice(1).map(Number);
    if (b.some((x) => x > 255)) return undefined;
    return [0, 0, 0, 0, 0, 0xffff, (b[0] << 8) | b[1], (b[2] << 8) | b[3]];
  }
  if (!text.includes(':') || !/^[0-9a-f:.]+$/i.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const words = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const tail = parseIp(piece);
        if (!tail) return undefined;
        out.push(tail[6], tail[7]);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) out.push(parseInt(piece, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]);
  const tail = halves.length === 2 ? words(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
}

/** A CIDR block: its address as 8 sixteen-bit words, and its prefix length over those 128 bits. */
export interface Block {
  readonly base: readonly number[];
  readonly bits: number;
}

/** `203.0.113.0/24`, `2001:db8::/32` or one address (all 128 bits), or undefined when it is not one. */
export function parseBlock(text: string): Block | undefined {
  const m = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!m) return undefined;
  const base = parseIp(m[1]);
  if (!base) return undefined;
  const v4 = !m[1].includes(':');
  const bits = m[2] === undefined ? 128 : Number(m[2]) + (v4 ? 96 : 0);
  if (bits > 128 || (v4 && Number(m[2] ?? 32) > 32)) return undefined;
  return { base, bits };
}

/** IPv4 a.b.c.d into words 6 and 7 of `out` at `at` (the rest set as ::ffff:), without a regular expression. */
function parseV4Into(text: string, out: Uint16Array, at: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  const bytes = [0, 0, 0, 0];
  for (let k = 0; k <= text.length; k++) {
    const c = k < text.length ? text.charCodeAt(k) : 46; // a final '.' ends the last part
    if (c >= 48 && c <= 57) {
      value = value * 10 + c - 48;
      if (++digits > 3) return false;
    } else if (c === 46 && digits > 0 && value <= 255 && part < 4) {
      bytes[part++] = value;
      value = digits = 0;
    } else return false;
  }
  if (part !== 4) return false;
  out.fill(0, at, at + 5);
  out[at + 5] = 0xffff;
  out[at + 6] = (bytes[0] << 8) | bytes[1];
  out[at + 7] = (bytes[2] << 8) | bytes[3];
  return true;
}

/** Every address of `keys` parsed once: 8 words per key in one typed array, and whether each is an address. */
export class AddressIndex {
  private readonly words: Uint16Array;
  private readonly valid: Uint8Array;

  constructor(keys: readonly string[]) {
    this.words = new Uint16Array(keys.length * 8);
    this.valid = new Uint8Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      if (parseV4Into(keys[i], this.words, i * 8)) this.valid[i] = 1;
      else {
        const words = parseIp(keys[i]);
        if (words) {
          this.words.set(words, i * 8);
          this.valid[i] = 1;
        }
      }
    }
  }

  /** True when key `i` is an address in `block`. */
  contains(i: number, block: Block): boolean {
    if (this.valid[i] === 0) return false;
    const at = i * 8;
    for (let w = 0; w < 8; w++) {
      const take = Math.min(16, block.bits - w * 16);
      if (take <= 0) break;
      const mask = take >= 16 ? 0xffff : (0xffff << (16 - take)) & 0xffff;
      if ((this.words[at + w] & mask) !== (block.base[w] & mask)) return false;
    }
    return true;
  }
}

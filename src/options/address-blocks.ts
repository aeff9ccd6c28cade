// `--include-ip` / `--exclude-ip`: address blocks (CIDR, IPv4 and IPv6, or plain addresses) and whether a
// client is in one. Addresses are read straight from the line's bytes, only for matching lines.
//
// Every address is held as 128 bits (four 32-bit words); an IPv4 address is its IPv4-mapped IPv6 form
// (::ffff:a.b.c.d), so `10.0.0.0/8` also holds a client logged as `::ffff:10.1.2.3`, as it should.
// A client that is not an address (a host name, `-`) is in no block.

import { LogsiftError } from '../base/errors.js';

export interface AddressBlock {
  /** The block as given, for messages. */
  readonly text: string;
  /** Network address, four words, big-endian order. */
  readonly words: Uint32Array;
  /** Prefix length over the 128 bits. */
  readonly bits: number;
}

const COLON = 0x3a;
const DOT = 0x2e;

/** Reads an address in buf[start, end) into `out` (4 words); false when it is not an IPv4 or IPv6 address. */
export function parseAddress(buf: Uint8Array, start: number, end: number, out: Uint32Array): boolean {
  if (end - start >= 2 && buf[start] === 0x5b && buf[end - 1] === 0x5d) {
    start++; // [v6]
    end--;
  }
  for (let p = start; p < end; p++) {
    if (buf[p] === 0x25) {
      end = p; // fe80::1%eth0: the zone does not matter here
      break;
    }
  }
  let colon = false;
  for (let p = start; p < end; p++) if (buf[p] === COLON) colon = true;
  if (!colon) {
    const v4 = parseIpv4(buf, start, end);
    if (v4 < 0) return false;
    out[0] = 0;
    out[1] = 0;
    out[2] = 0xffff;
    out[3] = v4;
    return true;
  }
  return parseIpv6(buf, start, end, out);
}

/** Dotted quad -> 32-bit value, or -1. Octets are 0-255 without leading zeros (as Node's net.isIPv4). */
function parseIpv4(buf: Uint8Array, start: number, end: number): number {
  let value = 0;
  let octets = 0;
  let p = start;
  while (octets < 4) {
    const from = p;
    let octet = 0;
    while (p < end && buf[p] >= 0x30 && buf[p] <= 0x39 && p - from < 3) octet = octet * 10 + (buf[p++] - 0x30);
    if (p === from || octet > 255 || (p - from > 1 && buf[from] === 0x30)) return -1;
    value = value * 256 + octet;
    octets++;
    if (octets < 4) {
      if (p >= end || buf[p] !== DOT) return -1;
      p++;
    }
  }
  return p === end ? value >>> 0 : -1;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

// Scratch for parseIpv6 (a worker parses one address at a time): no allocation per line.
const groups = new Uint16Array(8);
const full = new Uint16Array(8);

/** IPv6 text (with `::`, and a dotted IPv4 tail) -> four words; false when malformed. */
function parseIpv6(buf: Uint8Array, start: number, end: number, out: Uint32Array): boolean {
  let count = 0;
  let gap = -1; // where `::` stands, in groups
  let p = start;
  if (end - start >= 2 && buf[p] === COLON && buf[p + 1] === COLON) {
    gap = 0;
    p += 2;
  } else if (buf[p] === COLON) {
    return false;
  }
  while (p < end) {
    if (count === 8) return false;
    // A dotted IPv4 tail takes two groups.
    let dotted = false;
    for (let q = p; q < end && buf[q] !== COLON; q++) if (buf[q] === DOT) dotted = true;
    if (dotted) {
      if (count > 6) return false;
      const v4 = parseIpv4(buf, p, end);
      if (v4 < 0) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      p = end;
      break;
    }
    let value = 0;
    const from = p;
    while (p < end && p - from < 4) {
      const d = hexDigit(buf[p]);
      if (d < 0) break;
      value = value * 16 + d;
      p++;
    }
    if (p === from) return false;
    groups[count++] = value;
    if (p === end) break;
    if (buf[p] !== COLON) return false;
    p++;
    if (p < end && buf[p] === COLON) {
      if (gap >= 0) return false; // a second `::`
      gap = count;
      p++;
    } else if (p === end) {
      return false; // a trailing single colon
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  full.fill(0);
  if (gap < 0) {
    full.set(groups);
  } else {
    full.set(groups.subarray(0, gap), 0);
    full.set(groups.subarray(gap, count), 8 - (count - gap));
  }
  for (let w = 0; w < 4; w++) out[w] = ((full[2 * w] << 16) | full[2 * w + 1]) >>> 0;
  return true;
}

const ALLOWED = 'use an IPv4 or IPv6 address or block, like 10.0.0.0/8, 192.168.1.7, 2001:db8::/32 or ::1';

/** `10.0.0.0/8`, `192.168.1.7`, `2001:db8::/32`: a block (host bits are ignored). */
export function parseAddressBlock(text: string, option: string): AddressBlock {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const words = new Uint32Array(4);
  const bytes = Buffer.from(address, 'latin1');
  if (address === '' || !parseAddress(bytes, 0, bytes.length, words) || bytes.includes(0x25) || bytes[0] === 0x5b) {
    throw new LogsiftError(`${option} '${text}' is not an address block: ${ALLOWED}`);
  }
  const v4 = !address.includes(':');
  const max = v4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const prefix = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
      throw new LogsiftError(`${option} '${text}': the prefix length must be a number from 0 to ${max}`);
    }
    bits = Number(prefix);
  }
  return { text, words, bits: v4 ? bits + 96 : bits };
}

/** True when the address (four words) is in the block. */
export function blockHolds(block: AddressBlock, address: Uint32Array): boolean {
  let bits = block.bits;
  for (let w = 0; w < 4 && bits > 0; w++, bits -= 32) {
    const mask = bits >= 32 ? 0xffffffff : ~(0xffffffff >>> bits);
    if (((address[w] ^ block.words[w]) & mask) !== 0) return false;
  }
  return true;
}


// Keys whose group-table hash (FNV-1a, src/tables/group-table.ts hashBytes) is the same: the only keys a table's
// key compare ever has to tell apart, since a slot's hash and length are checked first. Random keys almost never
// collide, so a test of the compare needs these.

import { hashBytes } from '../../src/tables/group-table.js';

/** A deterministic generator of 32-bit numbers (mulberry32). */
function numbers(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Two keys `prefix + x + suffix` and `prefix + y + suffix` with x != y (4 bytes each, from `alphabet`) and the
 * same hash: equal in length and in every byte outside [prefix.length, prefix.length + 4). FNV-1a reads bytes in
 * order, so x and y are found by a birthday search on the hash after prefix + x (about 80,000 tries).
 */
export function collidingKeys(prefix: Buffer, suffix: Buffer, seed: number, alphabet = printable): [Buffer, Buffer] {

  const next = numbers(seed);
  const seen = new Map<number, number>();
  const key = Buffer.alloc(prefix.length + 4);
  prefix.copy(key);
  const at = prefix.length;
  const size = alphabet.length;
  /** The 4 bytes of number n, as one number (n's bytes, each taken mod the alphabet's size). */
  const digits = (n: number): number => ((n & 255) % size) | (((n >>> 8) & 255) % size << 8) | (((n >>> 16) & 255) % size << 16) | ((n >>> 24) % size) * 2 ** 24;
  const segment = (d: number): Buffer => Buffer.from([d & 255, (d >>> 8) & 255, (d >>> 16) & 255, d >>> 24].map((i) => alphabet[i]));
  for (;;) {
    const d = digits(next());
    key[at] = alphabet[d & 255];
    key[at + 1] = alphabet[(d >>> 8) & 255];
    key[at + 2] = alphabet[(d >>> 16) & 255];
    key[at + 3] = alphabet[d >>> 24];
    const h = hashBytes(key, 0, key.length);
    const other = seen.get(h);
    if (other !== undefined && other !== d) return [Buffer.concat([prefix, segment(other), suffix]), Buffer.concat([prefix, segment(d), suffix])];
    seen.set(h, d);
  }
}

/** Bytes a client address may hold in a log line (no space, no control byte). */
export const printable: readonly number[] = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => 0x21 + i);

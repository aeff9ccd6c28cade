// Byte sizes as people write them on a command line (`32M`, `1G`, `1.5G`) and as the bench prints them.

import { formatBytes } from '../src/sinks/print.js';

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `1G` -> 1073741824. Binary units (K = 1024), an optional `B`/`iB` suffix; throws on anything else. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  if (!match) throw new Error(`not a size: '${text}' (examples: 1048576, 32M, 1G)`);
  const bytes = Math.round(Number(match[1]) * UNITS[match[2].toUpperCase()]);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new Error(`not a size: '${text}'`);
  return bytes;
}

/** 1073741824 -> `1G`, 33554432 -> `32M`, 1000 -> `1000`: the shortest exact spelling, for file names. */
export function sizeTag(bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K']) {
    const value = bytes / UNITS[unit];
    if (value >= 1 && Number.isInteger(value)) return `${value}${unit}`;
  }
  return String(bytes);
}

/** 1073741929 -> `1.00 GiB`, for people (the printer's formatter, with two digits). */
export function formatSize(bytes: number): string {
  return formatBytes(bytes, 2);
}

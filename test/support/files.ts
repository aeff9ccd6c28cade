// Temp folders and files for tests, removed afterwards.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/engine/analyze.js';
import type { EngineOptions } from '../../src/options/internal-options.js';
import type { AnalyzeResult } from '../../src/tables/result.js';
import { formatCsv } from '../../src/sinks/csv.js';

export function makeTempDir(prefix = 'logsift-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `fn` with a fresh temp folder, removed afterwards whatever happens. */
export async function withTempDir<T>(fn: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = makeTempDir();
  try {
    return await fn(dir);
  } finally {
    removeDir(dir);
  }
}

/** analyze() on a temp file holding `content` (a string is written one byte per char). */
export async function analyzeContent(
  content: string | Buffer,
  options: Omit<EngineOptions, 'input'> = {},
): Promise<{ result: AnalyzeResult; csv: string }> {
  return withTempDir(async (dir) => {
    const input = join(dir, 'access.log');
    writeFileSync(input, typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
    const result = await analyze({ threads: 1, ...options, input });
    return { result, csv: formatCsv(result) };
  });
}

/** Cuts `text` at the line starts nearest to the given fractions. */
export function cutAtLines(text: Buffer, fractions: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (const fraction of fractions) {
    const end = text.indexOf(0x0a, Math.floor(text.length * fraction)) + 1;
    parts.push(text.subarray(start, end));
    start = end;
  }
  parts.push(text.subarray(start));
  return parts;
}

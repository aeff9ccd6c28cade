// Hand-made results, for testing the sinks without running the engine.

import type { AnalyzeResult, ResultRow, Summary } from '../../src/tables/result.js';

export function fakeSummary(overrides: Partial<Summary> = {}): Summary {
  return {
    lines: 0,
    blank: 0,
    malformed: 0,
    comment: 0,
    parsed: 0,
    matched: 0,
    outside: 0,
    excluded: 0,
    input: 'access.log',
    inputs: [],
    skippedInputs: [],
    format: 'combined',
    warnings: [],
    bytes: 0,
    uncompressedBytes: 0,
    threads: 1,
    groups: 0,
    reported: 0,
    elapsedMs: 0,
    ...overrides,
  };
}

export function fakeResult(rows: ResultRow[], errorCodes: number[], summary: Partial<Summary> = {}, threshold = 1): AnalyzeResult {
  return {
    keyFields: ['ip'],
    errorCodes,
    statusColumns: errorCodes.map(String),
    threshold,
    reported: { length: rows.length, at: (i) => rows[i] },
    rows,
    summary: fakeSummary({ groups: rows.length, reported: rows.length, ...summary }),
  };
}

/** A one-key row (the default `ip` grouping). */
export function fakeRow(key: string, count: number, byCode: number[], firstSeen: string, lastSeen: string): ResultRow {
  return { keys: [key], key, count, byCode, firstSeen, lastSeen };
}

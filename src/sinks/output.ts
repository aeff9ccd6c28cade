// Which file format the result is saved in: `--output-format csv|json|ndjson|html`, or else the output file's
// extension (.json -> json; .ndjson, .jsonl -> ndjson; .html, .htm -> html, the report page; anything else ->
// csv); and the result written to a file (atomically) or to a stream (`-`: stdout, as grep, jq and ripgrep do).

import { extname } from 'node:path';
import { LogsiftError } from '../base/errors.js';
import type { AnalyzeResult } from '../tables/result.js';
import { saveCsv, writeCsvTo, type CsvOptions } from './csv.js';
import { formatHtml, saveHtml } from './html-report.js';
import { saveJson, saveNdjson, writeJsonTo } from './json.js';

/** The output path that means standard output. */
export const STDOUT = '-';

export const OUTPUT_FORMATS = ['csv', 'json', 'ndjson', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The format to write `path` in: the one given, else the one its extension names. */
export function outputFormatFor(path: string, given?: string): OutputFormat {
  if (given !== undefined) {
    if (!(OUTPUT_FORMATS as readonly string[]).includes(given)) {
      throw new LogsiftError(`unknown output format '${given}': use ${OUTPUT_FORMATS.join(', ')}`);
    }
    return given as OutputFormat;
  }
  switch (extname(path).toLowerCase()) {
    case '.json':
      return 'json';
    case '.ndjson':
    case '.jsonl':
      return 'ndjson';
    case '.html':
    case '.htm':
      return 'html';
    default:
      return 'csv';
  }
}

/** Writes the result to `path` in `format`, atomically. */
export function saveResult(result: AnalyzeResult, path: string, format: OutputFormat, options: CsvOptions = {}): void {
  if (format === 'json') saveJson(result, path);
  else if (format === 'ndjson') saveNdjson(result, path);
  else if (format === 'html') saveHtml(result, path);
  else saveCsv(result, path, options);
}

/**
 * Writes the result in `format` through `write` (standard output ...), a piece at a time. Each piece is a copy
 * the callee may keep (a stream that buffers it is fine).
 */
export function writeResult(result: AnalyzeResult, format: OutputFormat, write: (bytes: Uint8Array) => void, options: CsvOptions = {}): void {
  if (format === 'csv') writeCsvTo(result, (bytes) => write(bytes.slice()), options);
  else if (format === 'html') write(new TextEncoder().encode(formatHtml(result)));
  else writeJsonTo(result, (bytes) => write(bytes.slice()), format === 'ndjson');
}

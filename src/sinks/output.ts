// Which file format the result is saved in: `--output-format csv|json|ndjson|html`, or else the output file's
// extension (.json -> json; .ndjson, .jsonl -> ndjson; .html, .htm -> html, the report page; anything else -> csv).

import { extname } from 'node:path';
import { LogsiftError } from '../base/errors.js';
import type { AnalyzeResult } from '../tables/result.js';
import { saveCsv } from './csv.js';
import { saveHtml } from './html-report.js';
import { saveJson, saveNdjson } from './json.js';

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
export function saveResult(result: AnalyzeResult, path: string, format: OutputFormat): void {
  if (format === 'json') saveJson(result, path);
  else if (format === 'ndjson') saveNdjson(result, path);
  else if (format === 'html') saveHtml(result, path);
  else saveCsv(result, path);
}

// logsift as a library (ES modules only, Node 20 or newer): `analyze(options)` runs the whole engine and
// returns the result; the sinks save or print it. The CLI (src/cli) is a thin layer over exactly these exports.
//
//   import { analyze, saveCsv, printReport } from 'logsift';
//   const result = await analyze({ input: ['access.log'], threshold: 20 });
//   saveCsv(result, 'errors.csv');
//   printReport(result);
//
// The public types name no Node type (Uint8Array, not Buffer; no streams), so a project without @types/node
// compiles against them. The engine's tuning knobs (options/internal-options.ts) are not part of this API.

import { analyze as analyzeWithKnobs } from './engine/analyze.js';
import type { AnalyzeOptions } from './options/analyze-options.js';
import type { AnalyzeResult } from './tables/result.js';
import { FORMAT_NAMES as FORMAT_NAMES_OF_REGISTRY } from './formats/index.js';

/** Reads the inputs once (in parallel, on worker threads) and gives the groups over the threshold. */
export const analyze: (options: AnalyzeOptions) => Promise<AnalyzeResult> = analyzeWithKnobs;

/** The names `format` takes (`auto` and every format's). (Re-typed here: the formats' own module is internal.) */
export const FORMAT_NAMES: readonly string[] = FORMAT_NAMES_OF_REGISTRY;

export {
  DEFAULT_ERROR_CODES,
  DEFAULT_THRESHOLD,
  type AnalyzeOptions,
} from './options/analyze-options.js';
export type { AnalyzeResult, InputSummary, LineCounts, ReportedRows, ResultRow, SkippedInput, Summary } from './tables/result.js';
export { LogsiftError } from './base/errors.js';
export { csvHeader, formatCsv, saveCsv } from './sinks/csv.js';
export { formatJson, formatNdjson, jsonRow, saveJson, saveNdjson, type JsonRow } from './sinks/json.js';
export { formatHtml, saveHtml } from './sinks/html-report.js';
export type { GroupReport, ReportData, SeriesData, TopValue } from './tables/report-data.js';
export { OUTPUT_FORMATS, outputFormatFor, saveResult, writeResult, type OutputFormat } from './sinks/output.js';
export { KEY_FIELDS, type KeyField } from './options/key-fields.js';
export { formatReport, printReport, type PrintOptions, type ReportStream } from './sinks/print.js';
export { COLOR_CHOICES, wantColor, type ColorChoice } from './sinks/color.js';

// logsift as a library: `analyze(options)` runs the whole engine and returns the result; the sinks save or
// print it. The CLI (src/cli) is a thin layer over exactly these exports.
//
//   import { analyze, saveCsv, printReport } from 'logsift';
//   const result = await analyze({ input: ['access.log'], threshold: 20 });
//   saveCsv(result, 'errors.csv');
//   printReport(result);

export { analyze } from './engine/analyze.js';
export {
  DEFAULT_ERROR_CODES,
  DEFAULT_THRESHOLD,
  type AnalyzeOptions,
} from './options/analyze-options.js';
export type { AnalyzeResult, InputSummary, ResultRow, Summary } from './tables/result.js';
export { LogsiftError } from './base/errors.js';
export { FORMAT_NAMES } from './formats/index.js';
export { csvHeader, formatCsv, saveCsv } from './sinks/csv.js';
export { formatJson, formatNdjson, saveJson, saveNdjson } from './sinks/json.js';
export { formatHtml, saveHtml } from './sinks/html-report.js';
export type { GroupReport, ReportData, SeriesData, TopValue } from './tables/report-data.js';
export { OUTPUT_FORMATS, outputFormatFor, saveResult, type OutputFormat } from './sinks/output.js';
export { KEY_FIELDS, type KeyField } from './options/key-fields.js';
export { formatReport, printReport, type PrintOptions } from './sinks/print.js';

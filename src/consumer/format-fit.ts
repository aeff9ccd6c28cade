// How well the files fit their formats, told to the user: a warning for a file in which no line fits (it adds
// nothing to the result), and with --strict an error for any line that does not fit.

import { LogsiftError } from '../base/errors.js';
import { logsForwardedFor, type Detection, type FormatOptions } from '../formats/index.js';
import type { ScanStats } from '../tables/line-counts.js';
import { formatCount } from '../base/numbers.js';

export interface FileFit {
  readonly path: string;
  readonly format: Detection;
  readonly stats: ScanStats;
}

function formatsTried(format: Detection): string {
  return format.detected ? `any known format (tried: ${format.tried.join(', ')})` : `format ${format.name}`;
}

/** Warnings for files with lines but none that fits. */
export function fitWarnings(files: readonly FileFit[], options: FormatOptions = {}): string[] {
  return files
    .filter(({ stats }) => stats.parsed === 0 && stats.malformed > 0)
    .map(
      ({ path, format, stats }) =>
        `no line of ${path} fits ${formatsTried(format)}: ${formatCount(stats.malformed)} line${stats.malformed === 1 ? '' : 's'} skipped` +
        (cutW3c(format, stats, options) ? W3C_FIELDS_HINT : ''),
    );
}

const W3C_FIELDS_HINT =
  '; a W3C file without its #Fields: line (cut from the middle of a log) is read with --w3c-fields "date time c-ip ..." naming its fields';

/** A W3C file read without any `#Fields:` line and without --w3c-fields: its columns were guessed. */
function cutW3c(format: Detection, stats: ScanStats, options: FormatOptions): boolean {
  if (options.w3cFields !== undefined) return false;
  if (format.detected) return format.w3cWithoutFields === true;
  return (format.name === 'w3c' || format.name === 'cloudfront') && stats.comment === 0;
}

/** --strict: throws for the first file with a line that does not fit. */
export function checkStrict(files: readonly FileFit[]): void {
  for (const { path, format, stats } of files) {
    if (stats.malformed === 0) continue;
    const what = stats.parsed === 0 ? formatsTried(format) : `format ${format.name}`;
    throw new LogsiftError(
      `${formatCount(stats.malformed)} line${stats.malformed === 1 ? '' : 's'} of ${path} do${stats.malformed === 1 ? 'es' : ''} not fit ${what} (--strict)`,
    );
  }
}

/** `--client-from xff` on inputs whose format never logs X-Forwarded-For: their clients are the connecting addresses. */
export function forwardedForWarnings(files: readonly FileFit[], options: FormatOptions): string[] {
  if (options.clientFrom !== 'xff') return [];
  const formats = [...new Set(files.map((f) => f.format.name))].filter((name) => !logsForwardedFor(name));
  return formats.map((name) => `--client-from xff: format ${name} logs no X-Forwarded-For, so its clients are the connecting addresses`);
}

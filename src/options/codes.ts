// Which statuses count, and in which output column: `--errorcodes` takes codes (404), classes (4xx) and
// ranges (500-599), mixed. A code is a column of its own; a class or a range is ONE column holding every
// status in it (so `4xx` gives a `4xx` column, `500-504` a `500-504` column). Columns never overlap, so each
// matching response is counted in exactly one column and the columns add up to the total.

import { LogsiftError } from '../base/errors.js';

export interface StatusColumn {
  /** Column name in the output: `404`, `4xx`, `500-599`. */
  readonly label: string;
  /** Lowest and highest status of the column, inclusive. */
  readonly low: number;
  readonly high: number;
}

export const MIN_STATUS = 100;
export const MAX_STATUS = 599;

const ALLOWED = 'use a code (404), a class (1xx to 5xx) or a range (500-599), statuses from 100 to 599';

function statusNumber(text: string, item: string): number {
  const code = Number(text);
  if (!/^\d{3}$/.test(text) || code < MIN_STATUS || code > MAX_STATUS) {
    throw new LogsiftError(`--errorcodes: '${item}' is not a status code, class or range: ${ALLOWED}`);
  }
  return code;
}

/** One item of `--errorcodes`: `404`, `4xx` (any case) or `500-599`. */
export function parseStatusItem(item: string | number): StatusColumn {
  const text = String(item).trim();
  const cls = /^([0-9])xx$/i.exec(text);
  if (cls) {
    const digit = Number(cls[1]);
    if (digit < 1 || digit > 5) throw new LogsiftError(`--errorcodes: '${text}' is not a status class: use 1xx, 2xx, 3xx, 4xx or 5xx`);
    return { label: `${digit}xx`, low: digit * 100, high: digit * 100 + 99 };
  }
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) {
    const low = statusNumber(range[1], text);
    const high = statusNumber(range[2], text);
    if (low > high) throw new LogsiftError(`--errorcodes: '${text}' is not a status range: the first code must not exceed the second (500-599)`);
    return low === high ? { label: String(low), low, high } : { label: `${low}-${high}`, low, high };
  }
  const code = statusNumber(text, text);
  return { label: String(code), low: code, high: code };
}

/**
 * The columns of a `--errorcodes` list, ascending. The same item twice is one column; two different items
 * that share a status (`4xx` and `404`) are an error, since a response would count twice.
 */
export function parseStatusColumns(items: readonly (string | number)[]): StatusColumn[] {
  if (items.length === 0) throw new LogsiftError(`--errorcodes needs at least one status: ${ALLOWED}`);
  const byLabel = new Map<string, StatusColumn>();
  for (const item of items) {
    const column = parseStatusItem(item);
    byLabel.set(column.label, column);
  }
  const columns = [...byLabel.values()].sort((a, b) => a.low - b.low);
  for (let i = 1; i < columns.length; i++) {
    const before = columns[i - 1];
    const column = columns[i];
    if (column.low <= before.high) {
      throw new LogsiftError(
        `--errorcodes: '${before.label}' and '${column.label}' both hold status ${column.low}: give each status once`,
      );
    }
  }
  return columns;
}

/**
 * Status -> output column, or `others` (default -1: not wanted) when the status does not count. Indexed by
 * status (0..599). A run that must see every parsed line (a time span counts entries of any status) maps the
 * other statuses to an extra column past the real ones.
 */
export function columnOfStatus(columns: readonly StatusColumn[], others = -1): Int16Array {
  const column = new Int16Array(MAX_STATUS + 1).fill(others);
  columns.forEach((c, i) => column.fill(i, c.low, c.high + 1));
  return column;
}

/** Every status that counts, ascending. */
export function countedStatuses(columns: readonly StatusColumn[]): number[] {
  const codes: number[] = [];
  for (const c of columns) for (let code = c.low; code <= c.high; code++) codes.push(code);
  return codes;
}

/** True when every column is a single code (the output then looks exactly as before classes existed). */
export function onlyCodes(columns: readonly StatusColumn[]): boolean {
  return columns.every((c) => c.low === c.high);
}

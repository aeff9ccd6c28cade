// The printed table made to fit a terminal's width, so that it never wraps: when the whole table is too wide,
// it gives up, in this order, the times' offset (said once above the table when all share it; otherwise
// there is no way to tell times apart, so it is dropped only from the table) and seconds, then status columns (the busiest stay, the rest are
// summed as `other`), then the keys' tails (cut with an ellipsis; the output file has them whole). Narrower than
// MIN_TABLE_COLUMNS, or when even that does not fit, the rows become a list, a few short lines each.

import stringWidth from 'string-width';
import { formatCount } from '../base/numbers.js';
import type { ResultRow } from '../tables/result.js';
import type { Align, TableSpec } from './table.js';

/** Below this width a table is not worth drawing: the rows are listed. */
export const MIN_TABLE_COLUMNS = 60;
/** A key column is never cut narrower than this. */
const MIN_KEY_WIDTH = 8;

export interface TableRows {
  readonly keyFields: readonly string[];
  /** Names of the status columns, in the rows' `byCode` order. */
  readonly statusColumns: readonly string[];
  readonly rows: readonly ResultRow[];
  /** With a window: its length as text (`10m`), for the peak columns' names. */
  readonly window?: string;
}

export type FittedTable =
  | {
      readonly kind: 'table';
      readonly table: Omit<TableSpec, 'headStyle' | 'borderStyle'>;
      /** When the times were shortened: the UTC offset they all share, for the caller to say once. */
      readonly offset?: string;
    }
  | { readonly kind: 'list'; readonly lines: string[] };

/** `text` cut to `width` display columns, ending with an ellipsis when cut. */
export function truncateToWidth(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = stringWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return out + '…';
}

/** How times are shown: as the log has them, without offset and `T`, or month, day, hours and minutes. */
type TimeStyle = 0 | 1 | 2;
function showTime(iso: string, style: TimeStyle): string {
  if (style === 0) return iso;
  const m = /^(\d{4})-(\d\d-\d\d)T(\d\d:\d\d)(:\d\d)/.exec(iso);
  if (!m) return iso;
  return style === 1 ? `${m[1]}-${m[2]} ${m[3]}${m[4]}` : `${m[2]} ${m[3]}`;
}

/** The one UTC offset every time shares (`+00:00`), or undefined when they differ. */
function sharedOffset(rows: readonly ResultRow[]): string | undefined {
  const offsets = new Set<string>();
  for (const row of rows) for (const t of [row.firstSeen, row.lastSeen, row.peakWindowStart]) if (t) offsets.add(t.slice(19));
  return offsets.size === 1 ? [...offsets][0] : undefined;
}

interface Layout {
  /** Status columns kept, by index into statusColumns. */
  readonly codes: readonly number[];
  /** Whether an `other` column sums the rest of the shown rows' codes. */
  readonly other: boolean;
  readonly time: TimeStyle;
  /** Widest a key column may be (Infinity: whole). */
  readonly keyWidth: number;
}

function build(input: TableRows, layout: Layout): Omit<TableSpec, 'headStyle' | 'borderStyle'> {
  const { keyFields, statusColumns, rows, window } = input;
  const { codes, other, time, keyWidth } = layout;
  const peak = window ? [`peak ${window}`, 'peak from'] : [];
  const head = [...keyFields, 'count', ...codes.map((i) => statusColumns[i]), ...(other ? ['other'] : []), 'first seen', 'last seen', ...peak];
  const right = (n: number): Align[] => new Array<Align>(n).fill('right');
  const align: Align[] = [...keyFields.map((): Align => 'left'), ...right(1 + codes.length + (other ? 1 : 0)), 'left', 'left', ...(window ? (['right', 'left'] as Align[]) : [])];
  const kept = new Set(codes);
  const t = (iso: string): string => showTime(iso, time);
  const body = rows.map((row) => [
    ...row.keys.map((key) => truncateToWidth(key, keyWidth)),
    formatCount(row.count),
    ...codes.map((i) => formatCount(row.byCode[i])),
    ...(other ? [formatCount(row.byCode.reduce((sum, n, i) => (kept.has(i) ? sum : sum + n), 0))] : []),
    t(row.firstSeen),
    t(row.lastSeen),
    ...(window ? [formatCount(row.peakWindowCount ?? 0), t(row.peakWindowStart ?? '')] : []),
  ]);
  return { head, align, rows: body };
}

/** The drawn width of a table: its columns, one space either side, and the borders. */
export function tableWidth({ head, rows }: Pick<TableSpec, 'head' | 'rows'>): number {
  let width = 1;
  for (let c = 0; c < head.length; c++) width += Math.max(stringWidth(head[c]), ...rows.map((row) => stringWidth(row[c] ?? ''))) + 3;
  return width;
}

/** The table for `width` display columns (undefined: no limit), or the list when no table fits. */
export function fitTable(input: TableRows, width: number | undefined): FittedTable {
  const { statusColumns, rows } = input;
  // Only codes that occur in the shown rows get a column; the busiest first when some must go.
  const totals = statusColumns.map((_, i) => rows.reduce((sum, row) => sum + row.byCode[i], 0));
  const shown = statusColumns.map((_, i) => i).filter((i) => totals[i] > 0);
  const busiest = [...shown].sort((a, b) => totals[b] - totals[a] || a - b);
  const offset = sharedOffset(rows);
  const whole: Layout = { codes: shown, other: false, time: 0, keyWidth: Number.POSITIVE_INFINITY };
  if (width === undefined) return { kind: 'table', table: build(input, whole) };
  if (width < MIN_TABLE_COLUMNS) return { kind: 'list', lines: listRows(input, width) };

  const tries: Layout[] = [whole, { ...whole, time: 1 }, { ...whole, time: 2 }];
  for (let keep = shown.length - 1; keep >= 0; keep--) {
    const codes = busiest.slice(0, keep).sort((a, b) => a - b);
    tries.push({ codes, other: keep > 0, time: 2, keyWidth: Number.POSITIVE_INFINITY });
  }
  for (const layout of tries) {
    const table = build(input, layout);
    if (tableWidth(table) <= width) return { kind: 'table', table, ...(layout.time > 0 && offset ? { offset } : {}) };
  }
  // Still too wide with the fewest columns: cut the keys, the widest first, down to MIN_KEY_WIDTH.
  const narrowest: Layout = tries[tries.length - 1];
  const table = build(input, narrowest);
  const keyCount = input.keyFields.length;
  const keyWidths = input.keyFields.map((_, c) => Math.max(stringWidth(table.head[c]), ...table.rows.map((row) => stringWidth(row[c]))));
  let excess = tableWidth(table) - width;
  while (excess > 0) {
    let widest = 0;
    for (let c = 1; c < keyCount; c++) if (keyWidths[c] > keyWidths[widest]) widest = c;
    if (keyWidths[widest] <= MIN_KEY_WIDTH) break;
    keyWidths[widest]--;
    excess--;
  }
  if (excess <= 0) {
    const cut = build(input, narrowest);
    const rowsCut = cut.rows.map((row, r) => row.map((cell, c) => (c < keyCount ? truncateToWidth(input.rows[r].keys[c], keyWidths[c]) : cell)));
    const headCut = cut.head.map((cell, c) => (c < keyCount ? truncateToWidth(cell, keyWidths[c]) : cell));
    return { kind: 'table', table: { ...cut, head: headCut, rows: rowsCut }, ...(offset ? { offset } : {}) };
  }
  return { kind: 'list', lines: listRows(input, width) };
}

/** The rows as a list for a narrow terminal: the key, then the counts, then the times, each line cut to fit. */
function listRows({ keyFields, statusColumns, rows, window }: TableRows, width: number): string[] {
  const lines: string[] = [];
  const fit = (text: string): string => truncateToWidth(text, Math.max(width, 10));
  rows.forEach((row, n) => {
    const key = keyFields.length === 1 ? row.keys[0] : row.keys.map((k, i) => `${keyFields[i]}=${k}`).join(' ');
    lines.push(fit(`${n + 1}. ${key}`));
    const codes = statusColumns.map((name, i) => (row.byCode[i] > 0 ? `${name}: ${formatCount(row.byCode[i])}` : '')).filter(Boolean);
    const peak = window ? `, peak ${formatCount(row.peakWindowCount ?? 0)} in ${window}` : '';
    lines.push(fit(`   ${formatCount(row.count)} (${codes.join(', ')})${peak}`));
    lines.push(fit(`   ${showTime(row.firstSeen, 1)} to ${showTime(row.lastSeen, 1)}`));
  });
  return lines;
}

// Printing the result for a person: a summary of the run and a table of the top clients, fitted to the
// terminal's width (sinks/fit-table.ts). Colour as sinks/color.ts decides. Every string from the log or the
// file system goes through sinks/terminal-text.ts: control characters are shown, never sent.

import pc from 'picocolors';
import { formatDuration } from '../options/durations.js';
import type { AnalyzeResult, Summary } from '../tables/result.js';
import { formatCount } from '../base/numbers.js';
import { wantColor, type ColorChoice } from './color.js';
import { fitTable } from './fit-table.js';
import { renderTable } from './table.js';
import { escapeBytesForTerminal, escapeForTerminal } from './terminal-text.js';

export interface PrintOptions {
  /** Rows shown in the table (default 20; 0: no table). */
  readonly top?: number;
  /** Force colour on or off; default (printReport): sinks/color.ts's rules for the stream. */
  readonly color?: boolean;
  /** Where the output went, to say so. */
  readonly savedTo?: string;
  /** Display columns the table must fit in (default, printReport: the terminal's width, else $COLUMNS, else none). */
  readonly width?: number;
  /** Said after the input's name on the first line (`the shipped sample: no input given`). */
  readonly inputNote?: string;
  /** Where the HTML report went, if one was asked for beside the output. */
  readonly reportTo?: string;
}

/** Where printReport writes: a Node stream, or anything with `write` (a terminal's `isTTY` and `columns` if known). */
export interface ReportStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export function useColor(stream: ReportStream, choice: ColorChoice = 'auto'): boolean {
  return wantColor(choice, { isTTY: Boolean(stream.isTTY) });
}

/** The width a report on `stream` must fit: a terminal's own, else $COLUMNS when set, else none. */
export function reportWidth(stream: ReportStream, env: Readonly<Record<string, string | undefined>> = process.env): number | undefined {
  if (stream.isTTY && typeof stream.columns === 'number' && stream.columns > 0) return stream.columns;
  const columns = Number(env.COLUMNS);
  return Number.isSafeInteger(columns) && columns > 0 ? columns : undefined;
}

/** `1 client`, `2 clients`, `1 entry`, `3 entries`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** 1073741929 -> `1.0 GiB` (`digits` after the point above bytes). */
export function formatBytes(bytes: number, digits = 1): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(digits)} ${units[unit]}`;
}

/** Names shown of a long input list. */
const SHOWN_INPUTS = 5;

/** With several inputs, or any compressed or skipped: how many, how big, and which. */
function inputLines(s: Summary): string[] {
  const lines: string[] = [];
  const compressed = s.inputs.filter((input) => input.compression !== 'none');
  if (s.inputs.length > 1 || compressed.length > 0) {
    const kinds = [...new Set(compressed.map((input) => input.compression))].join('/');
    const names = s.inputs.slice(0, SHOWN_INPUTS).map((input) => escapeForTerminal(input.path));
    if (s.inputs.length > SHOWN_INPUTS) names.push(`... ${formatCount(s.inputs.length - SHOWN_INPUTS)} more`);
    lines.push(
      `  inputs            ${formatCount(s.inputs.length)}` +
        (compressed.length > 0 ? ` (${formatCount(compressed.length)} ${kinds})` : '') +
        `, ${formatBytes(s.bytes)}` +
        (s.uncompressedBytes !== s.bytes ? `, ${formatBytes(s.uncompressedBytes)} uncompressed` : '') +
        `: ${names.join(', ')}`,
    );
  }
  if (s.skippedInputs.length > 0) {
    const names = s.skippedInputs.slice(0, SHOWN_INPUTS).map((skip) => escapeForTerminal(`${skip.path} (${skip.reason})`));
    if (s.skippedInputs.length > SHOWN_INPUTS) names.push(`... ${formatCount(s.skippedInputs.length - SHOWN_INPUTS)} more`);
    lines.push(`  skipped inputs    ${formatCount(s.skippedInputs.length)} unreadable: ${names.join(', ')}`);
  }
  return lines;
}

/** With --since/--until or IP filters: what they left out; with --window, whether the input was read twice. */
function filterLines(result: AnalyzeResult): string[] {
  const lines: string[] = [];
  const s = result.summary;
  if (s.passes === 2) lines.push(`  read twice        lines were too far out of time order to fold windows: every instant kept`);
  if (result.span) {
    const bounds = [result.span.since && `since ${result.span.since}`, result.span.until && `until ${result.span.until}`];
    lines.push(`  outside the span  ${plural(s.outside, 'entry', 'entries')} (${bounds.filter(Boolean).join(', ')})`);
  }
  if (result.clients) {
    const blocks = [
      result.clients.include.length > 0 && `only ${result.clients.include.join(' ')}`,
      result.clients.exclude.length > 0 && `not ${result.clients.exclude.join(' ')}`,
    ];
    lines.push(`  clients left out  ${plural(s.excluded, 'matching response')} (${blocks.filter(Boolean).join('; ')})`);
  }
  return lines;
}

/** The names of a run's groups: `client`/`clients`, or `group (by ip,path)`/`groups (by ip,path)`. */
function groupWords(result: AnalyzeResult): (n: number) => string {
  const byIp = result.keyFields.length === 1 && result.keyFields[0] === 'ip';
  const by = byIp ? '' : ` (by ${result.keyFields.join(',')})`;
  return (n) => `${plural(n, byIp ? 'client' : 'group')}${by}`;
}

/** The line on what was reported: over the threshold, the top n (`most`), or, with none, the closest one. */
function reportedLines(result: AnalyzeResult, bold: (text: string) => string): string[] {
  const s = result.summary;
  const groups = groupWords(result);
  const window = result.windowSeconds ? ` within ${formatDuration(result.windowSeconds)}` : '';
  if (result.most !== undefined) {
    return [`  reported          ${bold(groups(s.reported))}: the ${formatCount(result.most)} with the most${window ? ` matching responses${window}` : ''}`];
  }
  const lines = [`  over threshold    ${bold(groups(s.reported))} with >= ${formatCount(result.threshold)}${window}`];
  if (s.reported === 0 && s.highest) {
    const key = s.highest.keys.map(escapeForTerminal).join(' ');
    lines.push(`  highest           ${formatCount(s.highest.count)}${window}, by ${key} (--threshold ${formatCount(s.highest.count)} would report it)`);
  }
  return lines;
}

/** The summary and the top table as text. */
export function formatReport(result: AnalyzeResult, options: PrintOptions = {}): string {
  const c = pc.createColors(options.color ?? false);
  const s = result.summary;
  const seconds = s.elapsedMs / 1000;
  const skipped = s.lines - s.parsed;
  const groups = groupWords(result);
  const note = options.inputNote ? `${options.inputNote}; ` : '';
  const lines = [
    `${c.bold('logsift')} ${escapeForTerminal(s.input)} ${c.dim(`(${note}${s.format}, ${formatBytes(s.bytes)}, ${plural(s.threads, 'thread')})`)}`,
    ...inputLines(s),
    `  lines read        ${formatCount(s.lines)}`,
    `  parsed            ${formatCount(s.parsed)}`,
    ...(s.logSpan ? [`  log covers        ${s.logSpan.first} to ${s.logSpan.last}`] : []),
    `  skipped           ${formatCount(skipped)}${skipped ? c.dim(` (${formatCount(s.malformed)} malformed, ${formatCount(s.blank)} blank${s.comment ? `, ${formatCount(s.comment)} header` : ''})`) : ''}`,
    ...filterLines(result),
    `  matching errors   ${formatCount(s.matched)} ${c.dim(`(status ${result.statusColumns.join(' ')})`)} from ${groups(s.groups)}`,
    ...reportedLines(result, c.bold),
    `  elapsed           ${seconds.toFixed(2)} s ${c.dim(`(${formatBytes(seconds > 0 ? s.uncompressedBytes / seconds : 0)}/s)`)}`,
  ];
  if (options.savedTo) lines.push(`  saved             ${escapeForTerminal(options.savedTo)}`);
  if (options.reportTo) lines.push(`  report            ${escapeForTerminal(options.reportTo)}`);

  const { reported } = result;
  const top = Array.from({ length: Math.min(reported.length, options.top ?? 20) }, (_, i) => reported.at(i));
  // Keys escaped for the terminal; from the bytes as logged where at hand, so invalid UTF-8 shows as `\xNN`.
  const shownKeys = top.map((row, i) => reported.rawKeysAt?.(i).map(escapeBytesForTerminal) ?? row.keys.map(escapeForTerminal));
  if (top.length > 0) {
    const fitted = fitTable(
      {
        keyFields: result.keyFields,
        statusColumns: result.statusColumns,
        rows: top.map((row, r) => ({ ...row, keys: shownKeys[r] })),
        ...(result.windowSeconds ? { window: formatDuration(result.windowSeconds) } : {}),
      },
      options.width,
    );
    const more = reported.length - top.length;
    const zone = fitted.kind === 'table' && fitted.offset ? c.dim(` (times ${fitted.offset})`) : '';
    lines.push('', c.bold(`Top ${formatCount(top.length)} of ${formatCount(reported.length)}`) + zone);
    if (fitted.kind === 'table') lines.push(renderTable({ ...fitted.table, ...(options.color ? { headStyle: c.cyan, borderStyle: c.gray } : {}) }));
    else lines.push(...fitted.lines);
    if (more > 0) lines.push(c.dim(`  ... ${formatCount(more)} more in the output file`));
  }
  return lines.join('\n') + '\n';
}

export function printReport(result: AnalyzeResult, stream: ReportStream = process.stdout, options: PrintOptions = {}): void {
  stream.write(formatReport(result, { ...options, color: options.color ?? useColor(stream), width: options.width ?? reportWidth(stream) }));
}

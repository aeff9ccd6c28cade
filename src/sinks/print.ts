// Printing the result for a person: a summary of the run and a table of the top clients.
// Colour only when the stream is a terminal and NO_COLOR is not set.

import pc from 'picocolors';
import { formatDuration } from '../options/durations.js';
import type { AnalyzeResult, Summary } from '../tables/result.js';
import { formatCount } from '../base/numbers.js';
import { renderTable, type Align } from './table.js';

export interface PrintOptions {
  /** Rows shown in the table (default 20). */
  readonly top?: number;
  /** Force colour on or off; default: on for a terminal without NO_COLOR. */
  readonly color?: boolean;
  /** Where the CSV went, to say so. */
  readonly savedTo?: string;
  /** Where the HTML report went, if one was asked for beside the output. */
  readonly reportTo?: string;
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');
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
    const names = s.inputs.slice(0, SHOWN_INPUTS).map((input) => input.path);
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
    const names = s.skippedInputs.slice(0, SHOWN_INPUTS).map((skip) => `${skip.path} (${skip.reason})`);
    if (s.skippedInputs.length > SHOWN_INPUTS) names.push(`... ${formatCount(s.skippedInputs.length - SHOWN_INPUTS)} more`);
    lines.push(`  skipped inputs    ${formatCount(s.skippedInputs.length)} unreadable: ${names.join(', ')}`);
  }
  return lines;
}

/** Key values longer than this are cut in the table (the output file has them whole). */
const MAX_CELL = 60;
const clip = (value: string): string => (value.length > MAX_CELL ? value.slice(0, MAX_CELL - 1) + '…' : value);

/** With --since/--until or IP filters: what they left out; with --window, whether the input was read twice. */
function filterLines(result: AnalyzeResult): string[] {
  const lines: string[] = [];
  const s = result.summary;
  if (s.passes === 2) lines.push(`  read twice        lines were too far out of time order to fold windows: every instant kept`);
  if (result.span) {
    const bounds = [result.span.since && `since ${result.span.since}`, result.span.until && `until ${result.span.until}`];
    lines.push(`  outside the span  ${formatCount(s.outside)} ${s.outside === 1 ? 'entry' : 'entries'} (${bounds.filter(Boolean).join(', ')})`);
  }
  if (result.clients) {
    const blocks = [
      result.clients.include.length > 0 && `only ${result.clients.include.join(' ')}`,
      result.clients.exclude.length > 0 && `not ${result.clients.exclude.join(' ')}`,
    ];
    lines.push(`  clients left out  ${formatCount(s.excluded)} matching response${s.excluded === 1 ? '' : 's'} (${blocks.filter(Boolean).join('; ')})`);
  }
  return lines;
}

/** The summary and the top table as text. */
export function formatReport(result: AnalyzeResult, options: PrintOptions = {}): string {
  const c = pc.createColors(options.color ?? false);
  const s = result.summary;
  const seconds = s.elapsedMs / 1000;
  const skipped = s.lines - s.parsed;
  const groups = result.keyFields.length === 1 && result.keyFields[0] === 'ip' ? 'clients' : `groups (by ${result.keyFields.join(',')})`;
  const window = result.windowSeconds ? ` within ${formatDuration(result.windowSeconds)}` : '';
  const lines = [
    `${c.bold('logsift')} ${s.input} ${c.dim(`(${s.format}, ${formatBytes(s.bytes)}, ${s.threads} thread${s.threads === 1 ? '' : 's'})`)}`,
    ...inputLines(s),
    `  lines read        ${formatCount(s.lines)}`,
    `  parsed            ${formatCount(s.parsed)}`,
    `  skipped           ${formatCount(skipped)}${skipped ? c.dim(` (${formatCount(s.malformed)} malformed, ${formatCount(s.blank)} blank${s.comment ? `, ${formatCount(s.comment)} header` : ''})`) : ''}`,
    ...filterLines(result),
    `  matching errors   ${formatCount(s.matched)} ${c.dim(`(status ${result.statusColumns.join(' ')})`)} from ${formatCount(s.groups)} ${groups}`,
    `  over threshold    ${c.bold(formatCount(s.reported))} ${groups} with >= ${formatCount(result.threshold)}${window}`,
    `  elapsed           ${seconds.toFixed(2)} s ${c.dim(`(${formatBytes(seconds > 0 ? s.uncompressedBytes / seconds : 0)}/s)`)}`,
  ];
  if (options.savedTo) lines.push(`  saved             ${options.savedTo}`);
  if (options.reportTo) lines.push(`  report            ${options.reportTo}`);

  const { reported } = result;
  const top = Array.from({ length: Math.min(reported.length, options.top ?? 20) }, (_, i) => reported.at(i));
  if (top.length > 0) {
    // Only codes that occur in the shown rows get a column, to keep the table narrow.
    const shownCodes = result.statusColumns.map((_, i) => i).filter((i) => top.some((row) => row.byCode[i] > 0));
    const peak = result.windowSeconds ? [`peak ${formatDuration(result.windowSeconds)}`, 'peak from'] : [];
    const right = (n: number): Align[] => new Array<Align>(n).fill('right');
    const table = renderTable({
      head: [...result.keyFields, 'count', ...shownCodes.map((i) => result.statusColumns[i]), 'first seen', 'last seen', ...peak],
      align: [...result.keyFields.map((): Align => 'left'), ...right(1 + shownCodes.length), 'left', 'left', ...right(peak.length ? 1 : 0), ...(peak.length ? ['left' as const] : [])],
      rows: top.map((row) => [
        ...row.keys.map(clip),
        formatCount(row.count),
        ...shownCodes.map((i) => formatCount(row.byCode[i])),
        row.firstSeen,
        row.lastSeen,
        ...(result.windowSeconds ? [formatCount(row.peakWindowCount!), row.peakWindowStart!] : []),
      ]),
      ...(options.color ? { headStyle: c.cyan, borderStyle: c.gray } : {}),
    });
    const more = reported.length - top.length;
    lines.push('', c.bold(`Top ${top.length} of ${formatCount(reported.length)}`), table);
    if (more > 0) lines.push(c.dim(`  ... ${formatCount(more)} more in the output file`));
  }
  return lines.join('\n') + '\n';
}

export function printReport(result: AnalyzeResult, stream: NodeJS.WriteStream = process.stdout, options: PrintOptions = {}): void {
  stream.write(formatReport(result, { ...options, color: options.color ?? useColor(stream) }));
}

// A Markdown table as plain text: readable in a terminal, and pasteable into the README as it is.

export type Align = 'left' | 'right';

export function markdownTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, align: readonly Align[] = []): string {
  const widths = headers.map((header, col) => Math.max(3, header.length, ...rows.map((row) => (row[col] ?? '').length)));
  const cell = (text: string, col: number): string =>
    align[col] === 'right' ? text.padStart(widths[col]) : text.padEnd(widths[col]);
  const line = (cells: readonly string[]): string => `| ${widths.map((_, col) => cell(cells[col] ?? '', col)).join(' | ')} |`;
  const rule = `|${widths.map((w, col) => (align[col] === 'right' ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** Seconds with three significant-ish decimals: 0.123, 4.57, 31.2. */
export function formatSeconds(seconds: number): string {
  return seconds < 1 ? seconds.toFixed(3) : seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1);
}

/** A ratio such as 0.23 or 1.85; `-` when unknown. */
export function formatRatio(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? '-' : ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(1);
}

/** Bytes as MB (10^6 bytes, the unit the memory targets are set in), one decimal; `-` when unknown. */
export function formatMegabytes(bytes: number | null): string {
  return bytes === null ? '-' : (bytes / 1e6).toFixed(1);
}

/** Throughput in MiB/s: no decimals from 100 up. */
export function formatRate(mibPerSecond: number): string {
  return mibPerSecond >= 100 ? mibPerSecond.toFixed(0) : mibPerSecond.toFixed(1);
}

// From the samples of each command to the figures of the table: medians, throughput, peaks, ratios.

import { maximum, median, minimum } from './stats.js';
import { formatMegabytes, formatRate, formatRatio, formatSeconds, markdownTable } from './table.js';

export interface Samples {
  /** Stable name: t1, t2, default, mawk, rg ... */
  readonly id: string;
  /** What the table shows. */
  readonly label: string;
  readonly seconds: number[];
  /** Peak RSS of each run in bytes (null when not measurable). */
  readonly peaks: Array<number | null>;
  /** CPU seconds (user + system) of each run, and the 1-minute load average when it ended. */
  readonly cpu?: Array<number | null>;
  readonly load?: number[];
}

export interface Figures {
  readonly id: string;
  readonly label: string;
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly mibPerSecond: number;
  /** The highest peak over the runs. */
  readonly peakBytes: number | null;
  /** Median time divided by the median of mawk / of rg (below 1: faster). */
  readonly vsMawk: number | null;
  readonly vsRg: number | null;
}

export function computeFigures(samples: readonly Samples[], fileBytes: number): Figures[] {
  const medianOf = (id: string): number | null => {
    const found = samples.find((s) => s.id === id);
    return found && found.seconds.length > 0 ? median(found.seconds) : null;
  };
  const mawk = medianOf('mawk');
  const rg = medianOf('rg');
  return samples
    .filter((s) => s.seconds.length > 0)
    .map((s) => {
      const med = median(s.seconds);
      const peaks = s.peaks.filter((p): p is number => p !== null);
      return {
        id: s.id,
        label: s.label,
        runs: s.seconds.length,
        median: med,
        min: minimum(s.seconds),
        mibPerSecond: fileBytes / 1024 / 1024 / med,
        peakBytes: peaks.length > 0 ? maximum(peaks) : null,
        vsMawk: mawk === null ? null : med / mawk,
        vsRg: rg === null ? null : med / rg,
      };
    });
}

export const FIGURE_HEADERS = ['command', 'median s', 'min s', 'MiB/s', 'peak RSS MB', 'x mawk', 'x rg'];

export function figuresTable(figures: readonly Figures[]): string {
  return markdownTable(
    FIGURE_HEADERS,
    figures.map((f) => [
      f.label,
      formatSeconds(f.median),
      formatSeconds(f.min),
      formatRate(f.mibPerSecond),
      formatMegabytes(f.peakBytes),
      formatRatio(f.vsMawk),
      formatRatio(f.vsRg),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}

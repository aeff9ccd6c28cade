// The report page's charts: the stacked timeline and a group's (uPlot), the re-bucketing for display, and the
// table's sparklines (canvas, drawn into pooled rows).

import uPlot from 'uplot';
import { css, fmt, isoUtc, PALETTE, type Series } from './common.js';

/** A series' lane as [x seconds, counts], every bucket present (zeros too) so bars sit at their time. */
export function lanes(series: Series, bucketsAtLeast = 0): { xs: number[]; ys: number[][] } {
  const [start, bucket, ...counts] = series;
  const n = Math.max(bucketsAtLeast, ...counts.map((c) => c.length));
  const xs = Array.from({ length: n }, (_, i) => start + i * bucket);
  const ys = counts.map((c) => Array.from({ length: n }, (_, i) => c[i] ?? 0));
  return { xs, ys };
}

export function axisStyle(): Partial<uPlot.Axis> {
  return { stroke: css('--muted'), grid: { stroke: css('--grid'), width: 1 }, ticks: { stroke: css('--grid'), width: 1 } };
}

/** A stacked bar chart of `series` (one lane per status column) in `target`. */
export function stackedChart(target: HTMLElement, series: Series, names: string[], height: number, label: string, band?: [number, number]): uPlot {
  const { xs, ys } = lanes(series);
  const stacked: number[][] = [];
  let running = xs.map(() => 0);
  for (const lane of ys) {
    running = running.map((v, i) => v + lane[i]);
    stacked.push(running);
  }
  const bars = uPlot.paths.bars!({ size: [0.9, 40], align: 1 });
  const width = Math.max(280, target.clientWidth || 800);
  // Drawn from the top of the stack down, so each column's bar covers the ones above it only to its share.
  const order = names.map((_, i) => i).reverse();
  const chart = new uPlot(
    {
      width,
      height,
      title: label,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [axisStyle(), { ...axisStyle(), size: 60, values: (_u, splits) => splits.map((v) => fmt(v)) }],
      legend: { live: true },
      // A group's peak window, shaded behind the bars.
      hooks: band
        ? {
            drawClear: [
              (u: uPlot) => {
                const left = u.valToPos(band[0], 'x', true);
                const right = u.valToPos(band[1], 'x', true);
                u.ctx.save();
                u.ctx.fillStyle = css('--peak');
                u.ctx.fillRect(left, u.bbox.top, Math.max(2, right - left), u.bbox.height);
                u.ctx.restore();
              },
            ],
          }
        : {},
      series: [
        { label: 'UTC', value: (_u, v) => (v == null ? '' : isoUtc(v).replace('T', ' ')) },
        ...order.map((i) => ({
          label: names[i],
          fill: PALETTE[i % PALETTE.length],
          stroke: PALETTE[i % PALETTE.length],
          width: 0,
          paths: bars,
          points: { show: false },
          value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) => (idx == null ? '' : fmt(ys[i][idx])),
        })),
      ],
    },
    [xs, ...order.map((i) => stacked[i])],
    target,
  );
  return chart;
}

/** Bucket sizes, as tables/report-data.ts BUCKET_LADDER: each a multiple of the one before. */
export const LADDER = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400];

/** The series in buckets large enough that at most `bars` show (sums unchanged: buckets only merge). */
export function forDisplay(series: Series, bars: number): Series {
  const [start, bucket, ...counts] = series;
  const used = Math.max(0, ...counts.map((c) => c.length));
  const first = start / bucket;
  let size = bucket;
  const spans = (s: number): number => Math.floor(((first + Math.max(0, used - 1)) * bucket) / s) - Math.floor(start / s) + 1;
  while (spans(size) > bars) {
    const next = LADDER.find((l) => l > size && l % size === 0);
    size = next ?? size * 2;
  }
  if (size === bucket) return series;
  const origin = Math.floor(start / size);
  const merged = counts.map((lane) => {
    const out: number[] = new Array<number>(spans(size)).fill(0);
    lane.forEach((v, b) => (out[Math.floor((start + b * bucket) / size) - origin] += v));
    return out;
  });
  return [origin * size, size, ...merged];
}

/** A group's activity over the run's span, and its peak window when there is one. */
export function drawSparkline(
  ctx: CanvasRenderingContext2D,
  series: Series,
  span: [number, number],
  peakStart: string | undefined,
  windowSeconds: number | null,
  colors: { peak: string; accent: string },
): void {
  const [start, bucket, counts = []] = series;
  const { width, height } = ctx.canvas;
  ctx.clearRect(0, 0, width, height);
  const x = (second: number): number => ((second - span[0]) / (span[1] - span[0])) * width;
  if (peakStart && windowSeconds) {
    const from = Date.parse(peakStart) / 1000;
    ctx.fillStyle = colors.peak;
    ctx.fillRect(x(from), 0, Math.max(2, x(from + windowSeconds) - x(from)), height);
  }
  const max = Math.max(1, ...counts);
  ctx.fillStyle = colors.accent;
  counts.forEach((count, b) => {
    if (count === 0) return;
    const left = x(start + b * bucket);
    const h = Math.max(1, (count / max) * (height - 2));
    ctx.fillRect(left, height - h, Math.max(1, x(start + (b + 1) * bucket) - left - 0.5), h);
  });
}

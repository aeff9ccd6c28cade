// The speed and memory targets, judged on the figures: PASS, FAIL, or SKIP with the reason (a tool not installed ...).

import type { Figures } from './figures.js';
import { formatMegabytes, formatRatio, formatSeconds, markdownTable } from './table.js';
import { formatSize } from './sizes.js';

export type Verdict = 'PASS' | 'FAIL' | 'SKIP';

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly verdict: Verdict;
}

export const MAWK_RATIO_TARGET = 0.25;
export const SPEEDUP_TARGET = 1.8;
export const PEAK_TARGET_BYTES = 200e6;
export const SMALL_SECONDS_TARGET = 0.3;
/** Percent, so the comparison stays in integers (1.15 is not exact in floating point). */
export const FLAT_TOLERANCE_PERCENT = 15;

const verdict = (ok: boolean): Verdict => (ok ? 'PASS' : 'FAIL');
const find = (figures: readonly Figures[], id: string): Figures | undefined => figures.find((f) => f.id === id);

function peakCheck(rows: readonly Figures[]): TargetCheck {
  const target = `peak memory < ${PEAK_TARGET_BYTES / 1e6} MB (whole process, all workers)`;
  const peaks = rows.filter((f) => f.peakBytes !== null);
  if (peaks.length === 0) return { target, measured: 'peak memory not measurable here', verdict: 'SKIP' };
  const worst = peaks.reduce((a, b) => (b.peakBytes! > a.peakBytes! ? b : a));
  return {
    target,
    measured: `${formatMegabytes(worst.peakBytes)} MB at most (${worst.label})`,
    verdict: verdict(worst.peakBytes! < PEAK_TARGET_BYTES),
  };
}

/** The 1 GiB targets. `missing` explains an absent baseline (e.g. mawk: `not installed: apt-get install mawk`). */
export function mainTargets(figures: readonly Figures[], missing: { mawk?: string; rg?: string } = {}): TargetCheck[] {
  const t1 = find(figures, 't1');
  const t2 = find(figures, 't2');
  const mawk = find(figures, 'mawk');
  const rg = find(figures, 'rg');
  const checks: TargetCheck[] = [];

  const mawkTarget = `logsift 2 threads <= ${MAWK_RATIO_TARGET} x mawk one-liner`;
  if (t2 && mawk) {
    checks.push({
      target: mawkTarget,
      measured: `${formatRatio(t2.vsMawk)} x (${formatSeconds(t2.median)} s vs ${formatSeconds(mawk.median)} s)`,
      verdict: verdict(t2.vsMawk! <= MAWK_RATIO_TARGET),
    });
  } else checks.push({ target: mawkTarget, measured: `mawk ${missing.mawk ?? 'not run'}`, verdict: 'SKIP' });

  const rgTarget = 'logsift 2 threads <= rg -c (the aim)';
  if (t2 && rg) {
    checks.push({
      target: rgTarget,
      measured: `${formatRatio(t2.vsRg)} x (${formatSeconds(t2.median)} s vs ${formatSeconds(rg.median)} s)`,
      verdict: verdict(t2.median <= rg.median),
    });
  } else checks.push({ target: rgTarget, measured: `rg ${missing.rg ?? 'not run'}`, verdict: 'SKIP' });

  const speedupTarget = `2 threads >= ${SPEEDUP_TARGET} x faster than 1 thread`;
  if (t1 && t2) {
    const speedup = t1.median / t2.median;
    checks.push({ target: speedupTarget, measured: `${formatRatio(speedup)} x`, verdict: verdict(speedup >= SPEEDUP_TARGET) });
  } else checks.push({ target: speedupTarget, measured: 'not run', verdict: 'SKIP' });

  checks.push(peakCheck(figures.filter((f) => f.id === 't1' || f.id === 't2')));
  return checks;
}

/** The 1 MiB target: every logsift run (default threads included) under 0.3 s, whole process. */
export function smallTargets(figures: readonly Figures[]): TargetCheck[] {
  const logsift = figures.filter((f) => f.id === 't1' || f.id === 't2' || f.id === 'default');
  const target = `1 MiB file < ${SMALL_SECONDS_TARGET} s (whole process, median)`;
  if (logsift.length === 0) return [{ target, measured: 'not run', verdict: 'SKIP' }];
  const slowest = logsift.reduce((a, b) => (b.median > a.median ? b : a));
  return [
    {
      target,
      measured: `${formatSeconds(slowest.median)} s at most (${slowest.label})`,
      verdict: verdict(slowest.median < SMALL_SECONDS_TARGET),
    },
  ];
}

/** Flat memory: the 4x file's peak within 15% of the 1x file's, both under 200 MB. */
export function flatTargets(figures: readonly Figures[], sizes = { one: '1 GiB', four: '4 GiB' }): TargetCheck[] {
  const one = find(figures, 'x1');
  const four = find(figures, 'x4');
  const target = `${sizes.four} peak within ${FLAT_TOLERANCE_PERCENT}% of ${sizes.one} peak`;
  const checks: TargetCheck[] = [];
  if (!one || !four || one.peakBytes === null || four.peakBytes === null) {
    checks.push({ target, measured: 'peak memory not measured', verdict: 'SKIP' });
  } else {
    const growth = four.peakBytes / one.peakBytes - 1;
    checks.push({
      target,
      measured: `${formatMegabytes(four.peakBytes)} MB vs ${formatMegabytes(one.peakBytes)} MB (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%)`,
      verdict: verdict(four.peakBytes * 100 <= one.peakBytes * (100 + FLAT_TOLERANCE_PERCENT)),
    });
  }
  checks.push(peakCheck([one, four].filter((f): f is Figures => f !== undefined)));
  // Not targets (they are set on the 1x file): what the same ones say where fixed costs weigh less.
  const fourT1 = find(figures, 'x4t1');
  if (four && fourT1) {
    const speedup = fourT1.median / four.median;
    checks.push({ target: `(${sizes.four}) 2 threads >= ${SPEEDUP_TARGET} x faster than 1 thread`, measured: `${formatRatio(speedup)} x`, verdict: verdict(speedup >= SPEEDUP_TARGET) });
  }
  const rg = find(figures, 'rg');
  if (four && rg) {
    checks.push({
      target: `(${sizes.four}) logsift 2 threads <= rg -c`,
      measured: `${formatRatio(four.median / rg.median)} x (${formatSeconds(four.median)} s vs ${formatSeconds(rg.median)} s)`,
      verdict: verdict(four.median <= rg.median),
    });
  }
  return checks;
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  return markdownTable(
    ['target', 'measured', 'verdict'],
    checks.map((c) => [c.target, c.measured, c.verdict]),
  );
}

/** Below this, a run is mostly start-up, and the figures say little about scanning speed. */
export const SMALL_WORKLOAD_BYTES = 256 * 1024 * 1024;

/** What the figures of a quick try on a small log mean. */
export function smallWorkloadNote(bytes: number): string {
  return (
    `note: on a ${formatSize(bytes)} log, start-up dominates each run (Node's start and loading the code, about 0.1 s, ` +
    'against a scan of a few tens of ms): the times and ratios measure start-up more than scanning; the default 1 GiB workload measures the scan.\n'
  );
}

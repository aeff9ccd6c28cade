// The few statistics the bench reports. Medians, because one disturbed run on a shared machine must not move the figure.

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function minimum(values: readonly number[]): number {
  if (values.length === 0) throw new Error('minimum of no values');
  return Math.min(...values);
}

export function maximum(values: readonly number[]): number {
  if (values.length === 0) throw new Error('maximum of no values');
  return Math.max(...values);
}

/** The order of the commands in round `round` (0-based): rotated by one each round, so that every command runs
 * once per round (A B C, B C A, C A B ...) and none always follows the same neighbour. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

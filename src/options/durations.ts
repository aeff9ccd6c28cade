// Durations as people write them on a command line: `30s`, `10m`, `1h`, `1d`, `2w`, or sums like `1h30m`.
// Log instants have whole seconds, so durations are whole seconds too.

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

export const DURATION_FORMS = 'a number with a unit s, m, h, d or w (30s, 10m, 1h, 1d, 1h30m)';

/** Seconds of a duration, or undefined when the text is not one. Zero is a duration (`0s`). */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+[smhdw])+$/.test(trimmed)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([smhdw])/g)) seconds += Number(amount) * UNIT_SECONDS[unit];
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** `3600` -> `1h`, `5400` -> `1h30m`: the shortest way to write whole seconds back. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = seconds;
  let text = '';
  for (const unit of ['w', 'd', 'h', 'm', 's']) {
    const size = UNIT_SECONDS[unit];
    if (rest >= size) {
      text += Math.floor(rest / size) + unit;
      rest %= size;
    }
  }
  return text;
}

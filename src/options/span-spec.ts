// `--since` / `--until`: the span of time whose entries count, [since, until) — since inclusive, until
// exclusive, to the second. Each bound is an instant (ISO 8601) or a duration before the newest entry of the
// input (`2h`: from two hours before the newest entry).
//
// A relative bound needs the newest instant, which is known only at the end. Nothing is read twice: while
// reading, the newest instant seen so far (M) only grows, and the final one (N) is at least M, so
//   - `--since D`: an entry before M - D is certainly out; any later one may still be (kept for the end);
//   - `--until E`: an entry before M - E is certainly in; any later one may still be out (kept for the end).
// Entries that may go either way are kept compactly (analyses/time-span.ts, analyses/deferred.ts) and settled when M grows or at the
// end, when N is known.

import { LogsiftError } from '../base/errors.js';
import { DURATION_FORMS, parseDuration } from './durations.js';
import { daysFromCivil, isValidCivil } from '../base/time.js';

/** The span as plain data (it travels to the workers). Instants and durations in seconds. */
export interface SpanSpec {
  readonly sinceAt?: number;
  readonly sinceAgo?: number;
  readonly untilAt?: number;
  readonly untilAgo?: number;
  /** The bounds as given, for the summary. */
  readonly sinceText?: string;
  readonly untilText?: string;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const TIME_FORMS = `an ISO 8601 time (2024-05-01, 2024-05-01T13:00, 2024-05-01T13:00:00+02:00; UTC when no offset is given) or a duration before the newest entry: ${DURATION_FORMS}`;

/** ISO 8601 -> epoch seconds (a fraction rounds up: log instants are whole seconds), or undefined. */
export function parseIsoTime(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (!isValidCivil(year, month, day, Number(h), Number(mi), Number(s)) || Number(s) > 59) return undefined;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const local = daysFromCivil(year, month, day) * 86400 + Number(h) * 3600 + Number(mi) * 60 + Number(s);
  const seconds = local - offsetMinutes * 60;
  return fraction && Number(fraction) > 0 ? seconds + 1 : seconds;
}

function parseBound(option: string, text: string): { at?: number; ago?: number } {
  const ago = parseDuration(text);
  if (ago !== undefined) return { ago };
  const at = parseIsoTime(text);
  if (at !== undefined) return { at };
  throw new LogsiftError(`${option} '${text}' is not a time: use ${TIME_FORMS}`);
}

/** The span of `--since`/`--until`, checked; undefined when neither is given. */
export function parseSpan(since: string | undefined, until: string | undefined): SpanSpec | undefined {
  if (since === undefined && until === undefined) return undefined;
  const s = since === undefined ? {} : parseBound('--since', since);
  const u = until === undefined ? {} : parseBound('--until', until);
  const empty =
    (s.at !== undefined && u.at !== undefined && s.at >= u.at) || (s.ago !== undefined && u.ago !== undefined && s.ago <= u.ago);
  if (empty) {
    throw new LogsiftError(
      `--since '${since}' is not before --until '${until}': the span [since, until) would hold no entry`,
    );
  }
  return { sinceAt: s.at, sinceAgo: s.ago, untilAt: u.at, untilAgo: u.ago, sinceText: since, untilText: until };
}


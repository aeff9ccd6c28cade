// A plain, string-based W3C reader (IIS, CloudFront, and the draft as Oracle Web Cache writes it) to check the
// byte parser against.

import { IIS_DEFAULT_FIELDS } from '../../src/formats/w3c.js';
import { referenceIso } from './clf.js';
import type { Entry } from '../formats/support.js';

/** The plain reading: a space or TAB and the spaces after it separate fields; `"value"` loses its quotes. */
function plainValues(line: string): string[] {
  return line
    .replace(/[ \t]+$/, '')
    .split(/[ \t] */)
    .map((v) => (v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v));
}

/** The reading with quoted values (`"a b"`, `""` a quote inside), up to a quote not closed before a separator. */
function quotedValues(line: string): string[] {
  const values: string[] = [];
  const rest = line.replace(/[ \t]+$/, '');
  const token = /"((?:[^"]|"")*)"(?=[ \t]|$)|([^ \t]*)/y;
  let at = 0;
  for (;;) {
    token.lastIndex = at;
    const m = token.exec(rest);
    if (!m || m[2]?.startsWith('"')) return values; // an opening quote with no closing one before a separator
    values.push(m[1] ?? m[2]);
    at = token.lastIndex;
    if (at >= rest.length) return values;
    at++; // the separator
    while (rest[at] === ' ') at++;
  }
}

/** `HH:MM[:SS][.fff]` (a leap second :60 accepted) as seconds of the day, or undefined. */
function timeSeconds(time: string): number | undefined {
  const m = /^(\d\d):(\d\d)(?::(\d\d))?([.,]\d+)?$/.exec(time);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 60) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
}

/** `YYYY-MM-DD` of a real day as days since 1970, or undefined. */
function dateDays(date: string): number | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return Math.round(d.getTime() / 86400000);
}

function offsetMinutes(text: string): number {
  const m = /^([+-])(\d\d):(\d\d)$/.exec(text);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

function offsetText(header: string): string {
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(header.trim());
  return m && Number(m[2]) <= 23 && Number(m[3]) <= 59 ? `${m[1]}${m[2]}:${m[3]}` : '+00:00';
}

export function referenceW3c(text: string, clientFrom: 'client' | 'xff' = 'client', defaultFields = IIS_DEFAULT_FIELDS): Entry[] {
  let fields = [...defaultFields];
  let headerDate: string | undefined;
  let offset = '+00:00';
  const entries: Entry[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    if (line.startsWith('#Fields:')) fields = line.slice(8).trim().split(/\s+/);
    if (line.startsWith('#Date:')) headerDate = line.slice(6).trim().slice(0, 10);
    if (line.startsWith('#Start-Date:')) headerDate = line.slice(12).trim().slice(0, 10);
    if (line.startsWith('#GMT-Offset:')) offset = offsetText(line.slice(12));
    if (line.startsWith('#')) continue;
    let values = plainValues(line);
    const plainHasQuote = line.split(/[ \t] */).some((v) => v.startsWith('"'));
    if (values.length !== fields.length && plainHasQuote) values = quotedValues(line);
    const get = (name: string): string | undefined => {
      const i = fields.findIndex((f) => f.toLowerCase() === name.toLowerCase());
      return i < 0 ? undefined : values[i];
    };
    let client = get('c-ip');
    const status = get('sc-status');
    const date = fields.includes('date') ? get('date') : headerDate;
    const time = get('time');
    const days = date === undefined ? undefined : dateDays(date);
    const seconds = time === undefined ? undefined : timeSeconds(time);
    if (!client || !status || !/^([1-5]\d\d|000)$/.test(status) || days === undefined || seconds === undefined) continue;
    const xff = get('X-Forwarded-For');
    if (clientFrom === 'xff' && xff && xff !== '-') client = xff.split(',')[0].replaceAll('+', ' ').trim();
    const minutes = offsetMinutes(offset);
    entries.push({ client, status: Number(status), time: referenceIso(days * 86400 + seconds - minutes * 60, minutes) });
  }
  return entries;
}

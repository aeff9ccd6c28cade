// W3C extended log format, as IIS writes it:
//
//   #Software: Microsoft Internet Information Services 8.5
//   #Version: 1.0
//   #Date: 2015-10-20 01:53:09
//   #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) ...
//   2015-10-20 01:53:09 172.31.22.76 GET / - 80 - 181.64.192.253 Mozilla/5.0+(iPhone;...) - 304 0 0 203
//
// The field order comes from the last `#Fields:` line before a line: a parser is stateful, and a producer that
// starts mid-file is handed the headers in force there (FormatDefinition.stateLines, LineFormat.begin).
// Header blocks may repeat and change mid-file (IIS writes one each time it reopens the file). IIS values never
// hold a space: IIS writes `+` for it, `-` for an empty value. Fields are separated by a space (IIS) or a TAB
// (CloudFront, see cloudfront.ts); both are accepted, and a separator may be followed by more spaces.
//
// The W3C draft also allows what Oracle Web Cache and Incapsula write: runs of spaces between fields, string
// values in double quotes with spaces inside (`""` for a quote), `cs-uri` for the path, times in the zone of a
// `#GMT-Offset: -0800` line (UTC without one), and `#Start-Date:` like `#Date:`. A quoted reading is taken only
// when a field starts with `"` and the plain reading has not the number of fields named: an IIS value that
// starts with a quote (attacker text) cannot swallow the next fields, since IIS values never hold a space. In a
// plain reading a field written `"value"` is the value without its quotes.
// `--w3c-fields` names the fields of a file cut without its `#Fields:` line.

import { packStamp } from '../base/time.js';
import { LineFields, rawText, type FormatDefinition, type LineFormat } from './fields.js';
import { clearDetails } from './request.js';
import { parseGmtOffset, parseIsoDate, parseTimeOfDay, scan } from './timestamps.js';
import { Layout, Role, type W3cKernelLayout } from './w3c-layout.js';

const SP = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const QUOTE = 0x22;

export interface W3cFlavour {
  readonly name: string;
  /** Field order assumed before any `#Fields:` line. */
  readonly defaultFields: readonly string[];
  readonly text: (buf: Buffer, start: number, end: number) => string;
}

/** IIS's default field selection (IIS 8.5 and later), assumed where a file has no `#Fields:` line. */
export const IIS_DEFAULT_FIELDS: readonly string[] = (
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) ' +
  'sc-status sc-substatus sc-win32-status time-taken'
).split(' ');

const FIELDS_PREFIX = '#Fields:';
const DATE_PREFIX = '#Date:';
const START_DATE_PREFIX = '#Start-Date:';
const GMT_OFFSET_PREFIX = '#GMT-Offset:';
/** The header lines whose last occurrence before a line is the state a parser needs there. */
export const W3C_STATE_LINES: readonly string[] = [FIELDS_PREFIX, DATE_PREFIX, START_DATE_PREFIX, GMT_OFFSET_PREFIX];

function startsWith(buf: Buffer, start: number, end: number, prefix: string): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[start + i] !== prefix.charCodeAt(i)) return false;
  return true;
}

export class W3cFormat implements LineFormat {
  readonly name: string;
  readonly text: (buf: Buffer, start: number, end: number) => string;
  private readonly defaultLayout: Layout;
  private layout: Layout;
  /** Days since the epoch from the last `#Date:` line, for fields without a `date` column; NaN if none. */
  private headerDays = NaN;
  /** UTC offset in minutes from the last `#GMT-Offset:` line; the line's times are in that zone. */
  private offsetMinutes = 0;
  /** Layouts by their `#Fields:` text: IIS repeats the same header many times. */
  private readonly layouts = new Map<string, Layout>();
  /** Goes up with every header line and `begin`: a scan kernel takes the layout again when it changed. */
  stateVersion = 0;

  constructor(flavour: W3cFlavour) {
    this.name = flavour.name;
    this.text = flavour.text;
    this.defaultLayout = this.layout = new Layout(flavour.defaultFields);
  }

  parse(buf: Buffer, start: number, end: number, out: LineFields): boolean {
    if (buf[start] === HASH) return false;
    const layout = this.layout;
    const last = layout.lastEssential;
    if (last < 0) return false;
    const roles = layout.roles;
    clearDetails(out);
    let days = layout.hasDate ? NaN : this.headerDays;
    let seconds = NaN;
    let status = 0;
    let clientEnd = -1;
    let p = start;
    let quoted = -1; // -1: not known yet (no field started with a quote), 0: plain reading, 1: quoted reading
    for (let column = 0; ; column++) {
      let fieldStart = p;
      let fieldEnd = p;
      let c = 0;
      if (p < end && buf[p] === QUOTE) {
        if (quoted < 0) quoted = this.quotedReading(buf, start, end);
        if (quoted === 1) {
          fieldStart = p + 1;
          fieldEnd = closingQuote(buf, fieldStart, end);
          if (fieldEnd < 0) return false;
          p = fieldEnd + 1;
        } else {
          while (p < end && (c = buf[p]) !== SP && c !== TAB) p++;
          fieldEnd = p;
          if (fieldEnd - fieldStart >= 2 && buf[fieldEnd - 1] === QUOTE) [fieldStart, fieldEnd] = [fieldStart + 1, fieldEnd - 1];
        }
      } else {
        while (p < end && (c = buf[p]) !== SP && c !== TAB) p++;
        fieldEnd = p;
      }
      switch (roles[column]) {
        case Role.None:
          break;
        // Each role has one column (Layout), so a date or time that does not read fails the line here as it
        // would at the last essential column: the line ends unread (detection tries W3C on every file's first
        // lines, most often lines of another format, before this code has been optimized).
        case Role.Date:
          days = parseIsoDate(buf, fieldStart, fieldEnd);
          if (scan.end !== fieldEnd || days !== days) return false;
          break;
        case Role.Time:
          seconds = parseTimeOfDay(buf, fieldStart, fieldEnd);
          if (scan.end !== fieldEnd || seconds !== seconds) return false;
          break;
        case Role.Client:
          out.clientStart = fieldStart;
          clientEnd = fieldEnd;
          break;
        case Role.Status: {
          if (fieldEnd - fieldStart !== 3) return false;
          const d1 = buf[fieldStart] - 0x30;
          const d2 = buf[fieldStart + 1] - 0x30;
          const d3 = buf[fieldStart + 2] - 0x30;
          if (d1 < 0 || d1 > 5 || d2 < 0 || d2 > 9 || d3 < 0 || d3 > 9) return false;
          status = d1 * 100 + d2 * 10 + d3;
          if (status < 100 && status !== 0) return false; // CloudFront: 000 when the viewer left before the response
          break;
        }
        default:
          setDetail(out, roles[column], fieldStart, fieldEnd);
      }
      if (column === last) {
        if (clientEnd <= out.clientStart || seconds !== seconds || days !== days) return false;
        out.clientEnd = clientEnd;
        out.status = status;
        const offset = this.offsetMinutes;
        out.stamp = packStamp(days * 86400 + seconds - offset * 60, offset);
        out.resumeAt = p;
        out.resumeField = column + 1;
        out.resumeQuoted = quoted;
        return true;
      }
      if (p >= end) return false;
      p++;
      while (p < end && buf[p] === SP) p++; // a run of spaces is one separator
    }
  }

  /**
   * Whether a line with a field starting with `"` is read with quoted values: when its plain reading (every
   * space or TAB, and the spaces after it, a separator) has not the number of fields the layout names.
   */
  private quotedReading(buf: Buffer, start: number, end: number): number {
    while (end > start && (buf[end - 1] === SP || buf[end - 1] === TAB)) end--;
    let fields = 1;
    for (let p = start; p < end; p++) {
      const c = buf[p];
      if (c !== SP && c !== TAB) continue;
      fields++;
      while (p + 1 < end && buf[p + 1] === SP) p++;
    }
    return fields === this.layout.roles.length ? 0 : 1;
  }

  parseDetails(buf: Buffer, start: number, end: number, out: LineFields): void {
    const roles = this.layout.roles;
    let quoted = out.resumeQuoted;
    let p = out.resumeAt;
    for (let column = out.resumeField; column < roles.length && p < end; column++) {
      p++;
      while (p < end && buf[p] === SP) p++;
      let c = 0;
      if (p < end && buf[p] === QUOTE && quoted < 0) quoted = this.quotedReading(buf, start, end);
      if (p < end && buf[p] === QUOTE && quoted === 1) {
        const fieldEnd = closingQuote(buf, p + 1, end);
        if (fieldEnd < 0) return;
        if (roles[column] !== Role.None) setDetail(out, roles[column], p + 1, fieldEnd);
        p = fieldEnd + 1;
      } else {
        const fieldStart = p;
        while (p < end && (c = buf[p]) !== SP && c !== TAB) p++;
        // A plain reading's "value" (no space inside) is the value without its quotes.
        const quotes = p - fieldStart >= 2 && buf[fieldStart] === QUOTE && buf[p - 1] === QUOTE ? 1 : 0;
        if (roles[column] !== Role.None) setDetail(out, roles[column], fieldStart + quotes, p - quotes);
      }
    }
  }

  /** The layout in force, for a scan kernel (which reads only plain lines and hands the rest back to `parse`). */
  kernelLayout(): W3cKernelLayout {
    const layout = this.layout;
    return {
      last: layout.lastEssential,
      roles: layout.essentialRoles,
      days: layout.hasDate ? NaN : this.headerDays,
      offsetMinutes: this.offsetMinutes,
    };
  }

  header(buf: Buffer, start: number, end: number): boolean {
    if (buf[start] !== HASH) return false;
    this.stateVersion++;
    if (startsWith(buf, start, end, FIELDS_PREFIX)) {
      const text = buf.latin1Slice(start + FIELDS_PREFIX.length, end);
      let layout = this.layouts.get(text);
      if (!layout) {
        layout = new Layout(text.split(/[ \t]+/).filter((name) => name !== ''));
        this.layouts.set(text, layout);
      }
      this.layout = layout;
    } else if (startsWith(buf, start, end, DATE_PREFIX) || startsWith(buf, start, end, START_DATE_PREFIX)) {
      let p = start + (buf[start + 1] === 0x44 ? DATE_PREFIX.length : START_DATE_PREFIX.length);
      while (p < end && (buf[p] === SP || buf[p] === TAB)) p++;
      this.headerDays = parseIsoDate(buf, p, end);
    } else if (startsWith(buf, start, end, GMT_OFFSET_PREFIX)) {
      this.offsetMinutes = parseGmtOffset(buf, start + GMT_OFFSET_PREFIX.length, end);
    }
    return true;
  }

  begin(stateLines: readonly string[]): void {
    this.stateVersion++;
    this.layout = this.defaultLayout;
    this.headerDays = NaN;
    this.offsetMinutes = 0;
    for (const line of stateLines) {
      const bytes = Buffer.from(line, 'latin1');
      this.header(bytes, 0, bytes.length);
    }
  }

  readsAsAfter(stateLines: readonly string[]): boolean {
    // What a line's reading depends on: the layout (one per `#Fields:` text), the header's date where the
    // layout has no date column, and the UTC offset.
    const { layout, headerDays, offsetMinutes } = this;
    this.begin(stateLines);
    const same =
      this.layout === layout && (layout.hasDate || Object.is(this.headerDays, headerDays)) && this.offsetMinutes === offsetMinutes;
    this.layout = layout;
    this.headerDays = headerDays;
    this.offsetMinutes = offsetMinutes;
    this.stateVersion++;
    return same;
  }
}

/** Where the quoted value starting at `p` (past its opening quote) ends: its closing quote, or -1 if unclosed. */
function closingQuote(buf: Buffer, p: number, end: number): number {
  for (; p < end; p++) {
    if (buf[p] !== QUOTE) continue;
    if (p + 1 < end && buf[p + 1] === QUOTE) {
      p++; // `""`: a quote inside the value
      continue;
    }
    const next = p + 1 < end ? buf[p + 1] : SP;
    return next === SP || next === TAB ? p : -1;
  }
  return -1;
}

function setDetail(out: LineFields, role: Role, start: number, end: number): void {
  switch (role) {
    case Role.Method:
      out.methodStart = start;
      out.methodEnd = end;
      break;
    case Role.Path:
      out.pathStart = start;
      out.pathEnd = end;
      break;
    case Role.UserAgent:
      out.userAgentStart = start;
      out.userAgentEnd = end;
      break;
    case Role.Referrer:
      out.referrerStart = start;
      out.referrerEnd = end;
      break;
    case Role.Vhost:
      out.vhostStart = start;
      out.vhostEnd = end;
      break;
    case Role.ForwardedFor:
      out.forwardedForStart = start;
      out.forwardedForEnd = end;
      break;
  }
}

/** IIS writes a space inside a value as `+`. */
export function plusAsSpace(buf: Buffer, start: number, end: number): string {
  const raw = rawText(buf, start, end);
  return raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
}

export const w3cDefinition: FormatDefinition = {
  name: 'w3c',
  description: 'W3C extended (IIS), fields from #Fields: lines',
  stateLines: W3C_STATE_LINES,
  create: (options) =>
    new W3cFormat({
      name: 'w3c',
      defaultFields: options.w3cFields ?? IIS_DEFAULT_FIELDS,
      text: plusAsSpace,
    }),
};

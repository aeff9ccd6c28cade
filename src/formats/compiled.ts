// A server's format string (nginx `log_format`, Apache `LogFormat`), compiled once into a byte matcher:
//
//   literal0 field0 literal1 field1 ... fieldN-1 literalN
//
// A field is either self-delimiting (a time, a status, a strftime part: its own syntax says where it ends) or
// text, which ends where the next literal starts (the first place, skipping backslash-escaped bytes inside
// quotes). No regular expression, no allocation per line. `parse` stops after the last field it needs (client,
// time, status); `parseDetails` goes on from there, and whatever breaks after that point only leaves the
// remaining details unset, as a broken user agent does in CLF.

import { LogsiftError } from '../base/errors.js';
import { Kind, Role, type CompiledSpec, type TemplateProgram, type TemplateStep } from './format-spec.js';
import { parseClfTime } from './clf.js';
import { rawText, type LineFields, type LineFormat } from './fields.js';
import { jsonUnescaped } from './json-scan.js';
import { clearDetails, splitRequest } from './request.js';
import {
  civilStamp,
  digit,
  monthByName,
  parseEpoch,
  parseIsoTime,
  parseOffset,
  scan,
  twoDigits,
} from './timestamps.js';

const SP = 0x20;
const BACKSLASH = 0x5c;

/** Time parts a line must have (one of these sets) for an instant. */
const enum Part {
  Stamp = 1, // a whole time (CLF, ISO, epoch)
  Year = 2,
  Month = 4,
  Day = 8,
  Hour = 16,
  Minute = 32,
  Second = 64,
}
const CIVIL = Part.Year | Part.Month | Part.Day | Part.Hour | Part.Minute | Part.Second;

function partOf(kind: Kind): number {
  switch (kind) {
    case Kind.ClfTime: case Kind.IsoTime: case Kind.Epoch: return Part.Stamp;
    case Kind.Year4: case Kind.Year2: return Part.Year;
    case Kind.Month2: case Kind.MonthName: return Part.Month;
    case Kind.Day2: case Kind.DayPadded: return Part.Day;
    case Kind.Hour2: case Kind.HourPadded: case Kind.Hour12: return Part.Hour;
    case Kind.Minute2: return Part.Minute;
    case Kind.Second2: return Part.Second;
    default: return 0;
  }
}

export class CompiledFormat implements LineFormat {
  readonly name: string;
  readonly text: (buf: Buffer, start: number, end: number) => string;
  private readonly literals: Buffer[];
  private readonly kinds: Uint8Array;
  private readonly roles: Uint8Array;
  private readonly units: Float64Array;
  /** Field i is text inside quotes: its end search skips backslash-escaped bytes. */
  private readonly quoted: Uint8Array;
  /** Index of the last field `parse` must read. */
  private readonly lastEssential: number;
  private readonly hasRequestOnly: boolean;
  // Time parts of the line being read.
  private stamp = NaN;
  private year = 0;
  private month = 0;
  private day = 0;
  private hour = 0;
  private minute = 0;
  private second = 0;
  private pm = -1;
  private offset = 0;
  private parts = 0;

  constructor(readonly spec: CompiledSpec) {
    const { fields, literals } = spec;
    this.name = spec.name;
    this.text = spec.escape === 'json' ? jsonUnescaped : rawText;
    this.literals = literals.map((l) => Buffer.from(l, 'latin1'));
    this.kinds = Uint8Array.from(fields.map((f) => f.kind));
    this.roles = Uint8Array.from(fields.map((f) => f.role));
    this.units = Float64Array.from(fields.map((f) => f.units ?? 1));
    this.quoted = Uint8Array.from(fields.map((_, i) => (literals[i].endsWith('"') && literals[i + 1].startsWith('"') ? 1 : 0)));
    const find = (role: Role): number => fields.findIndex((f) => f.role === role);
    const described = spec.name === 'nginx' ? NGINX_NEEDS : APACHE_NEEDS;
    if (find(Role.Client) < 0) throw new LogsiftError(`--log-format has no client address field (${described.client})`);
    if (find(Role.Status) < 0) throw new LogsiftError(`--log-format has no status field (${described.status})`);
    const timeParts = fields.reduce((parts, f) => parts | partOf(f.kind), 0);
    if (!(timeParts & Part.Stamp) && (timeParts & CIVIL) !== CIVIL) {
      throw new LogsiftError(`--log-format has no complete time field (${described.time})`);
    }
    for (let i = 0; i + 1 < fields.length; i++) {
      if (fields[i].kind === Kind.Text && literals[i + 1] === '') {
        throw new LogsiftError(`--log-format: nothing separates ${fields[i].name} from ${fields[i + 1].name}, so they cannot be told apart`);
      }
    }
    // An offset or AM/PM after the last other time part still belongs to the instant.
    const isTimePart = (kind: Kind): boolean => partOf(kind) !== 0 || kind === Kind.Offset || kind === Kind.AmPm;
    this.lastEssential = Math.max(...fields.map((f, i) => (f.role === Role.Client || f.role === Role.Status || isTimePart(f.kind) ? i : -1)));
    this.hasRequestOnly = find(Role.Request) >= 0 && find(Role.Method) < 0 && find(Role.Path) < 0;
  }

  /**
   * What parse reads, for the field kernel (kernel/template.ts runs it): the first literal, then each field up
   * to the last one parse needs, with the literal that follows it.
   */
  kernelProgram(): TemplateProgram {
    const steps: TemplateStep[] = [];
    for (let i = 0; i <= this.lastEssential; i++) {
      const units = this.units[i];
      steps.push({ kind: this.kinds[i], client: this.roles[i] === Role.Client, quoted: this.quoted[i] === 1, unitDigits: Math.round(Math.log10(units)), literal: this.literals[i + 1] });
    }
    return { literal: this.literals[0], steps };
  }

  parse(buf: Buffer, start: number, end: number, out: LineFields): boolean {
    const lit0 = this.literals[0];
    if (!matchLiteral(buf, start, end, lit0)) return false;
    clearDetails(out);
    out.clientStart = -1;
    out.status = -1;
    this.parts = 0;
    this.pm = -1;
    this.offset = 0;
    const p = this.run(buf, start + lit0.length, end, out, 0, this.lastEssential);
    if (p < 0 || out.clientStart < 0 || out.status < 0) return false;
    const stamp = this.instant();
    if (stamp !== stamp) return false;
    out.stamp = stamp;
    out.resumeAt = p;
    out.resumeField = this.lastEssential + 1;
    return true;
  }

  parseDetails(buf: Buffer, _start: number, end: number, out: LineFields): void {
    this.run(buf, out.resumeAt, end, out, out.resumeField, this.kinds.length - 1);
    if (this.hasRequestOnly) splitRequest(buf, out);
  }

  /**
   * Reads fields first..last from p (just after field first's literal before it); returns the position after
   * field last's following literal, or -1 when the line does not fit.
   */
  private run(buf: Buffer, p: number, end: number, out: LineFields, first: number, last: number): number {
    const literals = this.literals;
    const kinds = this.kinds;
    for (let i = first; i <= last; i++) {
      const kind = kinds[i];
      const next = literals[i + 1];
      let q: number;
      if (kind === Kind.Text) {
        if (next.length === 0) q = end;
        else {
          q = this.quoted[i] === 1 ? findQuotedLiteral(buf, p, end, next) : findLiteral(buf, p, end, next);
          if (q < 0) return -1;
        }
      } else {
        q = this.readPart(kind, i, buf, p, end, out);
        if (q < 0 || !matchLiteral(buf, q, end, next)) return -1;
      }
      const role = this.roles[i];
      if (role !== Role.None) setRole(out, role, p, q);
      p = q + next.length;
    }
    return p;
  }

  /** Reads a self-delimiting field at p; returns its end or -1. */
  private readPart(kind: number, i: number, buf: Buffer, p: number, end: number, out: LineFields): number {
    switch (kind) {
      case Kind.Status: {
        if (end - p < 3) return -1;
        const d1 = buf[p] - 0x30;
        const d2 = digit(buf, p + 1);
        const d3 = digit(buf, p + 2);
        if (d1 < 1 || d1 > 5 || d2 < 0 || d3 < 0 || digit(buf, p + 3) >= 0) return -1;
        out.status = d1 * 100 + d2 * 10 + d3;
        return p + 3;
      }
      case Kind.ClfTime: {
        if (end - p < 26) return -1;
        const stamp = parseClfTime(buf, p);
        if (stamp !== stamp) return -1;
        this.stamp = stamp;
        this.parts |= Part.Stamp;
        return p + 26;
      }
      case Kind.IsoTime: {
        const stamp = parseIsoTime(buf, p, end);
        if (stamp !== stamp) return -1;
        this.stamp = stamp;
        this.parts |= Part.Stamp;
        return scan.end;
      }
      case Kind.Epoch: {
        const stamp = parseEpoch(buf, p, end, this.units[i]);
        if (stamp !== stamp) return -1;
        this.stamp = stamp;
        this.parts |= Part.Stamp;
        return scan.end;
      }
      case Kind.Year4: {
        const a = twoDigits(buf, p);
        const b = twoDigits(buf, p + 2);
        if (end - p < 4 || a < 0 || b < 0) return -1;
        this.year = a * 100 + b;
        this.parts |= Part.Year;
        return p + 4;
      }
      case Kind.Year2: {
        const y = end - p < 2 ? -1 : twoDigits(buf, p);
        if (y < 0) return -1;
        this.year = y < 69 ? 2000 + y : 1900 + y; // POSIX strptime's pivot
        this.parts |= Part.Year;
        return p + 2;
      }
      case Kind.Month2:
        return this.twoDigitPart(buf, p, end, Part.Month);
      case Kind.MonthName: {
        const q = letters(buf, p, end);
        const month = monthByName(buf, p, q);
        if (month === 0) return -1;
        this.month = month;
        this.parts |= Part.Month;
        return q;
      }
      case Kind.Day2:
        return this.twoDigitPart(buf, p, end, Part.Day);
      case Kind.DayPadded:
        return this.paddedPart(buf, p, end, Part.Day);
      case Kind.Hour2:
      case Kind.Hour12:
        return this.twoDigitPart(buf, p, end, Part.Hour);
      case Kind.HourPadded:
        return this.paddedPart(buf, p, end, Part.Hour);
      case Kind.Minute2:
        return this.twoDigitPart(buf, p, end, Part.Minute);
      case Kind.Second2:
        return this.twoDigitPart(buf, p, end, Part.Second);
      case Kind.AmPm: {
        if (end - p < 2 || (buf[p + 1] | 0x20) !== 0x6d) return -1;
        const c = buf[p] | 0x20;
        if (c !== 0x61 && c !== 0x70) return -1;
        this.pm = c === 0x70 ? 1 : 0;
        return p + 2;
      }
      case Kind.Offset: {
        const offset = parseOffset(buf, p, end);
        if (offset !== offset) return -1;
        this.offset = offset;
        return scan.end;
      }
      case Kind.Letters: {
        const q = letters(buf, p, end);
        return q === p ? -1 : q;
      }
      case Kind.Digits: {
        let q = p;
        while (q < end && digit(buf, q) >= 0) q++;
        return q === p ? -1 : q;
      }
      default:
        return -1;
    }
  }

  private twoDigitPart(buf: Buffer, p: number, end: number, part: number): number {
    const v = end - p < 2 ? -1 : twoDigits(buf, p);
    if (v < 0) return -1;
    this.setPart(part, v);
    return p + 2;
  }

  /** One or two digits, maybe after a padding space. */
  private paddedPart(buf: Buffer, p: number, end: number, part: number): number {
    if (p < end && buf[p] === SP) p++;
    const a = p < end ? digit(buf, p) : -1;
    if (a < 0) return -1;
    const b = p + 1 < end ? digit(buf, p + 1) : -1;
    this.setPart(part, b < 0 ? a : a * 10 + b);
    return b < 0 ? p + 1 : p + 2;
  }

  private setPart(part: number, v: number): void {
    switch (part) {
      case Part.Month: this.month = v; break;
      case Part.Day: this.day = v; break;
      case Part.Hour: this.hour = v; break;
      case Part.Minute: this.minute = v; break;
      case Part.Second: this.second = v; break;
    }
    this.parts |= part;
  }

  /** The line's instant from the parts read, or NaN. Without an offset in the line, UTC. */
  private instant(): number {
    if (this.parts & Part.Stamp) return this.stamp;
    if ((this.parts & CIVIL) !== CIVIL) return NaN;
    let hour = this.hour;
    if (this.pm >= 0) {
      if (hour < 1 || hour > 12) return NaN;
      hour = (hour % 12) + (this.pm === 1 ? 12 : 0);
    }
    return civilStamp(this.year, this.month, this.day, hour, this.minute, this.second, this.offset);
  }
}

const NGINX_NEEDS = { client: '$remote_addr', status: '$status', time: '$time_local, $time_iso8601 or $msec' };
const APACHE_NEEDS = { client: '%h or %a', status: '%>s or %s', time: '%t or %{...}t' };

function letters(buf: Buffer, p: number, end: number): number {
  while (p < end && ((buf[p] | 0x20) >= 0x61 && (buf[p] | 0x20) <= 0x7a)) p++;
  return p;
}

function matchLiteral(buf: Buffer, p: number, end: number, literal: Buffer): boolean {
  const n = literal.length;
  if (end - p < n) return false;
  for (let i = 0; i < n; i++) if (buf[p + i] !== literal[i]) return false;
  return true;
}

/** The first position from p where `literal` (not empty) starts, or -1. */
function findLiteral(buf: Buffer, p: number, end: number, literal: Buffer): number {
  const first = literal[0];
  const last = end - literal.length;
  for (; p <= last; p++) if (buf[p] === first && matchLiteral(buf, p, end, literal)) return p;
  return -1;
}

/** Like findLiteral, but a byte after a backslash never starts the literal (escaped quotes stay inside). */
function findQuotedLiteral(buf: Buffer, p: number, end: number, literal: Buffer): number {
  const first = literal[0];
  const last = end - literal.length;
  for (; p <= last; p++) {
    const c = buf[p];
    if (c === BACKSLASH) {
      p++;
      continue;
    }
    if (c === first && matchLiteral(buf, p, end, literal)) return p;
  }
  return -1;
}

function setRole(out: LineFields, role: number, start: number, end: number): void {
  switch (role) {
    case Role.Client:
      // A repeated client field (`%h ... %a`): the first one counts.
      if (out.clientStart < 0) {
        out.clientStart = start;
        out.clientEnd = end;
      }
      break;
    case Role.Request:
      out.requestStart = start;
      out.requestEnd = end;
      break;
    case Role.Method:
      out.methodStart = start;
      out.methodEnd = end;
      break;
    case Role.Path:
      if (out.pathStart < 0) {
        out.pathStart = start;
        out.pathEnd = end;
      }
      break;
    case Role.Referrer:
      out.referrerStart = start;
      out.referrerEnd = end;
      break;
    case Role.UserAgent:
      out.userAgentStart = start;
      out.userAgentEnd = end;
      break;
    case Role.ForwardedFor:
      out.forwardedForStart = start;
      out.forwardedForEnd = end;
      break;
    case Role.Vhost:
      if (out.vhostStart < 0) {
        out.vhostStart = start;
        out.vhostEnd = end;
      }
      break;
  }
}

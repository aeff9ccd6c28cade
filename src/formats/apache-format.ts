// Apache `LogFormat` (mod_log_config), as pasted from the configuration: the format string itself
//
//   %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"
//
// or the directive, `LogFormat "..." nickname` (`\"` inside the string is a quote). Directives are
// `%[!][codes][<|>][{arg}]letter`: status conditions and `<`/`>` are accepted and ignored, except that `%>s`
// (the final status) wins over `%s`. The ones logsift understands give the client (%h, %a), time (%t,
// %{strftime}t, %{sec|msec|usec}t), status and details; any other is an opaque field. `\n` and `\t` stand
// for a newline and a tab, as Apache reads them. A time with no %z is taken as UTC.

import { LogsiftError } from '../base/errors.js';
import { CompiledFormat } from './compiled.js';
import { Kind, Role, SpecBuilder, type CompiledSpec, type FieldSpec } from './format-spec.js';
import type { FormatDefinition } from './fields.js';

const HEADER_ROLES: Readonly<Record<string, Role>> = {
  referer: Role.Referrer,
  'user-agent': Role.UserAgent,
  'x-forwarded-for': Role.ForwardedFor,
  host: Role.Vhost,
};

/** The format string of a `LogFormat` directive or of a quoted string; a bare format as it is. */
function unwrap(text: string): string {
  let s = text.trim();
  const directive = /^LogFormat\s+/i.exec(s);
  if (directive) s = s.slice(directive[0].length);
  if (s.startsWith('"')) {
    let out = '';
    let p = 1;
    for (; p < s.length && s[p] !== '"'; p++) {
      if (s[p] === '\\' && p + 1 < s.length && (s[p + 1] === '"' || s[p + 1] === '\\')) p++;
      out += s[p];
    }
    if (p >= s.length) throw new LogsiftError('--log-format: unterminated "..." in the LogFormat string');
    return out;
  }
  return directive ? s.split(/\s+/)[0] : text;
}

/** Apache's own escapes in a format string: \n, \t, and a backslash before anything else is that thing. */
function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

export function compileApache(text: string): CompiledSpec {
  const format = unescape(unwrap(text));
  const builder = new SpecBuilder();
  const statuses: Array<{ final: boolean; field: FieldSpec }> = [];
  const add = (field: FieldSpec): void => void builder.field(field);
  let p = 0;
  while (p < format.length) {
    const percent = format.indexOf('%', p);
    if (percent < 0) {
      builder.literal(format.slice(p));
      break;
    }
    builder.literal(format.slice(p, percent));
    const m = /^(!?[\d,]*)([<>]?)(?:\{([^}]*)\})?(\^t[io]|[A-Za-z%])/.exec(format.slice(percent + 1));
    if (!m) throw new LogsiftError(`--log-format: cannot read the directive at '${format.slice(percent, percent + 12)}'`);
    const [whole, , which, arg, letter] = m;
    p = percent + 1 + whole.length;
    const name = `%${whole}`;
    switch (letter) {
      case '%':
        builder.literal('%');
        break;
      case 'h':
      case 'a':
        add({ kind: Kind.Text, role: Role.Client, name });
        break;
      case 't':
        if (arg === undefined) {
          builder.literal('[');
          add({ kind: Kind.ClfTime, role: Role.Time, name });
          builder.literal(']');
        } else {
          timeDirective(arg.replace(/^(begin|end):/, ''), name, builder);
        }
        break;
      case 's': {
        const field: FieldSpec = { kind: Kind.Status, role: Role.Status, name };
        statuses.push({ final: which === '>', field });
        add(field);
        break;
      }
      case 'r':
        add({ kind: Kind.Text, role: Role.Request, name });
        break;
      case 'm':
        add({ kind: Kind.Text, role: Role.Method, name });
        break;
      case 'U':
        add({ kind: Kind.Text, role: Role.Path, name });
        break;
      case 'v':
      case 'V':
        add({ kind: Kind.Text, role: Role.Vhost, name });
        break;
      case 'i':
        add({ kind: Kind.Text, role: HEADER_ROLES[(arg ?? '').toLowerCase()] ?? Role.None, name });
        break;
      default:
        add({ kind: Kind.Text, role: Role.None, name });
    }
  }
  // With both %s and %>s, the final status counts; the other is read but not used.
  const demoted = statuses.some((s) => s.final) ? statuses.filter((s) => !s.final).map((s) => s.field) : [];
  return builder.build('apache', 'default', (field) => (demoted.includes(field) ? { ...field, kind: Kind.Digits, role: Role.None } : field));
}

/** %{...}t: epoch forms, fractions, or an strftime format compiled into self-delimiting parts. */
function timeDirective(arg: string, name: string, builder: SpecBuilder): void {
  const add = (field: Omit<FieldSpec, 'name'>): void => void builder.field({ ...field, name });
  switch (arg) {
    case 'sec': return add({ kind: Kind.Epoch, role: Role.Time, units: 1 });
    case 'msec': return add({ kind: Kind.Epoch, role: Role.Time, units: 1e3 });
    case 'usec': return add({ kind: Kind.Epoch, role: Role.Time, units: 1e6 });
    case 'msec_frac':
    case 'usec_frac': return add({ kind: Kind.Digits, role: Role.None });
  }
  compileStrftime(arg, name, builder, add);
}

const STRFTIME_PARTS: Readonly<Record<string, Kind>> = {
  Y: Kind.Year4,
  y: Kind.Year2,
  m: Kind.Month2,
  b: Kind.MonthName,
  h: Kind.MonthName,
  B: Kind.MonthName,
  d: Kind.Day2,
  e: Kind.DayPadded,
  H: Kind.Hour2,
  k: Kind.HourPadded,
  I: Kind.Hour12,
  l: Kind.HourPadded,
  M: Kind.Minute2,
  S: Kind.Second2,
  p: Kind.AmPm,
  z: Kind.Offset,
  Z: Kind.Letters,
  a: Kind.Letters,
  A: Kind.Letters,
  u: Kind.Digits,
  w: Kind.Digits,
};

const STRFTIME_SHORTHANDS: Readonly<Record<string, string>> = {
  T: '%H:%M:%S',
  R: '%H:%M',
  D: '%m/%d/%y',
  F: '%Y-%m-%d',
  r: '%I:%M:%S %p',
};

function compileStrftime(format: string, name: string, builder: SpecBuilder, add: (f: Omit<FieldSpec, 'name'>) => void): void {
  for (let p = 0; p < format.length; p++) {
    const c = format[p];
    if (c !== '%') {
      builder.literal(c);
      continue;
    }
    const conversion = format[++p];
    if (conversion === '%') builder.literal('%');
    else if (conversion === 'n') builder.literal('\n');
    else if (conversion === 't') builder.literal('\t');
    else if (conversion === 's') add({ kind: Kind.Epoch, role: Role.Time, units: 1 });
    else if (conversion !== undefined && STRFTIME_SHORTHANDS[conversion]) {
      compileStrftime(STRFTIME_SHORTHANDS[conversion], name, builder, add);
    } else if (conversion !== undefined && STRFTIME_PARTS[conversion] !== undefined) {
      add({ kind: STRFTIME_PARTS[conversion], role: Role.Time });
    } else {
      throw new LogsiftError(`--log-format: ${name} uses %${conversion ?? ''}, which logsift cannot read back (use %d/%b/%Y:%H:%M:%S %z and the like)`);
    }
  }
}

export const apacheDefinition: FormatDefinition = {
  name: 'apache',
  description: 'Apache LogFormat given with --log-format',
  create(options) {
    if (!options.logFormat) throw new LogsiftError('--format apache needs --log-format with the LogFormat string');
    return new CompiledFormat(compileApache(options.logFormat));
  },
};

// nginx `log_format`, as pasted from the configuration: either the format string itself
//
//   $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
//
// or the whole directive, `log_format main [escape=default|json|none] '...' '...';` (its strings are joined).
// Variables are `$name` or `${name}`. The ones logsift understands give the client, time, status and details;
// any other variable is an opaque field. nginx writes `-` for an empty variable and escapes `"`, `\` and
// control bytes as `\xHH` (kept as written), or JSON escapes with escape=json (undone by `text`).

import { LogsiftError } from '../base/errors.js';
import { CompiledFormat } from './compiled.js';
import { Kind, Role, SpecBuilder, type CompiledSpec, type FieldSpec } from './format-spec.js';
import type { FormatDefinition } from './fields.js';

const VARIABLES: Readonly<Record<string, Omit<FieldSpec, 'name'>>> = {
  remote_addr: { kind: Kind.Text, role: Role.Client },
  realip_remote_addr: { kind: Kind.Text, role: Role.Client },
  time_local: { kind: Kind.ClfTime, role: Role.Time },
  time_iso8601: { kind: Kind.IsoTime, role: Role.Time },
  msec: { kind: Kind.Epoch, role: Role.Time, units: 1 },
  status: { kind: Kind.Status, role: Role.Status },
  request: { kind: Kind.Text, role: Role.Request },
  request_method: { kind: Kind.Text, role: Role.Method },
  request_uri: { kind: Kind.Text, role: Role.Path },
  uri: { kind: Kind.Text, role: Role.Path },
  document_uri: { kind: Kind.Text, role: Role.Path },
  http_referer: { kind: Kind.Text, role: Role.Referrer },
  http_user_agent: { kind: Kind.Text, role: Role.UserAgent },
  http_x_forwarded_for: { kind: Kind.Text, role: Role.ForwardedFor },
  proxy_add_x_forwarded_for: { kind: Kind.Text, role: Role.ForwardedFor },
  host: { kind: Kind.Text, role: Role.Vhost },
  http_host: { kind: Kind.Text, role: Role.Vhost },
  server_name: { kind: Kind.Text, role: Role.Vhost },
};

/** The strings of a `log_format` directive joined, and its escape= parameter; a bare format as it is. */
function unwrapDirective(text: string): { format: string; escape: CompiledSpec['escape'] } {
  const trimmed = text.trim();
  if (!/^log_format\s/.test(trimmed)) {
    return { format: text, escape: trimmed.startsWith('{') ? 'json' : 'default' };
  }
  let p = 'log_format'.length;
  const words: string[] = [];
  let escape: CompiledSpec['escape'] = 'default';
  let format = '';
  while (p < trimmed.length) {
    const c = trimmed[p];
    if (/\s/.test(c)) {
      p++;
    } else if (c === ';') {
      break;
    } else if (c === "'" || c === '"') {
      let q = p + 1;
      let s = '';
      while (q < trimmed.length && trimmed[q] !== c) {
        if (trimmed[q] === '\\' && q + 1 < trimmed.length) {
          const e = trimmed[++q];
          s += e === 't' ? '\t' : e === 'n' ? '\n' : e === 'r' ? '\r' : e;
        } else {
          s += trimmed[q];
        }
        q++;
      }
      if (q >= trimmed.length) throw new LogsiftError(`--log-format: unterminated ${c}...${c} string in the log_format directive`);
      format += s;
      p = q + 1;
    } else {
      let q = p;
      while (q < trimmed.length && !/[\s;]/.test(trimmed[q])) q++;
      const word = trimmed.slice(p, q);
      const param = /^escape=(default|json|none)$/.exec(word);
      if (param) escape = param[1] as CompiledSpec['escape'];
      else if (words.length === 0 && format === '') words.push(word); // the format's name
      else format += word;
      p = q;
    }
  }
  if (format === '') throw new LogsiftError('--log-format: the log_format directive has no format string');
  return { format, escape };
}

export function compileNginx(text: string): CompiledSpec {
  const { format, escape } = unwrapDirective(text);
  const builder = new SpecBuilder();
  let p = 0;
  while (p < format.length) {
    const dollar = format.indexOf('$', p);
    if (dollar < 0) {
      builder.literal(format.slice(p));
      break;
    }
    builder.literal(format.slice(p, dollar));
    let name: string;
    let after: number;
    if (format[dollar + 1] === '{') {
      const close = format.indexOf('}', dollar + 2);
      if (close < 0) throw new LogsiftError(`--log-format: unterminated \${ in '${format}'`);
      name = format.slice(dollar + 2, close);
      after = close + 1;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(format.slice(dollar + 1));
      if (!m) {
        builder.literal('$'); // a lone $ is literal
        p = dollar + 1;
        continue;
      }
      name = m[0];
      after = dollar + 1 + name.length;
    }
    const known = VARIABLES[name];
    builder.field({ ...(known ?? { kind: Kind.Text, role: Role.None }), name: `$${name}` });
    p = after;
  }
  return builder.build('nginx', escape);
}

/** Whether a format string looks like nginx's (it has `$variables`). */
export function looksLikeNginx(text: string): boolean {
  return /^\s*log_format\s/.test(text) || /\$(\{)?[A-Za-z_]/.test(text);
}

export const nginxDefinition: FormatDefinition = {
  name: 'nginx',
  description: 'nginx log_format given with --log-format',
  create(options) {
    if (!options.logFormat) throw new LogsiftError('--format nginx needs --log-format with the log_format string');
    return new CompiledFormat(compileNginx(options.logFormat));
  },
};

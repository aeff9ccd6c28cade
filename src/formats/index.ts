// The formats logsift reads, by name: the registry. Detection of a file's format is in detect.ts.

import { LogsiftError } from '../base/errors.js';
import { albDefinition } from './alb.js';
import { apacheDefinition } from './apache-format.js';
import { combinedFormat, commonFormat, vcombinedFormat } from './clf.js';
import { cloudfrontDefinition } from './cloudfront.js';
import { composeDefinition, COMPOSE_PREFIX } from './compose.js';
import { customFormatName } from './detect.js';
import { elbDefinition } from './elb.js';
import { clientFromForwardedFor } from './forwarded.js';
import type { FormatDefinition, FormatOptions, LineFormat } from './fields.js';
import { haproxyDefinition } from './haproxy.js';
import { caddyDefinition, checkJsonFields, jsonFormatDefinition } from './json.js';
import { nginxDefinition } from './nginx-format.js';
import { w3cDefinition } from './w3c.js';
import { checkW3cFields } from './w3c-layout.js';

export { LineFields, type FormatDefinition, type FormatOptions, type LineFormat } from './fields.js';
export { chooseFormat, countClf, detectFormat, type ClfSampleCounter, type ClfSampleCounts, type Detection } from './detect.js';
export { COMPOSE_PREFIX } from './compose.js';

function stateless(format: LineFormat, description: string): FormatDefinition {
  return { name: format.name, description, forwardedFor: false, create: () => format };
}

/** Every format, in the order `--help` lists them. */
export const FORMATS: readonly FormatDefinition[] = [
  stateless(commonFormat, 'NCSA Common Log Format'),
  stateless(combinedFormat, 'NCSA Combined (Apache and nginx default)'),
  stateless(vcombinedFormat, 'Combined with a leading vhost:port'),
  w3cDefinition,
  cloudfrontDefinition,
  albDefinition,
  elbDefinition,
  haproxyDefinition,
  caddyDefinition,
  jsonFormatDefinition,
  nginxDefinition,
  apacheDefinition,
];

export const FORMAT_NAMES: readonly string[] = ['auto', ...FORMATS.map((f) => f.name)];

/** The named format; `compose:NAME` is NAME behind docker compose's line prefixes (formats/compose.ts). */
export function formatDefinition(name: string): FormatDefinition | undefined {
  if (name.startsWith(COMPOSE_PREFIX)) {
    const inner = FORMATS.find((f) => f.name === name.slice(COMPOSE_PREFIX.length));
    return inner && composeDefinition(inner);
  }
  return FORMATS.find((f) => f.name === name);
}

/** Whether `name` is a format `--format` takes: auto, one of FORMATS, or `compose:` and a stateless one. */
export function isFormatName(name: string): boolean {
  return name === 'auto' || formatDefinition(name) !== undefined;
}

/** The format behind the compose prefix, or the name itself. */
function baseFormatName(name: string): string {
  return name.startsWith(COMPOSE_PREFIX) ? name.slice(COMPOSE_PREFIX.length) : name;
}

/**
 * A parser for the named format, configured by `options`; stateful formats get a fresh instance each time.
 * Throws a LogsiftError for an unknown name or a bad custom format string.
 */
export function createFormat(name: string, options: FormatOptions = {}): LineFormat {
  const definition = formatDefinition(name);
  if (!definition) throw new LogsiftError(`unknown format '${name}': use one of ${FORMAT_NAMES.join(', ')}`);
  const format = definition.create(options);
  return options.clientFrom === 'xff' ? clientFromForwardedFor(format) : format;
}

/** The format with its defaults (no custom options), or undefined for an unknown name. */
export function formatByName(name: string): LineFormat | undefined {
  return formatDefinition(name)?.create({});
}

/**
 * Checks a run's format settings before any work, so a bad one fails at once with one clear message; returns
 * them with unset options left out.
 */
export function checkFormatOptions(format: string, options: FormatOptions): FormatOptions {
  if (!isFormatName(format)) {
    throw new LogsiftError(`unknown format '${format}': use one of ${FORMAT_NAMES.join(', ')}, or compose:NAME (not w3c or cloudfront) for docker compose logs`);
  }
  const base = baseFormatName(format);
  const { logFormat, jsonFields, clientFrom, w3cFields } = options;
  const checked: { -readonly [K in keyof FormatOptions]: FormatOptions[K] } = {};
  if (clientFrom !== undefined && clientFrom !== 'client' && clientFrom !== 'xff') {
    throw new LogsiftError(`--client-from must be 'client' or 'xff', got '${String(clientFrom)}'`);
  }
  if (clientFrom !== undefined) checked.clientFrom = clientFrom;
  if (logFormat !== undefined) {
    if (base !== 'auto' && base !== 'nginx' && base !== 'apache') {
      throw new LogsiftError(`--log-format goes with --format auto, nginx or apache, not ${format}`);
    }
    if (logFormat.trim() === '') throw new LogsiftError('--log-format is empty');
    checked.logFormat = logFormat;
    createFormat(base === 'auto' ? customFormatName(logFormat) : base, checked); // a bad string fails here
  } else if (base === 'nginx' || base === 'apache') {
    throw new LogsiftError(`--format ${format} needs --log-format with the server's format string`);
  }
  if (jsonFields !== undefined) {
    if (base !== 'auto' && base !== 'json' && base !== 'caddy') {
      throw new LogsiftError(`--json-fields is for JSON lines (--format json or caddy), not ${format}`);
    }
    checkJsonFields(jsonFields);
    checked.jsonFields = { ...jsonFields };
  }
  if (w3cFields !== undefined) {
    if (format !== 'auto' && format !== 'w3c' && format !== 'cloudfront') {
      throw new LogsiftError(`--w3c-fields is for W3C extended logs (--format w3c or cloudfront), not ${format}`);
    }
    checked.w3cFields = checkW3cFields(w3cFields);
  }
  return checked;
}

/** Formats named in a run that never log X-Forwarded-For, for the `--client-from xff` warning. */
export function logsForwardedFor(format: string): boolean {
  return formatDefinition(format)?.forwardedFor !== false;
}

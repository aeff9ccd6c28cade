// The command line's flags, parsed into the library's options and what the command line itself does with the
// result (where it goes, what is printed, the exit status). Nothing here analyses anything. The help text is
// cli/help.ts; the words are arranged for commander by cli/argv.ts first.

import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { KEY_FIELDS } from '../options/key-fields.js';
import { DEFAULT_ERROR_CODES, DEFAULT_THRESHOLD, type AnalyzeOptions } from '../options/analyze-options.js';
import type { InternalOptions } from '../options/internal-options.js';
import { COMPOSE_PREFIX, FORMAT_NAMES, isFormatName } from '../formats/index.js';
import { OUTPUT_FORMATS } from '../sinks/output.js';
import { COLOR_CHOICES, type ColorChoice } from '../sinks/color.js';
import { arrangeArgs, type FlagShape } from './argv.js';
import { DEFAULT_INPUT, DEFAULT_OUTPUT, DEFAULT_TOP } from './defaults.js';
import { configureGroupedHelp } from './help.js';

/** Where the inputs came from: named, stdin because it is a pipe and none was named, or the shipped sample. */
export type InputSource = 'given' | 'stdin' | 'default';

export interface CliOptions {
  readonly analyze: AnalyzeOptions & InternalOptions;
  readonly inputSource: InputSource;
  /** A path, or `-` for stdout. */
  readonly output: string;
  /** `csv`, `json` or `ndjson`; undefined: from the output file's extension. */
  readonly outputFormat?: string;
  /** Rows in the printed table; 0: no table. */
  readonly top: number;
  readonly progress: boolean;
  readonly quiet: boolean;
  /** Exit with FOUND_EXIT_STATUS when at least one group is reported. */
  readonly failIfFound: boolean;
  readonly color: ColorChoice;
  /** Cluster run: the Redis URL of the queue (--redis, else LOGSIFT_REDIS); undefined for a local run. */
  readonly redis?: string;
  /** Key cells a spreadsheet would run as formulas prefixed with `'` (sinks/csv.ts CsvOptions). */
  readonly csvSafe: boolean;
  /** `--html PATH`: the HTML report too. */
  readonly html?: string;
}

/** The exit status of --fail-if-found when a group passed the threshold (0: none did; 1: an error). */
export const FOUND_EXIT_STATUS = 3;

/** Format names the command line also takes, for the name users know. */
const FORMAT_ALIASES: Readonly<Record<string, string>> = { clf: 'common', ncsa: 'common' };

const integerParser =
  (flag: string, min: number, what: string) =>
  (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(`${flag} must be ${what}, got "${value}"`);
    }
    return Number(value);
  };

/**
 * One or more statuses per word (`400 401`, `400,401`, `4xx`, `500-599`), accumulated over the words.
 * Each item is checked by the library (options/codes.ts), which names the bad one.
 */
function statusItems(value: string, previous: string[] | undefined): string[] {
  const items = value.split(',').filter((part) => part !== '');
  if (items.length === 0) throw new InvalidArgumentError('--errorcodes needs at least one status code, class or range');
  return [...(previous ?? []), ...items];
}

/**
 * Words of a list option (`--by`, `--include-ip` ...), each possibly comma-separated, accumulated. An empty value
 * (`--include-ip ''`, an unset shell variable) is refused: it would silently mean "no filter".
 */
function listItems(what: string): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous) => {
    const items = value.split(',').filter((part) => part.trim() !== '');
    if (items.length === 0) throw new InvalidArgumentError(`needs at least one ${what}.`);
    return [...(previous ?? []), ...items];
  };
}

/** `role=path,role=path` as an object. */
function jsonFields(value: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new InvalidArgumentError(`--json-fields: "${pair}" is not role=key.path`);
    const role = pair.slice(0, eq).trim();
    if (Object.hasOwn(fields, role)) throw new InvalidArgumentError(`--json-fields: role '${role}' is given twice (${fields[role]}, ${pair.slice(eq + 1).trim()})`);
    fields[role] = pair.slice(eq + 1).trim();
  }
  return fields;
}

/** `--w3c-fields "date time c-ip ..."`: the names as a `#Fields:` line gives them (spaces or commas). */
function w3cFieldNames(value: string): string[] {
  const names = value.replace(/^\s*#Fields:/i, '').split(/[\s,]+/).filter((name) => name !== '');
  if (names.length === 0) throw new InvalidArgumentError('--w3c-fields: name the fields as the #Fields: line would (date time c-ip ...)');
  return names;
}

function formatName(value: string): string {
  const lower = value.toLowerCase();
  const compose = lower.startsWith(COMPOSE_PREFIX) ? COMPOSE_PREFIX : '';
  const inner = lower.slice(compose.length);
  const name = compose + (FORMAT_ALIASES[inner] ?? inner);
  if (!isFormatName(name)) {
    throw new InvalidArgumentError(`--format must be one of ${FORMAT_NAMES.join(', ')} (or clf for common), or compose:NAME for docker compose logs (not w3c or cloudfront), got "${value}"`);
  }
  return name;
}

export function buildProgram(version: string): Command {
  const program = new Command()
    .name('logsift')
    .description('Find the clients (or paths) behind many error responses in web-server access logs.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help; `logsift help formats` lists the log formats')
    .argument('[logs...]', 'access logs, as with --input')
    // Inputs
    .addOption(new Option('-i, --input <path...>', "access logs: files, folders, globs ('access.log*'), - for stdin"))
    .option('--skip-unreadable', 'go on without inputs that are missing or unreadable (and say which)')
    .addOption(new Option('--format <name>', 'log format; auto: detected per file (see logsift help formats)').argParser(formatName).default('auto'))
    .option('--log-format <string>', "the server's own format string: nginx log_format or Apache LogFormat")
    .option('--json-fields <list>', 'JSON lines: key paths by role (client=request.remote_ip,status=status)', jsonFields)
    .option('--w3c-fields <names>', 'W3C: the fields of a file cut without its #Fields: line ("date time c-ip cs-method ...")', w3cFieldNames)
    .addOption(new Option('--client-from <source>', 'client key: the connecting address or the first X-Forwarded-For one').choices(['client', 'xff']).default('client'))
    .option('--strict', 'a line that does not fit its format is an error (default: skipped, counted)')
    // What counts
    .addOption(
      new Option(
        '-e, --errorcodes <code...>',
        `statuses that count: codes, classes (4xx), ranges (500-599); also --error-codes (default: ${DEFAULT_ERROR_CODES.join(' ')})`,
      ).argParser(statusItems),
    )
    .option('--threshold <n>', `report groups with at least n matching responses (default: ${DEFAULT_THRESHOLD})`, integerParser('--threshold', 1, 'a positive integer'))
    .option('--since <time>', 'only entries from this time on: ISO 8601 (UTC unless it has an offset) or a duration before the newest entry (2h)')
    .option('--until <time>', 'only entries before this time (same forms as --since)')
    .addOption(new Option('--include-ip <block...>', 'only clients in these CIDR blocks or addresses (IPv4, IPv6)').argParser(listItems('CIDR block or address')))
    .addOption(new Option('--exclude-ip <block...>', 'leave out clients in these blocks or addresses').argParser(listItems('CIDR block or address')))
    // Grouping and windows
    .addOption(new Option('--by <field...>', `group by these fields (spaces or commas): ${KEY_FIELDS.join(', ')} (default: ip)`).argParser(listItems('field')))
    .option('--keep-query', 'with --by path: keep the query string (default: cut at ?)')
    .option('--window <duration>', 'the threshold applies within some window this long (30s, 10m, 1h, 1d)')
    .option('--most <n>', 'report the n groups with the most matching responses, whatever the threshold', integerParser('--most', 1, 'a positive integer'))
    // Output
    .option('-o, --output <path>', `file to write, replaced atomically; - for stdout (default: ${DEFAULT_OUTPUT})`)
    .addOption(new Option('--output-format <format>', 'csv, json, ndjson or html (default: from the extension: .json, .ndjson/.jsonl, .html, else csv)').choices(OUTPUT_FORMATS))
    .option('--html <path>', 'also write the report as one self-contained HTML page (the inputs are read twice)')
    .option('--top <n>', `rows in the printed table; 0: no table (default: ${DEFAULT_TOP})`, integerParser('--top', 0, 'a whole number'))
    .option('--csv-safe', "prefix CSV cells starting with = + - @ with ' so a spreadsheet does not run them as formulas")
    .option('-q, --quiet', 'print nothing but errors')
    .option('--fail-if-found', `exit with status ${FOUND_EXIT_STATUS} when any group is reported (0 when none; 1 on an error)`)
    .addOption(new Option('--color <when>', 'colour: auto (a terminal, unless NO_COLOR or TERM=dumb), always, never').choices(COLOR_CHOICES).default('auto'))
    .option('--no-progress', 'never show the progress bar')
    // Performance
    .option('-t, --threads <n>', `producer threads; any n gives the same result (default: one per CPU, ${availableParallelism()} here)`, integerParser('--threads', 1, 'a positive integer'))
    // Cluster (cluster/): the same run, its tasks scanned by `logsift worker` processes through BullMQ on Redis.
    .option('--redis <url>', 'run on a cluster of `logsift worker`s: the Redis of its queue, redis://[user:pass@]host:port[/db] or rediss:// (env LOGSIFT_REDIS)')
    .addOption(new Option('--chunk-bytes <n>', 'size of one read (for testing)').argParser(integerParser('--chunk-bytes', 1, 'a positive integer')).hideHelp())
    .addOption(new Option('--range-bytes <n>', 'size of one unit of work (for testing)').argParser(integerParser('--range-bytes', 1, 'a positive integer')).hideHelp())
    .addOption(new Option('--no-kernel', 'scan with the JS parser instead of the WebAssembly kernel').hideHelp())
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
  return configureGroupedHelp(program);
}

interface RawOptions {
  input?: string[];
  skipUnreadable?: boolean;
  output?: string;
  threads?: number;
  threshold?: number;
  errorcodes?: string[];
  by?: string[];
  keepQuery?: boolean;
  window?: string;
  most?: number;
  since?: string;
  until?: string;
  includeIp?: string[];
  excludeIp?: string[];
  format: string;
  logFormat?: string;
  jsonFields?: Record<string, string>;
  w3cFields?: string[];
  clientFrom: 'client' | 'xff';
  strict?: boolean;
  top?: number;
  quiet?: boolean;
  failIfFound?: boolean;
  color: ColorChoice;
  outputFormat?: string;
  html?: string;
  progress: boolean;
  csvSafe?: boolean;
  chunkBytes?: number;
  rangeBytes?: number;
  kernel: boolean;
  redis?: string;
}

/** The flags' shapes, for the pre-pass that arranges the words (cli/argv.ts). */
function flagShapes(program: Command): FlagShape[] {
  return program.options.map((option) => ({
    long: option.long,
    short: option.short,
    takesValue: option.required || option.optional,
    variadic: option.variadic,
  }));
}

export interface ParseContext {
  /** Standard input is a pipe or a file (not a terminal): read it when no input is named. */
  readonly stdinIsPipe?: boolean;
}

/** Parses argv (without node and the script); commander reports usage errors itself and exits. */
export function parseCli(program: Command, argv: readonly string[], context: ParseContext = {}): CliOptions {
  program.parse(arrangeArgs(argv, flagShapes(program)), { from: 'user' });
  const raw = program.opts<RawOptions>();
  const named = [...(raw.input ?? []), ...((program.processedArgs[0] as string[] | undefined) ?? [])];
  const inputSource: InputSource = named.length > 0 ? 'given' : context.stdinIsPipe ? 'stdin' : 'default';
  const input = inputSource === 'given' ? named : inputSource === 'stdin' ? ['-'] : [DEFAULT_INPUT];
  if (raw.logFormat !== undefined && FORMAT_NAMES.includes(raw.logFormat.trim().toLowerCase()) && raw.logFormat.trim() !== 'auto') {
    program.error(`--log-format takes your server's format string; for the built-in format write --format ${raw.logFormat.trim()}`);
  }
  if (raw.most !== undefined && raw.threshold !== undefined) {
    program.error('--most reports the top groups whatever the threshold: give --most or --threshold, not both');
  }
  return {
    analyze: {
      input,
      skipUnreadable: raw.skipUnreadable ?? false,
      threads: raw.threads ?? availableParallelism(),
      threshold: raw.threshold ?? DEFAULT_THRESHOLD,
      ...(raw.most !== undefined ? { most: raw.most } : {}),
      errorCodes: raw.errorcodes ?? DEFAULT_ERROR_CODES,
      by: raw.by ?? ['ip'],
      keepQuery: raw.keepQuery,
      window: raw.window,
      since: raw.since,
      until: raw.until,
      includeIp: raw.includeIp,
      excludeIp: raw.excludeIp,
      format: raw.format,
      logFormat: raw.logFormat,
      jsonFields: raw.jsonFields,
      ...(raw.w3cFields !== undefined ? { w3cFields: raw.w3cFields } : {}),
      clientFrom: raw.clientFrom,
      strict: raw.strict ?? false,
      chunkBytes: raw.chunkBytes,
      rangeBytes: raw.rangeBytes,
      kernel: raw.kernel,
    },
    inputSource,
    output: raw.output ?? DEFAULT_OUTPUT,
    outputFormat: raw.outputFormat,
    top: raw.top ?? DEFAULT_TOP,
    progress: raw.progress && !raw.quiet,
    quiet: raw.quiet ?? false,
    failIfFound: raw.failIfFound ?? false,
    color: raw.color,
    csvSafe: raw.csvSafe ?? false,
    ...redisFrom(raw.redis),
    ...(raw.html !== undefined ? { html: raw.html } : {}),
  };
}

/** The cluster's Redis URL: the flag, else LOGSIFT_REDIS (checked by cluster/redis-connection.ts). */
function redisFrom(flag: string | undefined): { redis?: string } {
  const url = flag ?? (process.env.LOGSIFT_REDIS || undefined);
  return url === undefined ? {} : { redis: url };
}

// The command line of the brief, parsed into engine options. Nothing here analyses anything.

import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { KEY_FIELDS } from '../options/key-fields.js';
import { DEFAULT_ERROR_CODES, DEFAULT_THRESHOLD, type AnalyzeOptions } from '../options/analyze-options.js';
import { FORMAT_NAMES } from '../formats/index.js';
import { OUTPUT_FORMATS } from '../sinks/output.js';
import { DEFAULT_INPUT, DEFAULT_OUTPUT } from './defaults.js';

export interface CliOptions {
  readonly analyze: AnalyzeOptions;
  readonly output: string;
  /** `csv`, `json` or `ndjson`; undefined: from the output file's extension. */
  readonly outputFormat?: string;
  readonly top: number;
  readonly progress: boolean;
  /** `--html PATH`: the HTML report too. */
  readonly html?: string;
}


function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('must be a positive integer.');
  }
  return Number(value);
}

/**
 * One or more statuses per word (`400 401`, `400,401`, `4xx`, `500-599`), accumulated over the variadic words.
 * Each item is checked by the engine (options/codes.ts), which names the bad one.
 */
function statusItems(value: string, previous: string[] | undefined): string[] {
  const items = value.split(',').filter((part) => part !== '');
  if (items.length === 0) throw new InvalidArgumentError('needs at least one status code, class or range.');
  return [...(previous ?? []), ...items];
}

/** Words of a variadic list option, each possibly comma-separated. */
function listItems(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter((part) => part !== '')];
}

/** `role=path,role=path` as an object. */
function jsonFields(value: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new InvalidArgumentError(`'${pair}' is not role=key.path.`);
    fields[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return fields;
}

const EXAMPLES = `
Examples:
  $ logsift                                   # data/sample.log -> data/output.csv
  $ logsift --input /var/log/nginx/access.log --output /tmp/errors.csv
  $ logsift --input '/var/log/nginx/access.log*'  # a rotated set (.1, .2.gz ...) as one log
  $ logsift --input logs/ other.log.gz       # every file in logs/, and a gzipped file
  $ zcat old.log.gz | logsift --input -       # stdin
  $ logsift --input 'logs/*.log' --skip-unreadable  # go on past files that cannot be read (and say which)
  $ logsift --threads 12                      # the brief's 12 works; default: one per CPU (${availableParallelism()} here)
  $ logsift --threshold 50                    # only clients with at least 50 matching errors
  $ logsift --errorcodes 400 401 500 503      # count only these statuses (space- or comma-separated)
  $ logsift --errorcodes 4xx 500-599          # a class or a range is one column (4xx, 500-599)
  $ logsift --by path                         # group by request path, query string cut
  $ logsift --by path --keep-query            # ... with the query string kept
  $ logsift --by ip,path                      # one row per client and path
  $ logsift --by user_agent --errorcodes 404  # fields: ${KEY_FIELDS.join(', ')}
  $ logsift --window 10m --threshold 50       # groups with at least 50 matching responses within some 10 minutes
  $ logsift --since 2024-05-01T08:00+02:00 --until 2024-05-01T12:00+02:00   # only entries in [since, until)
  $ logsift --since 2h                        # the last two hours before the newest entry (--until 1h likewise)
  $ logsift --exclude-ip 10.0.0.0/8 ::1       # leave out your own monitoring (IPv4 and IPv6 blocks or addresses)
  $ logsift --include-ip 203.0.113.0/24       # only these clients
  $ logsift --format common                   # skip detection
  $ logsift --log-format '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent'
  $ logsift --format json --json-fields client=ip,status=code,time=when
  $ logsift --client-from xff                 # key clients by the first X-Forwarded-For address
  $ logsift --strict                          # stop at the first line that does not fit the format
  $ logsift --top 5                           # show 5 rows in the printed table (the CSV has all)
  $ logsift --output errors.json              # JSON (schema/result.schema.json); .ndjson/.jsonl: one row per line
  $ logsift --output-format json --output errors.txt   # the format named, whatever the extension
  $ logsift --html report.html                # the CSV, and a report page to open in a browser (reads the input twice)
  $ logsift --output report.html              # only the report page
  $ logsift --no-progress                     # never draw the progress bar (it shows only on a terminal anyway)
  $ logsift --version                         # print the version
  $ logsift --help                            # this help

The CSV has the columns <key fields>,count,<one per code, class or range, ascending>,first_seen,last_seen
(with --window, then peak_window_count,peak_window_start); rows by peak (with --window), count, then key.
Exit status: 0 on success (even when no line parses), 1 on a usage or input error.`;

export function buildProgram(version: string): Command {
  return new Command()
    .name('logsift')
    .description('Report the clients that produced many error responses in a web-server access log.')
    .version(version, '-V, --version')
    .addOption(
      new Option('-i, --input <path...>', "access logs: files, folders, globs ('logs/access.log*'), - for stdin; gzip/zstd/bzip2 read as is")
        .default([DEFAULT_INPUT], DEFAULT_INPUT),
    )
    .option('--skip-unreadable', 'go on without inputs that are missing or unreadable (reported) instead of stopping')
    .option('-o, --output <path>', 'file to write: CSV, or JSON/NDJSON (see --output-format); replaced atomically', DEFAULT_OUTPUT)
    .option('-t, --threads <n>', 'producer threads (any n >= 1 gives the same result)', positiveInteger, availableParallelism())
    .option('--threshold <n>', 'report clients (groups) with at least n matching responses (within one window, with --window)', positiveInteger, DEFAULT_THRESHOLD)
    .addOption(
      new Option(
        '-e, --errorcodes <code...>',
        `statuses that count: codes, classes (4xx), ranges (500-599) (default: ${DEFAULT_ERROR_CODES.join(' ')})`,
      ).argParser(statusItems),
    )
    .option('--by <fields>', `group by these fields, comma-separated: ${KEY_FIELDS.join(', ')}`, 'ip')
    .option('--keep-query', 'with --by path: keep the query string (default: cut at ?)')
    .option('--window <duration>', 'threshold within any window this long (30s, 10m, 1h, 1d) instead of in total')
    .option('--since <time>', 'only entries from this time on: ISO 8601 (UTC without offset) or a duration before the newest entry (2h)')
    .option('--until <time>', 'only entries before this time (same forms as --since)')
    .addOption(new Option('--include-ip <block...>', 'only clients in these CIDR blocks or addresses (IPv4, IPv6)').argParser(listItems))
    .addOption(new Option('--exclude-ip <block...>', 'leave out clients in these CIDR blocks or addresses').argParser(listItems))
    .addOption(new Option('--format <name>', 'log format (auto: detected per file)').choices(FORMAT_NAMES).default('auto'))
    .option('--log-format <string>', "the server's own format string: nginx log_format or Apache LogFormat")
    .option('--json-fields <list>', 'JSON lines: key paths by role, e.g. client=request.remote_ip,status=status,time=ts', jsonFields)
    .addOption(new Option('--client-from <source>', 'client key: connecting address or first X-Forwarded-For address').choices(['client', 'xff']).default('client'))
    .option('--strict', 'a line that does not fit its format is an error (default: skipped and counted)')
    .addOption(
      new Option('--output-format <format>', 'csv, json, ndjson or html (default: from the output extension: .json, .ndjson/.jsonl, .html, else csv)').choices(
        OUTPUT_FORMATS,
      ),
    )
    .option('--html <path>', 'also write the report as one self-contained HTML page (the inputs are read twice)')
    .option('--top <n>', 'rows in the printed table', positiveInteger, 20)
    .option('--no-progress', 'never show the progress bar')
    .addOption(new Option('--chunk-bytes <n>', 'size of one read (for testing)').argParser(positiveInteger).hideHelp())
    .addOption(new Option('--range-bytes <n>', 'size of one unit of work (for testing)').argParser(positiveInteger).hideHelp())
    .addOption(new Option('--no-kernel', 'scan with the JS parser instead of the WebAssembly kernel').hideHelp())
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
}

interface RawOptions {
  input: string[];
  skipUnreadable?: boolean;
  output: string;
  threads: number;
  threshold: number;
  errorcodes?: string[];
  by: string;
  keepQuery?: boolean;
  window?: string;
  since?: string;
  until?: string;
  includeIp?: string[];
  excludeIp?: string[];
  format: string;
  logFormat?: string;
  jsonFields?: Record<string, string>;
  clientFrom: 'client' | 'xff';
  strict?: boolean;
  top: number;
  outputFormat?: string;
  html?: string;
  progress: boolean;
  chunkBytes?: number;
  rangeBytes?: number;
  kernel: boolean;
}

/** Parses argv (without node and the script); commander reports usage errors itself and exits. */
export function parseCli(program: Command, argv: readonly string[]): CliOptions {
  program.parse(argv, { from: 'user' });
  const raw = program.opts<RawOptions>();
  return {
    analyze: {
      input: raw.input,
      skipUnreadable: raw.skipUnreadable ?? false,
      threads: raw.threads,
      threshold: raw.threshold,
      errorCodes: raw.errorcodes ?? DEFAULT_ERROR_CODES,
      by: raw.by,
      keepQuery: raw.keepQuery,
      window: raw.window,
      since: raw.since,
      until: raw.until,
      includeIp: raw.includeIp,
      excludeIp: raw.excludeIp,
      format: raw.format,
      logFormat: raw.logFormat,
      jsonFields: raw.jsonFields,
      clientFrom: raw.clientFrom,
      strict: raw.strict ?? false,
      chunkBytes: raw.chunkBytes,
      rangeBytes: raw.rangeBytes,
      kernel: raw.kernel,
    },
    output: raw.output,
    outputFormat: raw.outputFormat,
    top: raw.top,
    progress: raw.progress,
    ...(raw.html !== undefined ? { html: raw.html } : {}),
  };
}

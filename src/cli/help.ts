// `logsift --help`, grouped by topic and wrapped at 80 columns (or a narrower terminal), with a few examples;
// and `logsift help formats`, the long list of log formats. Commander formats each flag; the groups are ours.

import type { Command, Help, Option } from 'commander';

/** The topics of --help and their flags (long names), in order. A flag not listed goes under "Other". */
const GROUPS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Inputs', ['--input', '--skip-unreadable', '--format', '--log-format', '--json-fields', '--w3c-fields', '--client-from', '--strict']],
  ['What counts', ['--errorcodes', '--threshold', '--since', '--until', '--include-ip', '--exclude-ip']],
  ['Grouping and windows', ['--by', '--keep-query', '--window', '--most']],
  ['Output', ['--output', '--output-format', '--html', '--csv-safe', '--top', '--quiet', '--fail-if-found', '--color', '--no-progress']],
  ['Performance', ['--threads', '--redis']],
];

const WIDEST_HELP = 80;

const EXAMPLES = `Examples:
  $ logsift                            # the default job: data/sample.log
  $ logsift /var/log/nginx/access.log -o errors.csv
  $ logsift '/var/log/nginx/access.log*'   # a rotated set, oldest first
  $ zcat old.log.gz | logsift -o -     # stdin in, the CSV out on stdout
  $ logsift access.log -o - | sort -t, -k2 -rn | head
  $ logsift access.log --threshold 50 --errorcodes 401 403
  $ logsift access.log --errorcodes 4xx 500-599   # a class or range: a column
  $ logsift access.log --by path --errorcodes 404 --top 10
  $ logsift access.log --window 10m --threshold 20
  $ logsift x.log --since 2024-05-01T08:00+02:00 --until 2024-05-01T09:00+02:00
  $ logsift access.log --exclude-ip 10.0.0.0/8 ::1
  $ logsift access.log --most 10 -o top.json   # the 10 busiest, any threshold
  $ logsift access.log -q --fail-if-found      # exit 3 when a client is over
  (logsift help examples: one for every flag; logsift help formats: the formats)`;

/** Paragraphs, wrapped to the help's width. */
const NOTES: readonly string[] = [
  'Inputs are analysed as one log. Globs are expanded by logsift (quote them) and folders give their files, by name, except that a rotated set is read oldest first: access.log.3.gz, access.log.2, access.log.1, then access.log (dateext names, access.log-20240501, by date), so that --window reads it once. With no input, logsift reads stdin when it is a pipe, else the shipped sample (and says so).',
  '--since and --until without an offset are UTC, while the table shows times in the log\'s own offset: copy the offset too (2024-05-01T08:00+02:00). When no entry falls in the span given, the summary says so.',
  'A word after a list flag (--errorcodes, --by, --include-ip ...) that names a file is an input.',
  'The CSV: <key fields>,count,<a column per status>,first_seen,last_seen (with --window, then peak_window_count,peak_window_start). With -o -, it goes to stdout and the summary to stderr.',
  'Exit status: 0 on success (even when nothing passed the threshold), 1 on a usage or input error; with --fail-if-found, 3 when a group was reported.',
];

/** `logsift help formats`. */
export const FORMATS_HELP = `Log formats, for --format NAME (auto, the default, detects each file's
format from its first 64 KiB, read on to whole lines however long):

  common, clf    NCSA Common: host ident user [time] "request" status bytes
  combined       Common plus "referer" "user-agent" (Apache's, nginx's default)
  vcombined      Combined with a leading vhost:port (Apache's vhost_combined)
  w3c            W3C extended, as IIS writes it (#Fields: names the columns),
                 and as the draft allows (Oracle Web Cache, Incapsula: runs
                 of spaces, "quoted values", #GMT-Offset)
  cloudfront     Amazon CloudFront standard logs (TAB-separated, URL-encoded)
  alb            AWS Application Load Balancer
  elb            AWS Classic Load Balancer
  haproxy        HAProxy option httplog, with or without a syslog prefix
  caddy          Caddy's JSON access log
  json           JSON lines: Caddy, Traefik, nginx escape=json, or any keys
                 named with --json-fields
  nginx, apache  your server's own format string, given with --log-format
  compose:NAME   NAME behind docker compose logs' "name  | " prefixes
                 (detected: compose:combined, compose:json ...)

--log-format takes nginx's log_format string (or the whole directive) or
Apache's LogFormat string as it stands in the server's configuration:
  logsift --log-format '$remote_addr - [$time_local] "$request" $status'
  logsift --log-format 'LogFormat "%h %l %u %t \\"%r\\" %>s %b" common'
--json-fields role=key.path,... names the JSON keys (roles: client, status,
time, method, path, request, vhost, user_agent, referrer, xff).
--w3c-fields "date time c-ip ..." names the fields of a W3C file cut
without its #Fields: line (tail -n 1000 u_ex*.log).
--client-from xff keys clients by the first X-Forwarded-For address.
Compressed inputs (gzip, zstd, bzip2) are recognised by their first bytes.`;

/** `logsift help examples`: one or more for every flag. */
export const EXAMPLES_HELP = `Examples, by topic (each flag has one):

Inputs:
  $ logsift access.log other.log.gz    # named files, as with --input
  $ logsift --input logs/ 'old/*.gz'   # a folder's files and a glob
  $ zcat old.log.gz | logsift --input - access.log   # stdin and a file
  $ logsift 'logs/*.log' --skip-unreadable   # go on past unreadable files
  $ logsift u_ex151020.log --format w3c      # skip detection
  $ logsift access.log --format clf          # clf is common
  $ docker compose logs web | logsift -     # compose:NAME, detected
  $ logsift app.log --log-format '$remote_addr [$time_local] "$request" $status'
  $ logsift app.log --format json --json-fields client=ip,status=code,time=ts
  $ logsift cut.log --w3c-fields "date time c-ip cs-method cs-uri-stem sc-status"   # W3C without #Fields:
  $ logsift alb/ --client-from xff     # clients by X-Forwarded-For
  $ logsift access.log --strict        # a line that does not fit is an error

What counts:
  $ logsift access.log --errorcodes 400 401 500 503   # also --error-codes
  $ logsift access.log --errorcodes 4xx 500-599   # a class or range: a column
  $ logsift access.log --threshold 50
  $ logsift x.log --since 2024-05-01T08:00+02:00 --until 2024-05-01T12:00+02:00
  $ logsift access.log --since 2h      # the two hours before the newest entry
  $ logsift access.log --exclude-ip 10.0.0.0/8 192.0.2.7 ::1
  $ logsift access.log --include-ip 203.0.113.0/24

Grouping and windows:
  $ logsift access.log --by path       # which URLs fail most
  $ logsift access.log --by ip path --threshold 5      # or --by ip,path
  $ logsift access.log --by path --keep-query
  $ logsift access.log --window 10m --threshold 50   # bursts in 10 minutes
  $ logsift access.log --most 10       # the 10 busiest, whatever the threshold

Output:
  $ logsift access.log --output /tmp/errors.csv
  $ logsift access.log -o - | sort -t, -k2 -rn | head
  $ logsift access.log -o errors.json  # .json, .ndjson/.jsonl: JSON
  $ logsift access.log --output-format ndjson -o - | jq .key.ip
  $ logsift access.log --html report.html   # the CSV, and a page to open in a browser (reads the input twice)
  $ logsift access.log -o report.html       # only the report page
  $ logsift access.log --csv-safe -o errors.csv   # for a spreadsheet: no cell from the log runs as a formula
  $ logsift access.log --top 5         # 5 rows in the table (--top 0: none)
  $ logsift access.log --quiet --fail-if-found || echo "clients over it"
  $ logsift access.log --color always | less -R
  $ logsift access.log --no-progress

Performance:
  $ logsift access.log --threads 12    # any count; the same result
  $ logsift /mnt/logs/ --redis redis://queue:6379   # scanned by \`logsift worker\` processes; the same result

Other:
  $ logsift --version
  $ logsift --help`;

/** Help topics of `logsift help TOPIC`. */
export const HELP_TOPICS: Readonly<Record<string, string>> = { formats: FORMATS_HELP, examples: EXAMPLES_HELP };
/** The help's width: the terminal's, at most 80; 80 when not on a terminal. */
function helpWidth(): number {
  const columns = process.stdout.isTTY ? process.stdout.columns : Number(process.env.COLUMNS);
  return Number.isSafeInteger(columns) && columns > 40 ? Math.min(columns, WIDEST_HELP) : WIDEST_HELP;
}

function groupedHelp(cmd: Command, helper: Help): string {
  const width = helper.helpWidth ?? WIDEST_HELP;
  const options = helper.visibleOptions(cmd);
  const termWidth = Math.min(26, helper.padWidth(cmd, helper));
  const item = (option: Option): string => helper.formatItem(helper.optionTerm(option), termWidth, helper.optionDescription(option), helper);
  const listed = new Set(GROUPS.flatMap(([, longs]) => longs));
  const out = [`Usage: logsift [options] [logs...]`, '', helper.boxWrap(helper.commandDescription(cmd), width), ''];
  for (const [title, longs] of GROUPS) {
    out.push(`${title}:`);
    for (const long of longs) {
      const option = options.find((o) => o.long === long);
      if (option) out.push(item(option));
    }
    out.push('');
  }
  const other = options.filter((o) => !listed.has(o.long ?? ''));
  if (other.length > 0) out.push('Other:', ...other.map(item), '');
  out.push(EXAMPLES, '', 'Notes:', ...NOTES.map((paragraph) => helper.boxWrap(paragraph, width - 2).replace(/^/gm, '  ')), '');
  return out.join('\n');
}

/** Gives `program` the grouped help. */
export function configureGroupedHelp(program: Command): Command {
  return program.configureHelp({ helpWidth: helpWidth(), formatHelp: groupedHelp });
}

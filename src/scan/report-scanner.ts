// The HTML report's read: the inputs read once more, after the run, for what the report shows beyond the result
// (tables/report-data.ts): matching responses over time, and for each reported group only, its activity over
// time and (grouping by client) its top paths and user agents. It runs only when a report is asked for, so the
// default run never pays for it; it reads files (plain or compressed) from the start, one after the other, on
// the calling thread, with the JS parser. A pipe cannot be read twice: the caller refuses a report of one.
//
// A line counts here exactly as it counted in the run: the same status columns, the same time span (a relative
// one settled with the run's newest instant, so nothing is undecided), the same client filters, the same keys.
// Strings are made only for lines of reported groups, for their top paths and user agents.

import { ClientFilter } from '../analyses/client-filter.js';
import { KeyMaker } from '../analyses/key-maker.js';
import { OUT, TimeSpan } from '../analyses/time-span.js';
import { stampEpochSeconds } from '../base/time.js';
import { createFormat, type FormatOptions } from '../formats/index.js';
import type { Compression } from '../inputs/decompress.js';
import { RangeReader } from '../inputs/range-reader.js';
import { counted, fileChunks, scanStream, type FormatScan } from '../inputs/stream-reader.js';
import { parseAddressBlock } from '../options/address-blocks.js';
import { columnOfStatus, type StatusColumn } from '../options/codes.js';
import type { KeyField } from '../options/key-fields.js';
import type { SpanSpec } from '../options/span-spec.js';
import { GroupTable } from '../tables/group-table.js';
import { BucketSeries, seriesData, TopValues, type ReportData, type TopValue } from '../tables/report-data.js';
import { decodeKey } from '../tables/result.js';
import { LineScanner } from './line-scanner.js';

/** Buckets of the run's timeline, of one reported group's, and slots for each group's top values. */
export const TIMELINE_BUCKETS = 1200;
export const GROUP_BUCKETS = 48;
export const TOP_SLOTS = 16;
/** Top values shown per group. */
const TOP_SHOWN = 5;

/** How the run counted, as plain data. */
export interface ReportConfig {
  readonly formatOptions: FormatOptions;
  readonly statusColumns: readonly StatusColumn[];
  readonly by: readonly KeyField[];
  readonly keepQuery: boolean;
  readonly span?: SpanSpec;
  /** With a relative span: the run's newest instant (a stamp), which settles it. */
  readonly newest?: number;
  readonly includeIp: readonly string[];
  readonly excludeIp: readonly string[];
  readonly chunkBytes: number;
  /** The reported groups' keys, as the run's table holds them, in report order. */
  readonly reportedKeys: readonly Uint8Array[];
}

/** A file to read again, with the format its lines were parsed with. */
export interface ReportInput {
  readonly path: string;
  readonly compression: Compression;
  readonly format: string;
}

/** What the report's read gathers, shared by the scanners of every format met. */
class ReportState {
  readonly reported = new GroupTable(0);
  readonly span: TimeSpan | undefined;
  readonly clients: ClientFilter | undefined;
  readonly timeline: BucketSeries;
  readonly groups: Array<BucketSeries | undefined>;
  /** Grouping by client: top paths and user agents per reported group. */
  readonly paths: Array<TopValues | undefined> | undefined;
  readonly agents: Array<TopValues | undefined> | undefined;
  firstStamp = Number.POSITIVE_INFINITY;
  lastStamp = Number.NEGATIVE_INFINITY;

  constructor(readonly config: ReportConfig) {
    for (const key of config.reportedKeys) this.reported.rowOf(key, 0, key.length);
    if (config.span) {
      this.span = new TimeSpan(config.span);
      this.span.finish(config.newest ?? Number.NEGATIVE_INFINITY);
    }
    if (config.includeIp.length + config.excludeIp.length > 0) {
      this.clients = new ClientFilter(
        config.includeIp.map((b) => parseAddressBlock(b, '--include-ip')),
        config.excludeIp.map((b) => parseAddressBlock(b, '--exclude-ip')),
      );
    }
    this.timeline = new BucketSeries(config.statusColumns.length, TIMELINE_BUCKETS);
    this.groups = new Array<BucketSeries | undefined>(config.reportedKeys.length);
    if (config.by.includes('ip')) {
      this.paths = new Array<TopValues | undefined>(config.reportedKeys.length);
      this.agents = new Array<TopValues | undefined>(config.reportedKeys.length);
    }
  }

  data(): ReportData {
    const top = (values: TopValues | undefined): TopValue[] =>
      (values?.top(TOP_SHOWN) ?? []).map((t) => ({ ...t, value: decodeKey(t.value) }));
    const empty = new BucketSeries(1, 1);
    return {
      timeline: seriesData(this.timeline),
      ...(this.firstStamp <= this.lastStamp
        ? { firstSecond: stampEpochSeconds(this.firstStamp), lastSecond: stampEpochSeconds(this.lastStamp) }
        : {}),
      groups: Array.from(this.groups, (series, i) => ({
        timeline: seriesData(series ?? empty),
        ...(this.paths ? { topPaths: top(this.paths[i]), topUserAgents: top(this.agents![i]) } : {}),
      })),
      bounds: { timelineBuckets: TIMELINE_BUCKETS, groupBuckets: GROUP_BUCKETS, topSlots: TOP_SLOTS },
    };
  }
}

/** A LineScanner that, for each line the run counted, adds it to the report's data instead of a table. */
class ReportScanner extends LineScanner {
  private readonly keys: KeyMaker;
  private readonly details: boolean;

  constructor(
    format: ReturnType<typeof createFormat>,
    columns: Int16Array,
    private readonly state: ReportState,
  ) {
    super(format, columns, state.reported);
    this.keys = new KeyMaker(format, state.config.by, state.config.keepQuery);
    this.details = this.keys.needsDetails || state.paths !== undefined;
  }

  override scanLine(buf: Buffer, start: number, end: number): void {
    const parsed = this.stats.parsed;
    super.scanLine(buf, start, end);
    if (this.stats.parsed !== parsed) {
      const stamp = this.fields.stamp;
      const state = this.state;
      if (stamp < state.firstStamp) state.firstStamp = stamp;
      if (stamp > state.lastStamp) state.lastStamp = stamp;
    }
  }

  override countMatch(buf: Buffer, start: number, end: number, column: number): void {
    const { fields, state } = this;
    const stamp = fields.stamp;
    if (state.span && state.span.verdict(stamp) === OUT) return;
    if (state.clients && !state.clients.admits(buf, fields.clientStart, fields.clientEnd)) return;
    state.timeline.addStamp(stamp, column);
    if (this.details) this.format.parseDetails(buf, start, end, fields);
    const keys = this.keys;
    keys.make(buf, fields);
    const row = state.reported.find(keys.keyBuf, keys.keyStart, keys.keyEnd);
    if (row < 0) return;
    (state.groups[row] ??= new BucketSeries(1, GROUP_BUCKETS)).addStamp(stamp, 0);
    if (state.paths) {
      if (fields.pathStart >= 0) (state.paths[row] ??= new TopValues(TOP_SLOTS)).add(this.pathText(buf));
      if (fields.userAgentStart >= 0) {
        (state.agents![row] ??= new TopValues(TOP_SLOTS)).add(this.format.text(buf, fields.userAgentStart, fields.userAgentEnd));
      }
    }
  }

  /** The request's path, its query string cut unless the run keeps it (as `--by path` groups it). */
  private pathText(buf: Buffer): string {
    const { pathStart, pathEnd } = this.fields;
    let end = pathEnd;
    if (!this.state.config.keepQuery) {
      const question = buf.indexOf(0x3f, pathStart);
      if (question >= 0 && question < pathEnd) end = question;
    }
    return this.format.text(buf, pathStart, end);
  }
}

/** Reads every input once more and gathers the report's data. */
export async function readReport(
  inputs: readonly ReportInput[],
  config: ReportConfig,
  onRead: (bytes: number) => void = () => undefined,
): Promise<ReportData> {
  const state = new ReportState(config);
  const columns = columnOfStatus(config.statusColumns);
  const scans = new Map<string, FormatScan>();
  const scanFor = (name: string): FormatScan => {
    let scan = scans.get(name);
    if (!scan) {
      const format = createFormat(name, config.formatOptions);
      const scanner = new ReportScanner(format, columns, state);
      const reader = new RangeReader(config.chunkBytes);
      scan = { format, sink: scanner, lines: reader.lines };
      scans.set(name, scan);
    }
    return scan;
  };
  for (const input of inputs) {
    await scanStream({
      source: counted(fileChunks(input.path, config.chunkBytes), onRead),
      compression: input.compression,
      name: input.path,
      format: input.format,
      formatOptions: config.formatOptions,
      pieceBytes: config.chunkBytes,
      scanFor,
    });
  }
  return state.data();
}

// The HTML report's page script (bundled with uPlot into dist/report/page.js by scripts/bundle.mjs, inlined by
// src/sinks/html-report.ts). It reads the run's data from the page, inflates it, and draws: the summary, the
// timeline of matching responses stacked by status column (drag to zoom), the breakdown by status, the table of
// every reported group (sortable, filterable by text or by a CIDR block, virtually scrolled, with a sparkline
// per row) and a drill-down dialog per group (click, or Enter on the selected row).
//
// Every string of the data came from a log and is hostile: it reaches the document only through `text()`
// (textContent) or DOM properties, never innerHTML or an attribute the browser would act on.

import uPlot from 'uplot';

/** [startSecond, bucketSeconds, lane 0 counts, lane 1 counts ...] (trailing zeros dropped). */
type Series = [number, number, ...number[][]];

interface PageData {
  keyFields: string[];
  statusColumns: string[];
  threshold: number;
  windowSeconds: number | null;
  span: { since?: string; until?: string } | null;
  clients: { include: string[]; exclude: string[] } | null;
  summary: {
    input: string;
    inputs: { path: string; format: string; compression: string; bytes: number }[];
    skippedInputs: { path: string; reason: string }[];
    lines: number;
    parsed: number;
    malformed: number;
    blank: number;
    comment: number;
    matched: number;
    outside: number;
    excluded: number;
    groups: number;
    reported: number;
    warnings: string[];
  };
  firstSecond: number | null;
  lastSecond: number | null;
  timeline: Series;
  bounds: { timelineBuckets: number; groupBuckets: number; topSlots: number };
  groups: {
    keys: string[][];
    count: number[];
    byCode: number[][];
    first: string[];
    last: string[];
    peakCount: number[] | null;
    peakStart: string[] | null;
    series: Series[];
    topPaths: (number[] | null)[];
    topAgents: (number[] | null)[];
  };
  strings: string[];
}

const ROW_HEIGHT = 32;
const PALETTE = ['#e8a33d', '#d9534f', '#5b8def', '#2bb673', '#a66bd6', '#e06bb0', '#3fb8c4', '#9a7b4f', '#7a8a99', '#c7c43a', '#f07c3a', '#4a6fa5'];

const numberFormat = new Intl.NumberFormat('en-US');
const fmt = (n: number): string => numberFormat.format(n);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) if (value !== undefined) node.setAttribute(name, value);
  for (const child of children) node.append(child); // strings become text nodes
  return node;
}

function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function durationText(seconds: number): string {
  const units: [number, string][] = [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']];
  for (const [size, name] of units) if (seconds % size === 0 && seconds >= size) return `${seconds / size} ${name}`;
  return `${seconds} s`;
}

function isoUtc(second: number): string {
  return new Date(second * 1000).toISOString().replace('.000Z', 'Z');
}

/** A series' lane as [x seconds, counts], every bucket present (zeros too) so bars sit at their time. */
function lanes(series: Series, bucketsAtLeast = 0): { xs: number[]; ys: number[][] } {
  const [start, bucket, ...counts] = series;
  const n = Math.max(bucketsAtLeast, ...counts.map((c) => c.length));
  const xs = Array.from({ length: n }, (_, i) => start + i * bucket);
  const ys = counts.map((c) => Array.from({ length: n }, (_, i) => c[i] ?? 0));
  return { xs, ys };
}

const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function axisStyle(): Partial<uPlot.Axis> {
  return { stroke: css('--muted'), grid: { stroke: css('--grid'), width: 1 }, ticks: { stroke: css('--grid'), width: 1 } };
}

/** A stacked bar chart of `series` (one lane per status column) in `target`. */
function stackedChart(target: HTMLElement, series: Series, names: string[], height: number, label: string, band?: [number, number]): uPlot {
  const { xs, ys } = lanes(series);
  const stacked: number[][] = [];
  let running = xs.map(() => 0);
  for (const lane of ys) {
    running = running.map((v, i) => v + lane[i]);
    stacked.push(running);
  }
  const bars = uPlot.paths.bars!({ size: [0.9, 40], align: 1 });
  const width = Math.max(280, target.clientWidth || 800);
  // Drawn from the top of the stack down, so each column's bar covers the ones above it only to its share.
  const order = names.map((_, i) => i).reverse();
  const chart = new uPlot(
    {
      width,
      height,
      title: label,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [axisStyle(), { ...axisStyle(), size: 60, values: (_u, splits) => splits.map((v) => fmt(v)) }],
      legend: { live: true },
      // A group's peak window, shaded behind the bars.
      hooks: band
        ? {
            drawClear: [
              (u: uPlot) => {
                const left = u.valToPos(band[0], 'x', true);
                const right = u.valToPos(band[1], 'x', true);
                u.ctx.save();
                u.ctx.fillStyle = css('--peak');
                u.ctx.fillRect(left, u.bbox.top, Math.max(2, right - left), u.bbox.height);
                u.ctx.restore();
              },
            ],
          }
        : {},
      series: [
        { label: 'UTC', value: (_u, v) => (v == null ? '' : isoUtc(v).replace('T', ' ')) },
        ...order.map((i) => ({
          label: names[i],
          fill: PALETTE[i % PALETTE.length],
          stroke: PALETTE[i % PALETTE.length],
          width: 0,
          paths: bars,
          points: { show: false },
          value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) => (idx == null ? '' : fmt(ys[i][idx])),
        })),
      ],
    },
    [xs, ...order.map((i) => stacked[i])],
    target,
  );
  return chart;
}

/** Parses an IPv4 or IPv6 address into 8 sixteen-bit words (IPv4 as ::ffff:a.b.c.d), or undefined. */
function parseIp(text: string): number[] | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const b = v4.slice(1).map(Number);
    if (b.some((x) => x > 255)) return undefined;
    return [0, 0, 0, 0, 0, 0xffff, (b[0] << 8) | b[1], (b[2] << 8) | b[3]];
  }
  if (!text.includes(':') || !/^[0-9a-f:.]+$/i.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const words = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const tail = parseIp(piece);
        if (!tail) return undefined;
        out.push(tail[6], tail[7]);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) out.push(parseInt(piece, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]);
  const tail = halves.length === 2 ? words(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
}

/** `203.0.113.0/24`, `2001:db8::/32` or one address: a test of addresses, or undefined when it is not one. */
function parseBlock(text: string): ((words: number[]) => boolean) | undefined {
  const m = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!m) return undefined;
  const base = parseIp(m[1]);
  if (!base) return undefined;
  const v4 = !m[1].includes(':');
  let bits = m[2] === undefined ? 128 : Number(m[2]) + (v4 ? 96 : 0);
  if (bits > 128 || (v4 && Number(m[2] ?? 32) > 32)) return undefined;
  return (words) => {
    for (let w = 0; w < 8 && bits > 0; w++) {
      const take = Math.min(16, bits - w * 16);
      if (take <= 0) break;
      const mask = take >= 16 ? 0xffff : (0xffff << (16 - take)) & 0xffff;
      if ((words[w] & mask) !== (base[w] & mask)) return false;
    }
    return true;
  };
}

async function readData(): Promise<PageData> {
  const holder = byId('logsift-data');
  const binary = atob((holder.textContent ?? '').trim());
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(stream).text()) as PageData;
}

function summarySection(data: PageData): HTMLElement {
  const s = data.summary;
  const list = el('dl', { class: 'facts' });
  const fact = (name: string, value: string, id?: string): void => {
    list.append(el('dt', {}, name), el('dd', id ? { 'data-fact': id } : {}, value));
  };
  for (const input of s.inputs) {
    fact('input', `${input.path} (${input.format}${input.compression === 'none' ? '' : `, ${input.compression}`})`);
  }
  for (const skip of s.skippedInputs) fact('skipped input', `${skip.path} (${skip.reason})`);
  if (data.firstSecond !== null && data.lastSecond !== null) fact('log covers', `${isoUtc(data.firstSecond)} to ${isoUtc(data.lastSecond)}`);
  fact('lines read', fmt(s.lines), 'lines');
  fact('parsed', fmt(s.parsed), 'parsed');
  const skipped = s.malformed + s.blank + s.comment;
  const why = [s.malformed && `${fmt(s.malformed)} malformed`, s.blank && `${fmt(s.blank)} blank`, s.comment && `${fmt(s.comment)} comments`].filter(Boolean);
  fact('skipped', `${fmt(skipped)}${why.length ? ` (${why.join(', ')})` : ''}`, 'skipped');
  if (data.span) fact('outside the span', fmt(s.outside), 'outside');
  if (data.clients) fact('excluded clients', fmt(s.excluded), 'excluded');
  fact('matching responses', fmt(s.matched), 'matched');
  fact('groups with a match', fmt(s.groups), 'groups');
  fact('over the threshold', fmt(s.reported), 'reported');
  fact('status columns', data.statusColumns.join(' '));
  fact('threshold', data.windowSeconds ? `${fmt(data.threshold)} within ${durationText(data.windowSeconds)}` : fmt(data.threshold));
  fact('grouped by', data.keyFields.join(', '));
  if (data.span) fact('span', `${data.span.since ?? 'start'} to ${data.span.until ?? 'end'}`);
  if (data.clients) {
    if (data.clients.include.length) fact('only clients in', data.clients.include.join(' '));
    if (data.clients.exclude.length) fact('clients left out', data.clients.exclude.join(' '));
  }
  const section = el('section', { 'aria-labelledby': 'summary-title' }, el('h2', { id: 'summary-title' }, 'Summary'), list);
  for (const warning of s.warnings) section.append(el('p', { class: 'warning' }, warning));
  return section;
}

/** Bucket sizes, as tables/report-data.ts BUCKET_LADDER: each a multiple of the one before. */
const LADDER = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400];

/** The series in buckets large enough that at most `bars` show (sums unchanged: buckets only merge). */
function forDisplay(series: Series, bars: number): Series {
  const [start, bucket, ...counts] = series;
  const used = Math.max(0, ...counts.map((c) => c.length));
  const first = start / bucket;
  let size = bucket;
  const spans = (s: number): number => Math.floor(((first + Math.max(0, used - 1)) * bucket) / s) - Math.floor(start / s) + 1;
  while (spans(size) > bars) {
    const next = LADDER.find((l) => l > size && l % size === 0);
    size = next ?? size * 2;
  }
  if (size === bucket) return series;
  const origin = Math.floor(start / size);
  const merged = counts.map((lane) => {
    const out: number[] = new Array<number>(spans(size)).fill(0);
    lane.forEach((v, b) => (out[Math.floor((start + b * bucket) / size) - origin] += v));
    return out;
  });
  return [origin * size, size, ...merged];
}

function timelineSection(data: PageData): HTMLElement {
  const bucket = forDisplay(data.timeline, 240)[1];
  const note = data.windowSeconds
    ? `Each bar: ${durationText(bucket)}, stacked by status. A group is reported when at least ${fmt(data.threshold)} of its matching responses fall within some ${durationText(data.windowSeconds)}; each row's sparkline marks its peak window.`
    : `Each bar: ${durationText(bucket)}, stacked by status. Drag across the chart to zoom, double-click to zoom out.`;
  const chart = el('div', { id: 'timeline', class: 'chart' });
  return el('section', { 'aria-labelledby': 'timeline-title' }, el('h2', { id: 'timeline-title' }, 'Matching responses over time'), el('p', { class: 'note' }, note), chart);
}

function breakdownSection(data: PageData): HTMLElement {
  const totals = data.statusColumns.map((_, c) => {
    const lane = data.timeline[2 + c] as number[] | undefined;
    return (lane ?? []).reduce((a, b) => a + b, 0);
  });
  const all = totals.reduce((a, b) => a + b, 0);
  const body = el('tbody');
  data.statusColumns.forEach((name, c) => {
    const share = all === 0 ? 0 : totals[c] / all;
    const bar = el('span', { class: 'share' });
    bar.style.width = `${(share * 100).toFixed(1)}%`;
    bar.style.background = PALETTE[c % PALETTE.length];
    body.append(el('tr', { 'data-status': name }, el('th', { scope: 'row' }, name), el('td', { class: 'num' }, fmt(totals[c])), el('td', { class: 'num' }, `${(share * 100).toFixed(1)}%`), el('td', { class: 'bar' }, bar)));
  });
  const table = el('table', { id: 'breakdown' }, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'status'), el('th', { scope: 'col', class: 'num' }, 'responses'), el('th', { scope: 'col', class: 'num' }, 'share'), el('th', { scope: 'col' }, ''))), body);
  return el('section', { 'aria-labelledby': 'breakdown-title' }, el('h2', { id: 'breakdown-title' }, 'By status'), table);
}

/** A row of the table's pool (see GroupsTable.render): its cells, its sparkline's context, what it shows. */
interface PoolRow {
  readonly tr: HTMLTableRowElement;
  readonly cells: HTMLTableCellElement[];
  readonly ctx: CanvasRenderingContext2D | null;
  /** The position in `shown` it holds, or -1; valid for `generation`. */
  at: number;
  generation: number;
}

/** The groups' table: sorting, filtering and the rows on screen. */
class GroupsTable {
  private order: Int32Array;
  private shown: Int32Array;
  private sortColumn = -1; // -1: report order
  private descending = false;
  selected = 0;
  private readonly body = el('tbody');
  private readonly scroller: HTMLElement;
  private readonly count = el('span', { id: 'shown', 'aria-live': 'polite' });
  private readonly headers: HTMLButtonElement[] = [];
  private lowerKeys: string[] | undefined;
  private readonly columns: { name: string; value: (i: number) => number | string }[];
  private readonly span: [number, number];

  constructor(
    private readonly data: PageData,
    private readonly open: (row: number) => void,
  ) {
    const g = data.groups;
    const n = g.count.length;
    this.order = Int32Array.from({ length: n }, (_, i) => i);
    this.shown = this.order;
    this.span = [data.firstSecond ?? 0, Math.max((data.lastSecond ?? 0) + 1, (data.firstSecond ?? 0) + 1)];
    this.columns = [
      ...data.keyFields.map((name, f) => ({ name, value: (i: number) => g.keys[i][f] })),
      { name: 'count', value: (i: number) => g.count[i] },
      ...data.statusColumns.map((name, c) => ({ name, value: (i: number) => g.byCode[i][c] })),
      { name: 'first seen', value: (i: number) => g.first[i] },
      { name: 'last seen', value: (i: number) => g.last[i] },
      ...(g.peakCount ? [{ name: 'peak window', value: (i: number) => g.peakCount![i] }] : []),
    ];
    this.scroller = el('div', { class: 'scroller', tabindex: '0', role: 'grid', 'aria-label': 'reported groups (arrows to move, Enter for details)', 'aria-rowcount': String(n) });
  }

  section(): HTMLElement {
    this.topSpacer = this.spacer();
    this.bottomSpacer = this.spacer();
    const head = el('tr');
    this.columns.forEach((column, c) => {
      const button = el('button', { type: 'button', 'data-column': String(c) }, column.name);
      button.addEventListener('click', () => this.sortBy(c));
      this.headers.push(button);
      head.append(el('th', { scope: 'col', 'aria-sort': 'none', class: c >= this.data.keyFields.length && !column.name.endsWith(' seen') ? 'num' : '' }, button));
      if (c === this.data.keyFields.length) head.append(el('th', { scope: 'col', class: 'spark-head' }, 'activity'));
    });
    // Fixed layout, widths set here: an auto table measured every cell of the rows on screen at every frame
    // (37 ms a frame with 16 columns in Chromium; fixed, a few).
    const widths = this.columns.map((column, c) =>
      c < this.data.keyFields.length ? (this.data.keyFields.length === 1 ? '17em' : '14em') : column.name.endsWith('seen') ? '15.5em' : column.name === 'peak window' ? '7em' : column.name === 'count' ? '6em' : `${Math.max(4, column.name.length * 0.6 + 2.5)}em`,
    );
    widths.splice(this.data.keyFields.length + 1, 0, '136px');
    const colgroup = el('colgroup', {}, ...widths.map((width) => {
      const col = el('col');
      col.style.width = width;
      return col;
    }));
    const table = el('table', { id: 'groups' }, colgroup, el('thead', {}, head), this.body);
    table.style.width = `calc(${widths.join(' + ')})`; // fixed layout needs a width that is not auto
    this.scroller.append(table);
    this.scroller.addEventListener('scroll', () => this.schedule());
    this.scroller.addEventListener('keydown', (event) => this.key(event));
    this.body.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest('tr[data-row]');
      if (row) {
        this.selected = Number(row.getAttribute('data-index'));
        this.open(Number(row.getAttribute('data-row')));
        this.render();
      }
    });
    const filter = el('input', { id: 'filter', type: 'search', placeholder: this.data.keyFields.includes('ip') ? 'text, or a CIDR block (10.0.0.0/8)' : 'text', 'aria-label': 'filter groups' });
    let timer = 0;
    filter.addEventListener('input', () => {
      clearTimeout(timer);
      timer = window.setTimeout(() => this.filter(filter.value), 120);
    });
    new ResizeObserver(() => this.render()).observe(this.scroller);
    this.filter('');
    return el('section', { 'aria-labelledby': 'groups-title' }, el('h2', { id: 'groups-title' }, 'Reported groups'), el('div', { class: 'controls' }, filter, this.count), this.scroller);
  }

  private sortBy(c: number): void {
    // Numbers sort most first, text in order, on the first click.
    this.descending = this.sortColumn === c ? !this.descending : typeof this.columns[c].value(0) === 'number';
    this.sortColumn = c;
    const value = this.columns[c].value;
    const values = Array.from({ length: this.data.groups.count.length }, (_, i) => value(i));
    const sign = this.descending ? -1 : 1;
    const order = Array.from(this.order);
    order.sort((a, b) => {
      const x = values[a];
      const y = values[b];
      return (x < y ? -sign : x > y ? sign : 0) || a - b;
    });
    this.order = Int32Array.from(order);
    this.headers.forEach((h, i) => h.parentElement!.setAttribute('aria-sort', i === c ? (this.descending ? 'descending' : 'ascending') : 'none'));
    this.refilter();
  }

  private filterText = '';
  private filter(text: string): void {
    this.filterText = text.trim();
    this.refilter();
  }

  private refilter(): void {
    const text = this.filterText;
    const g = this.data.groups;
    if (text === '') this.shown = this.order;
    else {
      const ipField = this.data.keyFields.indexOf('ip');
      const block = ipField >= 0 && /[./:]/.test(text) ? parseBlock(text) : undefined;
      let test: (i: number) => boolean;
      if (block) {
        const cache = new Map<number, number[] | undefined>();
        test = (i) => {
          if (!cache.has(i)) cache.set(i, parseIp(g.keys[i][ipField]));
          const words = cache.get(i);
          return words !== undefined && block(words);
        };
      } else {
        const lower = (this.lowerKeys ??= g.keys.map((k) => k.join(' ').toLowerCase()));
        const needle = text.toLowerCase();
        test = (i) => lower[i].includes(needle);
      }
      this.shown = this.order.filter(test);
    }
    this.generation++;
    this.selected = Math.min(this.selected, Math.max(0, this.shown.length - 1));
    this.count.textContent = `${fmt(this.shown.length)} of ${fmt(g.count.length)} groups`;
    this.render();
  }

  private key(event: KeyboardEvent): void {
    if (event.target !== this.scroller) return; // keys on the column headers' buttons are theirs
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    if (event.key in moves) {
      event.preventDefault();
      this.selected = Math.max(0, Math.min(this.shown.length - 1, this.selected + moves[event.key]));
      const top = this.selected * ROW_HEIGHT;
      const headHeight = ROW_HEIGHT;
      if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
      else if (top + ROW_HEIGHT + headHeight > this.scroller.scrollTop + this.scroller.clientHeight) this.scroller.scrollTop = top + ROW_HEIGHT + headHeight - this.scroller.clientHeight;
      this.render();
    } else if (event.key === 'Enter' && this.shown.length > 0) {
      event.preventDefault();
      this.open(this.shown[this.selected]);
    }
  }

  private pending = false;
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  /**
   * Rows on screen are a pool, made once and refilled as the view moves: a row made per frame (with its canvas
   * and 2D context) cost 65 ms a frame at 40 rows in Chromium, mostly in getContext; rows still in view are
   * kept as they are, and only those coming into view are refilled.
   */
  private readonly pool: PoolRow[] = [];
  private topSpacer!: HTMLTableRowElement;
  private bottomSpacer!: HTMLTableRowElement;
  /** Bumped when the rows shown change (sort, filter), so that pooled rows are refilled. */
  private generation = 0;

  private spacer(): HTMLTableRowElement {
    return el('tr', { class: 'spacer', 'aria-hidden': 'true' }, el('td', { colspan: String(this.columns.length + 1) }));
  }

  private poolRow(): PoolRow {
    const tr = el('tr');
    const cells: HTMLTableCellElement[] = [];
    let ctx: CanvasRenderingContext2D | null = null;
    this.columns.forEach((_, c) => {
      const name = this.columns[c].name;
      const td = el('td', { class: c < this.data.keyFields.length ? 'key' : name.endsWith(' seen') ? 'time' : 'num' });
      cells.push(td);
      tr.append(td);
      if (c === this.data.keyFields.length) {
        const canvas = el('canvas', { class: 'spark', width: '120', height: '22', 'aria-hidden': 'true' });
        tr.append(el('td', { class: 'spark-cell' }, canvas));
        ctx = canvas.getContext('2d');
      }
    });
    return { tr, cells, ctx, at: -1, generation: -1 };
  }

  /** Puts group `shown[at]` into a pooled row. */
  private fill(row: PoolRow, at: number, colors: { peak: string; accent: string }): void {
    const i = this.shown[at];
    row.at = at;
    row.generation = this.generation;
    row.tr.setAttribute('data-row', String(i));
    row.tr.setAttribute('data-index', String(at));
    row.tr.setAttribute('aria-rowindex', String(at + 2));
    this.columns.forEach((column, c) => {
      const value = column.value(i);
      const td = row.cells[c];
      // textContent and title are DOM properties: text, however it reads.
      if (typeof value === 'number') td.textContent = fmt(value);
      else td.textContent = td.title = value;
    });
    const g = this.data.groups;
    if (row.ctx) drawSparkline(row.ctx, g.series[i], this.span, g.peakStart?.[i], this.data.windowSeconds, colors);
  }

  /** Draws the rows in view (and a few more), with spacers for the rest. */
  render(): void {
    const total = this.shown.length;
    const first = Math.max(0, Math.min(Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - 5, total - 1));
    const last = Math.min(total, first + Math.ceil((this.scroller.clientHeight || 600) / ROW_HEIGHT) + 10);
    const count = Math.max(0, last - first);
    while (this.pool.length < count) this.pool.push(this.poolRow());
    const colors = { peak: css('--peak'), accent: css('--accent') };
    this.topSpacer.style.height = `${first * ROW_HEIGHT}px`;
    this.bottomSpacer.style.height = `${(total - last) * ROW_HEIGHT}px`;
    // Rows still in view keep their content; only rows coming into view are filled (text is laid out anew).
    const kept = new Map<number, PoolRow>();
    const free: PoolRow[] = [];
    for (const row of this.pool) {
      if (row.generation === this.generation && row.at >= first && row.at < last) kept.set(row.at, row);
      else free.push(row);
    }
    const shownRows: PoolRow[] = [];
    for (let at = first; at < last; at++) {
      let row = kept.get(at);
      if (!row) {
        row = free.pop()!;
        this.fill(row, at, colors);
      }
      row.tr.setAttribute('aria-selected', String(at === this.selected));
      row.tr.id = at === this.selected ? 'selected-row' : '';
      shownRows.push(row);
    }
    for (const row of free) row.at = -1;
    const rows = [this.topSpacer, ...shownRows.map((p) => p.tr), this.bottomSpacer];
    if (this.body.children.length !== rows.length || rows.some((row, k) => this.body.children[k] !== row)) this.body.replaceChildren(...rows);
    this.scroller.setAttribute('aria-activedescendant', this.selected >= first && this.selected < last ? 'selected-row' : '');
  }
}

/** A group's activity over the run's span, and its peak window when there is one. */
function drawSparkline(
  ctx: CanvasRenderingContext2D,
  series: Series,
  span: [number, number],
  peakStart: string | undefined,
  windowSeconds: number | null,
  colors: { peak: string; accent: string },
): void {
  const [start, bucket, counts = []] = series;
  const { width, height } = ctx.canvas;
  ctx.clearRect(0, 0, width, height);
  const x = (second: number): number => ((second - span[0]) / (span[1] - span[0])) * width;
  if (peakStart && windowSeconds) {
    const from = Date.parse(peakStart) / 1000;
    ctx.fillStyle = colors.peak;
    ctx.fillRect(x(from), 0, Math.max(2, x(from + windowSeconds) - x(from)), height);
  }
  const max = Math.max(1, ...counts);
  ctx.fillStyle = colors.accent;
  counts.forEach((count, b) => {
    if (count === 0) return;
    const left = x(start + b * bucket);
    const h = Math.max(1, (count / max) * (height - 2));
    ctx.fillRect(left, height - h, Math.max(1, x(start + (b + 1) * bucket) - left - 0.5), h);
  });
}

/** The drill-down dialog of one group. */
function openDetail(data: PageData, row: number): void {
  const g = data.groups;
  const dialog = byId<HTMLDialogElement>('detail');
  const key = g.keys[row].join(' ');
  const facts = el('dl', { class: 'facts' });
  const fact = (name: string, value: string): void => void facts.append(el('dt', {}, name), el('dd', {}, value));
  data.keyFields.forEach((field, f) => fact(field, g.keys[row][f]));
  fact('matching responses', fmt(g.count[row]));
  fact('first seen', g.first[row]);
  fact('last seen', g.last[row]);
  if (g.peakCount && data.windowSeconds) fact('peak window', `${fmt(g.peakCount[row])} within ${durationText(data.windowSeconds)} from ${g.peakStart![row]}`);
  const codes = el('tbody');
  data.statusColumns.forEach((name, c) => {
    if (g.byCode[row][c] > 0) codes.append(el('tr', {}, el('th', { scope: 'row' }, name), el('td', { class: 'num' }, fmt(g.byCode[row][c]))));
  });
  const chart = el('div', { class: 'chart', id: 'detail-chart' });
  const close = el('button', { type: 'button', class: 'close' }, 'Close');
  close.addEventListener('click', () => dialog.close());
  const content: Node[] = [
    el('div', { class: 'detail-head' }, el('h2', { id: 'detail-title' }, key), close),
    facts,
    el('h3', {}, 'By status'),
    el('table', { class: 'codes' }, codes),
    el('h3', {}, `Over time (each bar: ${durationText(g.series[row][1])}${g.peakStart && data.windowSeconds ? '; the peak window shaded' : ''})`),
    chart,
  ];
  const tops = (title: string, refs: number[] | null): void => {
    if (!refs || refs.length === 0) return;
    const list = el('ol', { class: 'tops' });
    for (let k = 0; k < refs.length; k += 3) {
      const approx = refs[k + 2] > 0;
      list.append(el('li', {}, el('span', { class: 'value' }, data.strings[refs[k]]), el('span', { class: 'num' }, `${approx ? '≤ ' : ''}${fmt(refs[k + 1])}`)));
    }
    content.push(el('h3', {}, title), list);
  };
  tops('Top paths', g.topPaths[row]);
  tops('Top user agents', g.topAgents[row]);
  if ((g.topPaths[row] ?? []).some((_, k, refs) => k % 3 === 2 && refs[k] > 0) || (g.topAgents[row] ?? []).some((_, k, refs) => k % 3 === 2 && refs[k] > 0)) {
    content.push(el('p', { class: 'note' }, `≤: this group had more distinct values than the ${data.bounds.topSlots} kept, so the count is an upper bound.`));
  }
  dialog.replaceChildren(...content);
  dialog.setAttribute('aria-labelledby', 'detail-title');
  if (!dialog.open) dialog.showModal();
  const series = g.series[row];
  const peak = g.peakStart && data.windowSeconds ? Date.parse(g.peakStart[row]) / 1000 : undefined;
  stackedChart(chart, series, ['responses'], 180, '', peak === undefined ? undefined : [peak, peak + data.windowSeconds!]);
  close.focus();
}

async function main(): Promise<void> {
  const data = await readData();
  document.title = `logsift report: ${data.summary.input}`;
  const header = el('header', {}, el('h1', {}, 'logsift report'), el('p', { class: 'subtitle' }, data.summary.input));
  const table = new GroupsTable(data, (row) => openDetail(data, row));
  const main = el('main', {}, summarySection(data), timelineSection(data), breakdownSection(data), table.section());
  const dialog = el('dialog', { id: 'detail' });
  dialog.addEventListener('close', () => (document.querySelector('.scroller') as HTMLElement | null)?.focus());
  document.body.append(header, main, dialog);
  stackedChart(byId('timeline'), forDisplay(data.timeline, 240), data.statusColumns, 460, '');
  table.render();
  document.body.setAttribute('data-ready-ms', String(Math.round(performance.now())));
  document.body.setAttribute('data-ready', 'true');
}

main().catch((error: unknown) => {
  document.body.append(el('p', { class: 'warning' }, `The report could not be shown: ${String(error)}`));
  document.body.setAttribute('data-ready', 'error');
});

// The report page's table of reported groups: sorting, filtering (text, CIDR), keyboard moves, and a pool of
// rows on screen over spacers (virtual scrolling).

import { AddressIndex, parseBlock } from './addresses.js';
import { drawSparkline } from './charts.js';
import { css, el, fmt, ROW_HEIGHT, type PageData } from './common.js';

/** A row of the table's pool (see GroupsTable.render): its cells, its sparkline's context, what it shows. */
export interface PoolRow {
  readonly tr: HTMLTableRowElement;
  readonly cells: HTMLTableCellElement[];
  readonly ctx: CanvasRenderingContext2D | null;
  /** The position in `shown` it holds, or -1; valid for `generation`. */
  at: number;
  generation: number;
}

/** The groups' table: sorting, filtering and the rows on screen. */
export class GroupsTable {
  private order: Int32Array;
  private shown: Int32Array;
  private sortColumn = -1; // -1: report order
  private descending = false;
  selected = 0;
  private readonly body = el('tbody');
  private readonly scroller: HTMLElement;
  private readonly count = el('span', { id: 'shown', 'aria-live': 'polite' });
  private readonly headers: HTMLButtonElement[] = [];
  /** Made on first use, kept: the keys in lower case (text filter), the addresses parsed (CIDR filter). */
  private lowerKeys: string[] | undefined;
  private addresses: AddressIndex | undefined;
  /** Each column's values and its ascending order (ties in report order), made on its first sort. */
  private readonly sorted = new Map<number, { values: ArrayLike<number | string>; ascending: Int32Array }>();
  private readonly columns: { name: string; value: (i: number) => number | string }[];
  private readonly span: [number, number];

  constructor(
    private readonly data: PageData,
    private readonly open: (row: number) => void,
  ) {
    const g = data.groups;
    const n = g.count.length;
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
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
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      this.colors = undefined;
      this.generation++; // the sparklines are drawn again, in the theme's colours
      this.render();
    });
    this.filter('');
    return el('section', { 'aria-labelledby': 'groups-title' }, el('h2', { id: 'groups-title' }, 'Reported groups'), el('div', { class: 'controls' }, filter, this.count), this.scroller);
  }

  private sortBy(c: number): void {
    // Numbers sort most first, text in order, on the first click.
    this.descending = this.sortColumn === c ? !this.descending : this.data.groups.count.length > 0 && typeof this.columns[c].value(0) === 'number';
    this.sortColumn = c;
    const { values, ascending } = this.sortedColumn(c);
    if (!this.descending) this.order = ascending;
    else {
      // The runs of equal values in reverse, each run still in report order.
      const n = ascending.length;
      const order = new Int32Array(n);
      let out = 0;
      for (let end = n; end > 0; ) {
        let start = end - 1;
        const value = values[ascending[start]];
        while (start > 0 && values[ascending[start - 1]] === value) start--;
        order.set(ascending.subarray(start, end), out);
        out += end - start;
        end = start;
      }
      this.order = order;
    }
    this.headers.forEach((h, i) => h.parentElement!.setAttribute('aria-sort', i === c ? (this.descending ? 'descending' : 'ascending') : 'none'));
    this.refilter();
  }

  /** Column `c`'s values (numbers in a typed array) and its ascending order, made once. */
  private sortedColumn(c: number): { values: ArrayLike<number | string>; ascending: Int32Array } {
    let entry = this.sorted.get(c);
    if (!entry) {
      const n = this.data.groups.count.length;
      const value = this.columns[c].value;
      const numeric = n > 0 && typeof value(0) === 'number';
      const values: (number | string)[] | Float64Array = numeric ? new Float64Array(n) : new Array<string>(n);
      for (let i = 0; i < n; i++) values[i] = value(i);
      const ascending = new Int32Array(n);
      for (let i = 0; i < n; i++) ascending[i] = i;
      if (numeric) {
        const v = values as Float64Array;
        ascending.sort((a, b) => v[a] - v[b] || a - b);
      } else {
        const v = values as string[];
        ascending.sort((a, b) => (v[a] < v[b] ? -1 : v[a] > v[b] ? 1 : a - b));
      }
      this.sorted.set(c, (entry = { values, ascending }));
    }
    return entry;
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
      const order = this.order;
      const shown = new Int32Array(order.length);
      let count = 0;
      if (block) {
        const addresses = (this.addresses ??= new AddressIndex(g.keys.map((k) => k[ipField])));
        for (let k = 0; k < order.length; k++) if (addresses.contains(order[k], block)) shown[count++] = order[k];
      } else {
        const lower = (this.lowerKeys ??= g.keys.map((k) => k.join(' ').toLowerCase()));
        const needle = text.toLowerCase();
        for (let k = 0; k < order.length; k++) if (lower[order[k]].includes(needle)) shown[count++] = order[k];
      }
      this.shown = shown.subarray(0, count);
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

  private colors: { peak: string; accent: string } | undefined;

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
    // The theme's colours, read once (a style read in every frame costs a style pass) and again when it changes.
    const colors = (this.colors ??= { peak: css('--peak'), accent: css('--accent') });
    this.topSpacer.style.height = `${first * ROW_HEIGHT}px`;
    this.bottomSpacer.style.height = `${(total - last) * ROW_HEIGHT}px`;
    // Rows still in view keep their content; only rows coming into view are filled (text is laid out anew).
    const kept = new Map<number, PoolRow>();
    const free: PoolRow[] = [];
    for (const row of this.pool) {
      if (row.generation === this.generation && row.at >= first && row.at < last) kept.set(row.at, row);
      else {
        free.push(row);
        row.at = -1;
        // Out of the document before the walk below, so that the rows kept need not move.
        if (row.tr.parentNode) row.tr.remove();
      }
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
    // The DOM changes only where rows leave or come into view: rows that left were taken out above, and the
    // rows in view are walked in order, a row not in its place put there (the kept ones are, in order).
    if (this.topSpacer.parentNode !== this.body) this.body.replaceChildren(this.topSpacer, this.bottomSpacer);
    let cursor = this.topSpacer.nextSibling;
    for (const row of shownRows) {
      if (cursor === row.tr) cursor = cursor.nextSibling;
      else this.body.insertBefore(row.tr, cursor);
    }
    this.scroller.setAttribute('aria-activedescendant', this.selected >= first && this.selected < last ? 'selected-row' : '');
  }
}

// The HTML report's page script (bundled with uPlot into dist/report/page.js by scripts/bundle.mjs, inlined by
// src/sinks/html-report.ts). It reads the run's data from the page, inflates it, and draws: the summary, the
// timeline of matching responses stacked by status column (drag to zoom), the breakdown by status, the table of
// every reported group (sortable, filterable by text or by a CIDR block, virtually scrolled, with a sparkline
// per row) and a drill-down dialog per group (click, or Enter on the selected row).
//
// Here the data is read and the sections are laid out; common.ts holds the data's shape and the DOM helpers,
// charts.ts the charts, groups-table.ts the table, addresses.ts the CIDR filter.
//
// Every string of the data came from a log and is hostile: it reaches the document only as text (a text node
// from el()'s children, textContent, the title property), never innerHTML or an attribute the browser acts on.

import { forDisplay, stackedChart } from './charts.js';
import { byId, durationText, el, fmt, isoUtc, PALETTE, type PageData } from './common.js';
import { GroupsTable } from './groups-table.js';

/** Lets the browser run what waits (input, rendering) between two long steps of the first drawing. */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function readData(): Promise<PageData> {
  const holder = byId('logsift-data');
  const text = (holder.textContent ?? '').trim();
  // Uint8Array.fromBase64 where the browser has it (a loop over a string of megabytes where it has not).
  const typed = Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> };
  let bytes: Uint8Array<ArrayBuffer>;
  if (typed.fromBase64) bytes = typed.fromBase64(text);
  else {
    const binary = atob(text);
    bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  }
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  const json = await new Response(stream).text();
  // One JSON document a line (src/sinks/html-report.ts pageDataLines): the data without its groups, then each
  // column of the groups, parsed one a task.
  let end = json.indexOf('\n');
  const head = JSON.parse(end < 0 ? json : json.slice(0, end)) as Omit<PageData, 'groups'> & { groupColumns: string[] };
  const groups: Record<string, unknown> = {};
  for (const name of head.groupColumns) {
    await nextTask();
    const start = end + 1;
    end = json.indexOf('\n', start);
    groups[name] = JSON.parse(end < 0 ? json.slice(start) : json.slice(start, end));
  }
  const { groupColumns: _, ...rest } = head;
  return { ...rest, groups: groups as PageData['groups'] };
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
  await nextTask();
  document.title = `logsift report: ${data.summary.input}`;
  const header = el('header', {}, el('h1', {}, 'logsift report'), el('p', { class: 'subtitle' }, data.summary.input));
  const table = new GroupsTable(data, (row) => openDetail(data, row));
  const main = el('main', {}, summarySection(data), timelineSection(data), breakdownSection(data), table.section());
  const dialog = el('dialog', { id: 'detail' });
  dialog.addEventListener('close', () => (document.querySelector('.scroller') as HTMLElement | null)?.focus());
  document.body.append(header, main, dialog);
  await nextTask();
  const timeline = byId('timeline');
  const shownTimeline = forDisplay(data.timeline, 240);
  let chart = stackedChart(timeline, shownTimeline, data.statusColumns, 460, '');
  // The chart's axes and grid take the theme's colours when drawn: drawn again when the theme changes.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    chart.destroy();
    chart = stackedChart(timeline, shownTimeline, data.statusColumns, 460, '');
  });
  await nextTask();
  table.render();
  // Ready once the first frame with all of it is drawn (the task after that frame's rendering).
  requestAnimationFrame(() =>
    setTimeout(() => {
      document.body.setAttribute('data-ready-ms', String(Math.round(performance.now())));
      document.body.setAttribute('data-ready', 'true');
    }),
  );
}

main().catch((error: unknown) => {
  document.body.append(el('p', { class: 'warning' }, `The report could not be shown: ${String(error)}`));
  document.body.setAttribute('data-ready', 'error');
});

// The report page's table with 200,000 rows, in headless Chromium: what bounds the work of a scroll step is that
// only the rows in view (and a few more) are elements, whatever the number of rows. So, at every position (the
// top, wheel steps, a scrollbar jump to the middle and to the end, the keys Home, PageDown and End), the table
// holds fewer than 200 row elements and shows exactly the rows that belong there (the last row at the end);
// sorting and filtering all 200,000 rows give the right order and count. Deterministic: no timing here (the
// time to interactive and the longest task are measured by `npm run bench -- --report`).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { noBrowser, openReport, type OpenedPage } from '../support/browser.js';
import { runCli } from '../support/cli.js';
import { makeTempDir, removeDir } from '../support/files.js';

const ROWS = 200_000;
const MAX_ROW_ELEMENTS = 200;
const dir = makeTempDir('logsift-report-rows-');
after(() => removeDir(dir));

/** One reported row of the CSV, as the page should show it. */
interface Expected {
  readonly key: string;
  readonly count: number;
  readonly firstSeen: string;
}

/** The rows in the scroller's view, as the page draws them. */
interface View {
  readonly scrollTop: number;
  readonly clientHeight: number;
  readonly rowElements: number;
  readonly elements: number;
  readonly visible: { index: number; key: string; selected: boolean }[];
  readonly shown: string;
}

/** The page's globals that the tests use (the DOM's types are not in the Node build). */
interface PageGlobals {
  requestAnimationFrame(callback: () => void): void;
  readonly document: { getElementById(id: string): { textContent: string } };
}

/** What the page holds and shows after the next two frames (a scroll's render waits for a frame). */
async function view(page: OpenedPage['page']): Promise<View> {
  let last = -1;
  // A wheel step may scroll smoothly: wait until the position stays put.
  for (let i = 0; i < 100; i++) {
    const top = await page.$eval('.scroller', (s) => {
      const { requestAnimationFrame } = globalThis as unknown as PageGlobals;
      return new Promise<number>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(s.scrollTop))));
    });
    if (top === last) break;
    last = top;
  }
  return page.$eval('.scroller', (s) => {
    const box = s.getBoundingClientRect();
    const head = s.querySelector('thead')!.getBoundingClientRect().height;
    const rows = [...s.querySelectorAll('tbody tr[data-row]')];
    const visible = rows
      .filter((tr) => {
        const b = tr.getBoundingClientRect();
        return b.bottom > box.top + head + 1 && b.top < box.top + s.clientHeight - 1;
      })
      .map((tr) => ({ index: Number(tr.getAttribute('data-index')), key: tr.querySelector('td')!.textContent!, selected: tr.getAttribute('aria-selected') === 'true' }))
      .sort((a, b) => a.index - b.index);
    return {
      scrollTop: s.scrollTop,
      clientHeight: s.clientHeight,
      rowElements: s.querySelectorAll('tbody tr').length,
      elements: s.querySelectorAll('*').length,
      visible,
      shown: (globalThis as unknown as PageGlobals).document.getElementById('shown').textContent,
    };
  });
}

/** The view is bounded, full and right: contiguous rows from the scroll position, each with its expected key. */
function assertView(v: View, expected: readonly Expected[], where: string): void {
  assert.ok(v.rowElements < MAX_ROW_ELEMENTS, `${where}: ${v.rowElements} row elements`);
  assert.ok(v.elements < MAX_ROW_ELEMENTS * 20, `${where}: ${v.elements} elements in the table`);
  assert.ok(v.visible.length > 0, `${where}: rows in view`);
  const rowsInView = Math.min(expected.length, Math.floor((v.clientHeight - 32) / 32));
  assert.ok(v.visible.length >= rowsInView, `${where}: ${v.visible.length} rows in view, ${rowsInView} fit`);
  const first = v.visible[0].index;
  assert.ok(Math.abs(first - Math.floor(v.scrollTop / 32)) <= 1, `${where}: first row in view ${first} at scrollTop ${v.scrollTop}`);
  v.visible.forEach((row, k) => {
    assert.equal(row.index, first + k, `${where}: rows in view are contiguous`);
    assert.equal(row.key, expected[row.index].key, `${where}: row ${row.index}`);
  });
}

async function scrollTo(page: OpenedPage['page'], top: number | 'end'): Promise<void> {
  // As a dragged scrollbar does: the position jumps.
  await page.$eval('.scroller', (s, to) => void (s.scrollTop = to === 'end' ? s.scrollHeight : to), top);
}

describe('the report page with 200,000 rows in Chromium', { skip: noBrowser }, () => {
  let html = '';
  let rows: Expected[] = [];
  before(async () => {
    // 200,000 clients; the first 20,000 with two errors, so that counts differ; times over a day.
    const lines: string[] = [];
    for (let i = 0; i < ROWS; i++) {
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      for (let k = 0; k < (i < 20_000 ? 2 : 1); k++) {
        const second = (i * 7919 + k * 3607) % 86400;
        const time = [Math.floor(second / 3600), Math.floor(second / 60) % 60, second % 60].map((t) => String(t).padStart(2, '0')).join(':');
        lines.push(`${ip} - - [01/May/2024:${time} +0000] "GET /p${i % 50} HTTP/1.1" ${k === 0 ? 404 : 500} 1 "-" "agent ${i % 7}"`);
      }
    }
    const log = join(dir, 'rows.log');
    writeFileSync(log, lines.join('\n') + '\n');
    html = join(dir, 'rows.html');
    const csv = join(dir, 'rows.csv');
    const run = await runCli(['--input', log, '--threshold', '1', '--output', csv, '--html', html, '--no-progress']);
    assert.equal(run.code, 0, run.stderr);
    const [header, ...body] = readFileSync(csv, 'utf8').trim().split('\n').map((line) => line.split(','));
    const firstAt = header.indexOf('first_seen');
    rows = body.map((r) => ({ key: r[0], count: Number(r[1]), firstSeen: r[firstAt] }));
    assert.equal(rows.length, ROWS);
  });

  it('draws fewer than 200 rows, the right ones, at every scroll position', async () => {
    const opened = await openReport(html);
    const { page } = opened;
    try {
      let v = await view(page);
      assert.equal(v.shown, '200,000 of 200,000 groups');
      assertView(v, rows, 'the top');
      assert.equal(v.visible[0].index, 0);
      // Wheel steps over the table.
      await page.locator('.scroller').scrollIntoViewIfNeeded();
      const box = (await page.locator('.scroller').boundingBox())!;
      await page.mouse.move(box.x + 200, box.y + 150);
      for (let i = 0; i < 5; i++) await page.mouse.wheel(0, 400);
      v = await view(page);
      assert.ok(v.scrollTop >= 1000, `the wheel scrolled (${v.scrollTop})`);
      assertView(v, rows, 'after wheel steps');
      await scrollTo(page, 3_200_000);
      assertView(await view(page), rows, 'the middle');
      await page.mouse.wheel(0, 400);
      assertView(await view(page), rows, 'a wheel step from the middle');
      await scrollTo(page, 'end');
      v = await view(page);
      assertView(v, rows, 'the end');
      assert.equal(v.visible.at(-1)!.index, ROWS - 1, 'the last row shows at the end');
      assert.equal(v.visible.at(-1)!.key, rows[ROWS - 1].key);
      // Keys: Home, PageDown, End move the selection and keep it in view.
      await page.focus('.scroller');
      await page.keyboard.press('Home');
      v = await view(page);
      assert.equal(v.scrollTop, 0);
      assertView(v, rows, 'Home');
      assert.equal(v.visible.find((r) => r.selected)?.index, 0);
      for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
      v = await view(page);
      assertView(v, rows, 'PageDown');
      const page3 = 3 * (Math.floor(v.clientHeight / 32) - 1);
      assert.equal(v.visible.find((r) => r.selected)?.index, page3, 'the selection moved three pages, in view');
      await page.keyboard.press('End');
      v = await view(page);
      assertView(v, rows, 'End');
      assert.equal(v.visible.find((r) => r.selected)?.index, ROWS - 1, 'End selects the last row, in view');
      assert.equal(v.visible.at(-1)!.key, rows[ROWS - 1].key);
      assert.deepEqual(opened.errors, []);
    } finally {
      await opened.close();
    }
  });

  it('sorts and filters all 200,000 rows', async () => {
    const opened = await openReport(html);
    const { page } = opened;
    /** The view at the top, the middle and the end against `expected`. */
    const check = async (expected: readonly Expected[], what: string): Promise<void> => {
      await scrollTo(page, 0);
      assertView(await view(page), expected, `${what}, the top`);
      if (expected.length > 1000) {
        await scrollTo(page, Math.floor(expected.length / 2) * 32);
        assertView(await view(page), expected, `${what}, the middle`);
      }
      await scrollTo(page, 'end');
      const v = await view(page);
      assertView(v, expected, `${what}, the end`);
      assert.equal(v.visible.at(-1)!.index, expected.length - 1, `${what}: the last row at the end`);
    };
    const rank = new Map(rows.map((r, i) => [r, i]));
    const byReport = (a: Expected, b: Expected): number => rank.get(a)! - rank.get(b)!;
    try {
      // The key, ascending then descending (a click, then Enter on the header).
      await page.click('#groups thead button[data-column="0"]');
      const ascending = [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      await check(ascending, 'by key, ascending');
      await page.focus('#groups thead button[data-column="0"]');
      await page.keyboard.press('Enter');
      await check([...ascending].reverse(), 'by key, descending');
      // Counts, most first; ties in the report's order.
      await page.click('#groups thead button[data-column="1"]');
      await check([...rows].sort((a, b) => b.count - a.count || byReport(a, b)), 'by count');
      // First seen: text in order (the CSV's times, one offset), ties in the report's order.
      const firstColumn = await page.$eval('#groups thead', (head) => [...head.querySelectorAll('button')].findIndex((b) => b.textContent === 'first seen'));
      await page.click(`#groups thead button[data-column="${firstColumn}"]`);
      const byFirst = [...rows].sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : byReport(a, b)));
      await check(byFirst, 'by first seen');
      // A CIDR block, then text, in the current order.
      await page.fill('#filter', '10.2.0.0/16');
      await page.locator('#shown', { hasText: /^65,536 of 200,000 groups$/ }).waitFor();
      await check(byFirst.filter((r) => r.key.startsWith('10.2.')), 'filtered by 10.2.0.0/16');
      await page.fill('#filter', '.7.1');
      const withText = byFirst.filter((r) => r.key.includes('.7.1'));
      await page.locator('#shown', { hasText: new RegExp(`^${withText.length.toLocaleString('en-US')} of 200,000 groups$`) }).waitFor();
      await check(withText, 'filtered by .7.1');
      await page.fill('#filter', '');
      await page.locator('#shown', { hasText: /^200,000 of 200,000 groups$/ }).waitFor();
      await check(byFirst, 'the filter cleared');
      assert.deepEqual(opened.errors, []);
    } finally {
      await opened.close();
    }
  });
});

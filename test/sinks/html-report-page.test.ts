// The HTML report's page (report/page.ts, inlined by src/sinks/html-report.ts) in headless Chromium: the reports
// of the shipped sample and of a real log load with no console error and no request beyond the file; the
// figures shown equal the CSV's; sorting, filtering (text and CIDR) and the drill-down work by mouse and by
// keyboard; lines crafted to break out of the page show as written and run nothing. Screenshots at 1280x800 in
// both themes, and at a phone's width, go to dist/test-artifacts/.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyze } from '../../src/engine/analyze.js';
import { noBrowser, openReport, screenshot, type OpenedPage } from '../support/browser.js';
import { runCli } from '../support/cli.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { REAL, REPO_ROOT } from '../support/paths.js';

const SAMPLE = join(REPO_ROOT, 'data', 'sample.log');
const dir = makeTempDir('logsift-report-page-');
after(() => removeDir(dir));

/** Runs the command line with a report; gives the report's path and the CSV's rows (split on commas). */
async function report(name: string, args: readonly string[]): Promise<{ html: string; csv: string[][] }> {
  const html = join(dir, `${name}.html`);
  const csv = join(dir, `${name}.csv`);
  const run = await runCli([...args, '--output', csv, '--html', html, '--no-progress']);
  assert.equal(run.code, 0, run.stderr);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  return { html, csv: lines.map((line) => line.split(',')) };
}

/** The table's rows as shown: the cells' text, commas of thousands removed, the sparkline cell left out. */
function shownRows(opened: OpenedPage): Promise<string[][]> {
  return opened.page.$$eval('#groups tbody tr[data-row]', (rows) =>
    rows.map((row) => [...(row as unknown as { cells: Cell[] }).cells].filter((c) => !c.classList.contains('spark-cell')).map((c) => c.textContent!)),
  );
}

/** What the tests read of the page's globals (the DOM's types are not in the Node build). */
interface Doc {
  readonly document: { activeElement: { className: string }; documentElement: { scrollWidth: number } };
  readonly innerWidth: number;
}

/** Polls `check` until it holds (5 s at most). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail('the page did not get there in 5 s');
}

/** What the test reads of a table cell (the DOM's types are not in the Node build). */
interface Cell {
  readonly classList: { contains(name: string): boolean };
  readonly textContent: string | null;
}

const plain = (cells: string[]): string[] => cells.map((c) => (/^[\d,]+$/.test(c) ? c.replace(/,/g, '') : c));

describe('the report page in Chromium', { skip: noBrowser }, () => {
  let sample: { html: string; csv: string[][] };
  before(async () => {
    sample = await report('sample', ['--input', SAMPLE]);
  });

  it('shows the sample\'s figures, equal to the CSV, with no error and no request', async () => {
    const opened = await openReport(sample.html);
    try {
      assert.deepEqual(opened.errors, []);
      assert.deepEqual(opened.requests, []);
      const [header, ...rows] = sample.csv;
      const shown = (await shownRows(opened)).map(plain);
      assert.equal(shown.length, rows.length);
      // CSV: ip,count,<codes>,first_seen,last_seen; the table: the same columns, in the same order.
      assert.deepEqual(shown, rows);
      const headings = await opened.page.$$eval('#groups thead button', (b) => b.map((x) => x.textContent));
      assert.deepEqual(headings, header.map((h) => h.replace(/_/g, ' ')));
      const result = await analyze({ input: SAMPLE });
      const fact = (name: string): Promise<string> => opened.page.$eval(`[data-fact="${name}"]`, (e) => e.textContent!.replace(/,/g, ''));
      assert.equal(await fact('lines'), String(result.summary.lines));
      assert.equal(await fact('matched'), String(result.summary.matched));
      assert.equal(await fact('reported'), String(result.summary.reported));
      const breakdown = await opened.page.$$eval('#breakdown tbody tr', (trs) => trs.map((tr) => Number(tr.children[1].textContent!.replace(/,/g, ''))));
      assert.equal(breakdown.reduce((a, b) => a + b, 0), result.summary.matched, 'the breakdown sums to the matching count');
      await screenshot(opened.page, 'report-sample-light');
      await opened.page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(opened.page, 'report-sample-dark');
    } finally {
      await opened.close();
    }
  });

  it('sorts, filters and opens a group by mouse', async () => {
    const opened = await openReport(sample.html);
    const { page } = opened;
    try {
      await page.click('#groups thead button[data-column="0"]');
      const keys = (await shownRows(opened)).map((r) => r[0]);
      assert.deepEqual(keys, [...keys].sort());
      assert.equal(await page.getAttribute('#groups thead th:first-child', 'aria-sort'), 'ascending');
      await page.click('#groups thead button[data-column="0"]');
      const down = (await shownRows(opened)).map((r) => r[0]);
      assert.deepEqual(down, [...keys].reverse());
      // A text filter, then a CIDR block.
      const withText = sample.csv.slice(1).filter((r) => r[0].includes('2001:db8')).length;
      assert.ok(withText > 0);
      await page.fill('#filter', '2001:DB8');
      await until(async () => (await page.$$('#groups tbody tr[data-row]')).length === withText);
      await page.fill('#filter', '2001:db8::/32');
      await until(async () => (await page.textContent('#shown'))!.startsWith(`${withText} of`));
      assert.ok((await shownRows(opened)).every((r) => r[0].startsWith('2001:db8:')), 'an IPv6 block');
      await page.fill('#filter', '143.212.0.0/16');
      await until(async () => (await page.textContent('#shown'))!.startsWith('1 of'));
      assert.deepEqual((await shownRows(opened)).map((r) => r[0]), ['143.212.203.51']);
      await page.fill('#filter', '');
      await until(async () => (await page.textContent('#shown'))!.startsWith('14 of'));
      // The drill-down.
      await page.click('#groups tbody tr[data-row] td.key >> nth=0');
      await page.waitForSelector('dialog#detail[open]');
      const first = (await shownRows(opened))[0];
      assert.equal(await page.textContent('#detail-title'), first[0]);
      const codes = await page.$$eval('#detail .codes tr', (trs) => trs.map((tr) => Number(tr.children[1].textContent)));
      assert.equal(codes.reduce((a, b) => a + b, 0), Number(first[1]));
      assert.ok((await page.$$('#detail .tops li')).length > 0, 'top paths and user agents');
      await screenshot(page, 'report-sample-detail');
      await page.click('#detail .close');
      assert.equal(await page.$('dialog#detail[open]'), null);
      assert.deepEqual(opened.errors, []);
    } finally {
      await opened.close();
    }
  });

  it('sorts and opens a group by keyboard', async () => {
    const opened = await openReport(sample.html);
    const { page } = opened;
    try {
      await page.focus('#groups thead button[data-column="1"]');
      await page.keyboard.press('Enter');
      const counts = (await shownRows(opened)).map((r) => Number(r[1]));
      assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
      await page.focus('.scroller');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.waitForSelector('dialog#detail[open]');
      assert.equal(await page.textContent('#detail-title'), (await shownRows(opened))[2][0]);
      await page.keyboard.press('Escape');
      await until(async () => (await page.$('dialog#detail[open]')) === null);
      assert.equal(await page.evaluate(() => (globalThis as unknown as Doc).document.activeElement.className), 'scroller', 'focus comes back to the table');
      await page.keyboard.press('End');
      assert.equal(await page.getAttribute('#groups tbody tr[aria-selected="true"]', 'data-index'), '13');
      // The filter by keyboard: typed, then Tab into the table, a row chosen with the arrows, Enter.
      await page.focus('#filter');
      await page.keyboard.type('143.212.0.0/16');
      await until(async () => (await page.textContent('#shown'))!.startsWith('1 of'));
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => (globalThis as unknown as Doc).document.activeElement.className), 'scroller', 'Tab goes from the filter to the table');
      await page.keyboard.press('Home');
      await page.keyboard.press('Enter');
      await page.waitForSelector('dialog#detail[open]');
      assert.equal(await page.textContent('#detail-title'), '143.212.203.51');
      await page.keyboard.press('Escape');
      assert.deepEqual(opened.errors, []);
    } finally {
      await opened.close();
    }
  });

  it('with --window: says what the threshold means, and shows each group\'s peak window', async () => {
    const windowed = await report('window', ['--input', SAMPLE, '--window', '1m', '--threshold', '4']);
    const opened = await openReport(windowed.html);
    const { page } = opened;
    try {
      assert.deepEqual(opened.errors, []);
      assert.match((await page.textContent('#timeline-title + .note'))!, /at least 4 of its matching responses fall within some 1 min/);
      const [header, ...rows] = windowed.csv;
      assert.deepEqual(
        await page.$$eval('#groups thead button', (b) => b.map((x) => x.textContent)),
        header.slice(0, -1).map((h) => (h === 'peak_window_count' ? 'peak window' : h.replace(/_/g, ' '))),
      );
      // CSV: ..., first_seen, last_seen, peak_window_count, peak_window_start; the table, all but the start.
      const peakAt = header.indexOf('peak_window_count');
      const shown = (await shownRows(opened)).map(plain);
      assert.ok(shown.length > 0);
      assert.deepEqual(shown, rows.slice(0, shown.length).map((r) => r.slice(0, -1)));
      await page.click('#groups tbody tr[data-index="0"] td.key');
      await page.waitForSelector('dialog#detail[open]');
      assert.match((await page.textContent('#detail .facts'))!, new RegExp(`peak window${rows[0][peakAt]} within 1 min from ${rows[0][peakAt + 1].replace(/[+]/g, '\\+')}`));
    } finally {
      await opened.close();
    }
  });

  it('has a Content-Security-Policy that forbids loading anything', async () => {
    const opened = await openReport(sample.html);
    const { page } = opened;
    try {
      const policy = (await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content'))!;
      const directives = new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
      assert.deepEqual(directives.get('default-src'), ["'none'"]);
      for (const name of ['script-src', 'style-src']) {
        const values = directives.get(name)!;
        assert.ok(values.length === 1 && /^'sha256-[A-Za-z0-9+/=]+'$/.test(values[0]), `${name}: only the inlined one, by hash (${values.join(' ')})`);
      }
      assert.deepEqual(directives.get('img-src'), ['data:']);
      assert.equal([...directives.keys()].filter((name) => !['default-src', 'script-src', 'style-src', 'img-src', 'base-uri', 'form-action'].includes(name)).length, 0, policy);
      // Loads tried from the page (as an injected script would) are refused by the policy, before any request.
      const refused = await page.evaluate(async () => {
        const { document, fetch } = globalThis as unknown as {
          document: { createElement(tag: string): { src: string; href: string; rel: string }; head: { append(e: unknown): void }; addEventListener(name: string, f: (e: { blockedURI: string }) => void): void };
          fetch(url: string): Promise<unknown>;
        };
        const blocked: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) => blocked.push(e.blockedURI));
        const img = document.createElement('img');
        img.src = 'http://127.0.0.1:9/pixel.png';
        document.head.append(img);
        const script = document.createElement('script');
        script.src = 'http://127.0.0.1:9/x.js';
        document.head.append(script);
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = 'http://127.0.0.1:9/x.css';
        document.head.append(link);
        const fetched = await fetch('http://127.0.0.1:9/data').then(() => 'fetched', () => 'refused');
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { blocked: blocked.length, fetched };
      });
      assert.equal(refused.fetched, 'refused');
      assert.ok(refused.blocked >= 4, `${refused.blocked} loads refused by the policy`);
      assert.deepEqual(opened.requests, [], 'no request left the page');
    } finally {
      await opened.close();
    }
  });

  it('has enough contrast in both themes (WCAG AA: 4.5 for text)', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const opened = await openReport(sample.html, { colorScheme });
      try {
        // The drill-down open too (of the second row, so that the first is not the selected one).
        await opened.page.click('#groups tbody tr[data-index="1"] td.key');
        await opened.page.waitForSelector('dialog#detail[open]');
        // Text colour against the nearest opaque background, for each kind of text the page has.
        const pairs = await opened.page.evaluate(() => {
          const { document, getComputedStyle } = globalThis as unknown as {
            document: { querySelector(s: string): { parentElement: unknown } | null };
            getComputedStyle(e: unknown): { color: string; backgroundColor: string };
          };
          const background = (e: { parentElement: unknown } | null): string => {
            for (let at = e; at; at = at.parentElement as typeof e) {
              const color = getComputedStyle(at).backgroundColor;
              if (color !== 'rgba(0, 0, 0, 0)' && color !== 'transparent') return color;
            }
            return 'rgb(255, 255, 255)';
          };
          return ['h1', 'h2', '.subtitle', '.facts dt', '.facts dd', '.note', '#shown', '#filter', '#groups thead button', '#groups th.spark-head', '#groups td.key', '#groups td.time', '#groups td.num', '#breakdown th', '#breakdown td.num', '.u-legend .u-label', '.u-legend .u-value', '#groups tr[aria-selected="true"] td.key', '#detail h2', '#detail h3', '#detail .facts dt', '#detail .facts dd', '#detail .codes th', '#detail .tops .value', '#detail .close']
            .map((selector) => {
              const e = document.querySelector(selector);
              return e ? { selector, fg: getComputedStyle(e).color, bg: background(e) } : { selector, fg: '', bg: '' };
            });
        });
        for (const { selector, fg, bg } of pairs) {
          assert.ok(fg !== '', `${selector} is on the page`);
          const ratio = contrast(fg, bg);
          assert.ok(ratio >= 4.5, `${colorScheme}: ${selector} ${fg} on ${bg}: ${ratio.toFixed(2)}`);
        }
      } finally {
        await opened.close();
      }
    }
  });

  it('reads at a phone\'s width', async () => {
    const opened = await openReport(sample.html, { width: 390, height: 844 });
    try {
      assert.deepEqual(opened.errors, []);
      const overflow = await opened.page.evaluate(() => {
        const { document, innerWidth } = globalThis as unknown as Doc;
        return document.documentElement.scrollWidth - innerWidth;
      });
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
      await screenshot(opened.page, 'report-sample-phone');
    } finally {
      await opened.close();
    }
  });

  it('shows lines crafted to break out as written, and runs none of them', async () => {
    const hostile = [
      '/\\"><script>window.__pwned=1</script>',
      '/</script><script>window.__pwned=2</script>',
      'javascript:window.__pwned=3',
      '/\x1b[31mred\x07\x01',
      '/\xff\xfe\xc3(',
      "/'onmouseover='window.__pwned=4",
    ];
    const agents = ['</script><img src=x onerror=\\"window.__pwned=5\\">', '\\"><svg onload=window.__pwned=6>', 'javascript:alert(7)'];
    const lines: string[] = [];
    hostile.forEach((path, i) => {
      for (let n = 0; n < 2; n++) {
        lines.push(`198.51.100.${i} - - [01/May/2024:00:00:0${i} +0000] "GET ${path} HTTP/1.1" 404 1 "javascript:alert(8)" "${agents[(i + n) % agents.length]}"`);
      }
    });
    const log = join(dir, 'hostile.log');
    writeFileSync(log, Buffer.from(lines.join('\n') + '\n', 'latin1'));
    for (const by of ['path', 'ip', 'user_agent']) {
      const { html } = await report(`hostile-${by}`, ['--input', log, '--threshold', '1', '--by', by]);
      const expected = await analyze({ input: log, threshold: 1, by });
      const opened = await openReport(html);
      const { page } = opened;
      try {
        const shown = (await shownRows(opened)).map((r) => r[0]).sort();
        assert.deepEqual(shown, expected.rows.map((r) => r.key).sort(), 'keys show as written');
        if (by === 'ip') {
          // Each client's top paths in the drill-down: those that grouping by client and path finds.
          const pairs = await analyze({ input: log, threshold: 1, by: 'ip,path' });
          for (let i = 0; i < expected.rows.length; i++) {
            await page.click(`#groups tbody tr[data-index="${i}"] td.key`);
            await page.waitForSelector('dialog#detail[open]');
            const key = (await page.textContent('#detail-title'))!;
            const paths = await page.$$eval('#detail .tops >> nth=0', (lists) => lists.map((l) => [...l.querySelectorAll('.value')].map((v) => v.textContent)));
            const wanted = pairs.rows.filter((r) => r.keys[0] === key).map((r) => r.keys[1]);
            assert.deepEqual(paths[0], wanted, `${key}'s top paths`);
            await page.keyboard.press('Escape');
          }
        }
        const pwned = await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned);
        assert.equal(pwned, undefined, 'nothing from the log ran');
        assert.equal(await page.$$eval('img, svg:not(.u-over svg), iframe, object', (e) => e.length), 0, 'no element from the log');
        // Tooltips (the title attribute) hold the text as written; no attribute acts (no on..., no link).
        const cells = await page.$$eval('#groups tbody td.key', (tds) => tds.map((td) => [td.textContent, td.getAttribute('title')]));
        for (const [text, title] of cells) assert.equal(title, text, 'the tooltip is the text');
        const acting = await page.$$eval('*', (all) =>
          (all as unknown as { getAttributeNames(): string[]; getAttribute(name: string): string | null }[]).flatMap((e) => e.getAttributeNames().filter((name) => name.startsWith('on') || ((name === 'href' || name === 'src') && /^\s*javascript:/i.test(e.getAttribute(name)!)))),
        );
        assert.deepEqual(acting, [], 'no event handler or javascript: link in the page');
        assert.equal(await page.$$eval('a[href]', (a) => a.length), 0, 'no link made from the log');
        assert.deepEqual(opened.errors, []);
        assert.deepEqual(opened.requests, []);
      } finally {
        await opened.close();
      }
    }
  });

  it('shows a real log\'s report with no error and no request', { skip: !existsSync(REAL.nginx) && 'no ../shared/data/real (the real logs)' }, async () => {
    const real = await report('real', ['--input', REAL.nginx, '--threshold', '2']);
    const opened = await openReport(real.html);
    try {
      assert.deepEqual(opened.errors, []);
      assert.deepEqual(opened.requests, []);
      const shown = await opened.page.$eval('#shown', (e) => e.textContent!);
      assert.match(shown, new RegExp(`of ${(real.csv.length - 1).toLocaleString('en-US')} groups`));
      // Every row drawn (the first screenful and a few more) is the CSV's, in its order.
      const drawn = (await shownRows(opened)).map(plain);
      assert.ok(drawn.length > 0);
      assert.deepEqual(drawn, real.csv.slice(1, 1 + drawn.length));
      await screenshot(opened.page, 'report-real-light');
    } finally {
      await opened.close();
    }
  });
});

/** WCAG contrast ratio of two `rgb(...)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string): number => {
    const [r, g, bl] = color.match(/[\d.]+/g)!.slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

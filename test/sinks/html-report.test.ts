// The HTML report's file (src/sinks/html-report.ts): one page whose policy allows exactly its own inlined
// script and style and nothing remote, whose data (gzipped, base64) is the result's and nothing of which
// appears as markup, written atomically; `.html` and `--output-format html` choose it.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { escapeHtml, formatHtml, pageData, saveHtml } from '../../src/sinks/html-report.js';
import { outputFormatFor } from '../../src/sinks/output.js';
import { readPageData } from '../support/page-data.js';
import { analyzeContent, makeTempDir, removeDir } from '../support/files.js';

const dir = makeTempDir('logsift-html-');
after(() => removeDir(dir));

const HOSTILE = [
  '10.0.0.1 - - [01/May/2024:00:00:01 +0000] "GET /</script><script>alert(1)</script> HTTP/1.1" 404 1 "-" "<!-- x"',
  '10.0.0.1 - - [01/May/2024:00:00:02 +0000] "GET /\xff\xfe&amp;\x1b[0m HTTP/1.1" 500 1 "javascript:alert(2)" "\\"><b>"',
].join('\n') + '\n';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64');

describe('the HTML report file', () => {
  it('inlines its script and style under a policy that allows only them', async () => {
    const { result } = await analyzeContent(HOSTILE, { threshold: 1, report: true });
    const html = formatHtml(result);
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1].replace(/&#39;/g, "'");
    const script = /<script>([\s\S]*?)<\/script>\n<\/body>/.exec(html)![1];
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    assert.equal(policy, `default-src 'none'; script-src 'sha256-${sha256(script)}'; style-src 'sha256-${sha256(style)}'; img-src data:; base-uri 'none'; form-action 'none'`);
    // Two script elements: the data (not run) and the page's; no markup from the log.
    assert.equal(html.match(/<script/g)!.length, 2);
    for (const piece of ['alert(1)', '<!-- x', 'javascript:', '<b>']) assert.ok(!html.includes(piece), piece);
  });

  it('carries the result\'s data, gzipped, decodable as the page does', async () => {
    const { result } = await analyzeContent(HOSTILE, { threshold: 1, report: true, by: 'ip' });
    const html = formatHtml(result);
    const data = readPageData(html);
    assert.deepEqual(data, JSON.parse(JSON.stringify(pageData(result))));
    assert.deepEqual(data.groups.keys, [['10.0.0.1']]);
    assert.equal(data.groups.count[0], 2);
    const paths = data.groups.topPaths[0] as number[];
    assert.deepEqual(
      [data.strings[paths[0]], data.strings[paths[3]]].sort(),
      ['/</script><script>alert(1)</script>', '/\xff\xfe&amp;\x1b[0m'].sort(),
      'paths as written (invalid UTF-8 one char per byte)',
    );
  });

  it('is saved atomically and chosen by .html, .htm or --output-format html', async () => {
    const { result } = await analyzeContent(HOSTILE, { threshold: 1, report: true });
    const path = join(dir, 'report.html');
    writeFileSync(path, 'old');
    saveHtml(result, path);
    assert.equal(readFileSync(path, 'utf8'), formatHtml(result));
    assert.deepEqual(readdirSync(dir), ['report.html']);
    assert.equal(outputFormatFor('x/Report.HTML'), 'html');
    assert.equal(outputFormatFor('r.htm'), 'html');
    assert.equal(outputFormatFor('r.csv', 'html'), 'html');
  });

  it('needs the report data, and says so', async () => {
    const { result } = await analyzeContent(HOSTILE, { threshold: 1 });
    assert.throws(() => formatHtml(result), /the HTML report needs the report data: analyze with report: true/);
  });

  it('escapes text for HTML', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
  });
});

// JSON and NDJSON output: valid against the committed schema (schema/result.schema.json) for every kind of
// analysis, the same rows as the CSV, byte-identical at any thread count, written atomically.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { analyze } from '../../src/engine/analyze.js';
import type { EngineOptions } from '../../src/options/internal-options.js';
import type { AnalyzeResult } from '../../src/tables/result.js';
import { csvHeader, formatCsv } from '../../src/sinks/csv.js';
import { formatJson, formatNdjson, saveJson, saveNdjson } from '../../src/sinks/json.js';
import { outputFormatFor } from '../../src/sinks/output.js';
import { analyzeText, logs } from '../support/analysis-logs.js';
import { NEEDS_REAL_LOGS, REAL_LOGS } from '../support/paths.js';

const schema = JSON.parse(readFileSync(resolve('schema', 'result.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validateResult = ajv.compile(schema);
const validateRow = ajv.compile({ $ref: `${schema.$id}#/$defs/row` });

const REAL = REAL_LOGS;
const dir = mkdtempSync(join(tmpdir(), 'logsift-json-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function valid(validate: typeof validateResult, value: unknown): void {
  assert.ok(validate(value), JSON.stringify(validate.errors, null, 1));
}

/** Checks a result's JSON and NDJSON against the schema and against the result itself. */
function checkJson(result: AnalyzeResult): void {
  const doc = JSON.parse(formatJson(result));
  valid(validateResult, doc);
  assert.deepEqual(doc.key_fields, result.keyFields);
  assert.deepEqual(doc.status_columns, result.statusColumns);
  assert.equal(doc.rows.length, result.rows.length);
  const s = doc.summary;
  assert.equal(s.parsed + s.malformed + s.blank + s.comment, s.lines);
  result.rows.forEach((row, i) => {
    const json = doc.rows[i];
    assert.deepEqual(Object.values(json.key), row.keys);
    assert.deepEqual(Object.keys(json.key), result.keyFields);
    assert.equal(json.count, row.count);
    assert.deepEqual(Object.values(json.by_status), row.byCode);
    assert.equal((Object.values(json.by_status) as number[]).reduce((a, b) => a + b, 0), row.count);
    assert.equal(json.first_seen, row.firstSeen);
    assert.equal(json.peak_window_count, row.peakWindowCount);
  });
  const lines = formatNdjson(result).split('\n');
  assert.equal(lines.pop(), '', 'NDJSON ends with a newline (or is empty)');
  assert.equal(lines.length, result.rows.length);
  lines.forEach((line, i) => {
    const row = JSON.parse(line);
    valid(validateRow, row);
    assert.deepEqual(row, doc.rows[i]);
  });
}

describe('JSON output', () => {
  const realRuns: Array<[string, Omit<EngineOptions, 'input'>]> = [
    ['apache_combined_semicomplete_2015_elastic.log', { threshold: 2 }],
    ['apache_combined_semicomplete_2015_elastic.log', { by: 'ip,path,status', errorCodes: ['4xx', '500-599'], threshold: 1 }],
    ['apache_combined_semicomplete_2015_elastic.log', { by: 'user_agent', window: '10m', threshold: 2, since: '2d', until: '2015-05-20T12:00:00Z' }],
    ['apache_combined_semicomplete_2015_elastic.log', { by: 'referrer,method', excludeIp: ['66.249.0.0/16'], includeIp: ['0.0.0.0/0', '::/0'], threshold: 1 }],
    ['clf_nasa_ksc_aug1995_first20k.log', { by: 'path', errorCodes: ['4xx'], threshold: 1, window: '1h' }],
    ['nginx_combined_factweavers_2020.log', { by: 'ip,user_agent', errorCodes: ['1xx', '2xx', '3xx', '4xx', '5xx'], threshold: 1 }],
    ['iis_w3c_knowit_u_ex151020.log', { by: 'path,status', errorCodes: ['200-599'], threshold: 1, window: '1h' }],
  ];
  for (const [file, options] of realRuns) {
    it(`is valid and matches the result: ${file} ${JSON.stringify(options)}`, NEEDS_REAL_LOGS, async () => {
      const result = await analyzeText(readFileSync(join(REAL, file)), { threads: 2, ...options });
      assert.ok(result.rows.length > 0, 'some rows');
      checkJson(result);
    });
  }

  it('is valid for generated logs and any analysis (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        logs,
        fc.constantFrom<Omit<EngineOptions, 'input'>>(
          {},
          { by: 'path,method', keepQuery: true },
          { errorCodes: ['4xx', '5xx'], window: 90 },
          { since: '20m', excludeIp: ['10.0.0.0/8'] },
          { until: '2024-05-01T01:00:00+01:00', by: 'status' },
        ),
        async (log, options) => checkJson(await analyzeText(log, { threshold: 1, ...options })),
      ),
      { numRuns: 25 },
    );
  });

  it('is a document with empty rows when nothing is reported, and NDJSON is then empty', async () => {
    const result = await analyzeText('', { threshold: 5 });
    const doc = JSON.parse(formatJson(result));
    valid(validateResult, doc);
    assert.deepEqual(doc.rows, []);
    assert.equal(formatNdjson(result), '');
  });

  it('is byte-identical for threads 1 and 3 (no timing, no thread count in it)', NEEDS_REAL_LOGS, async () => {
    const options = { input: join(REAL, 'apache_combined_semicomplete_2015_elastic.log'), by: 'path', window: '1h', threshold: 2, rangeBytes: 200_000 };
    const one = formatJson(await analyze({ ...options, threads: 1 }));
    const three = formatJson(await analyze({ ...options, threads: 3, chunkBytes: 4096 }));
    assert.equal(one, three);
  });

  it('has the same rows as the CSV', NEEDS_REAL_LOGS, async () => {
    const result = await analyzeText(readFileSync(join(REAL, 'apache_combined_semicomplete_2015_elastic.log')), { by: 'ip,path', window: '5m', threshold: 2 });
    const doc = JSON.parse(formatJson(result));
    const header = csvHeader(result);
    const csvRows = formatCsv(result).trim().split('\n').slice(1);
    assert.equal(csvRows.length, doc.rows.length);
    const fromJson = doc.rows.map((r: Record<string, never>) => {
      const record = [...Object.values(r.key), r.count, ...Object.values(r.by_status), r.first_seen, r.last_seen, r.peak_window_count, r.peak_window_start];
      return record.map((v) => (/[",]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v))).join(',');
    });
    assert.equal(header.length, 2 + 1 + result.statusColumns.length + 2 + 2);
    assert.deepEqual(fromJson, csvRows);
  });

  it('is written atomically: a failed write leaves the old file and no temp file', async () => {
    const result = await analyzeText('', { threshold: 1 });
    const target = join(dir, 'kept.json');
    writeFileSync(target, 'old');
    saveJson(result, target);
    assert.equal(JSON.parse(readFileSync(target, 'utf8')).rows.length, 0);
    const blocked = join(dir, 'file-not-folder');
    writeFileSync(blocked, 'x');
    assert.throws(() => saveNdjson(result, join(blocked, 'out.ndjson')));
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
    assert.equal(existsSync(join(blocked, 'out.ndjson')), false);
  });
});

describe('outputFormatFor', () => {
  it('takes the format given, else the extension', () => {
    assert.equal(outputFormatFor('x.csv'), 'csv');
    assert.equal(outputFormatFor('x.JSON'), 'json');
    assert.equal(outputFormatFor('x.ndjson'), 'ndjson');
    assert.equal(outputFormatFor('x.jsonl'), 'ndjson');
    assert.equal(outputFormatFor('x.txt'), 'csv');
    assert.equal(outputFormatFor('x'), 'csv');
    assert.equal(outputFormatFor('x.json', 'csv'), 'csv');
    assert.equal(outputFormatFor('x.csv', 'ndjson'), 'ndjson');
    assert.throws(() => outputFormatFor('x.csv', 'xml'), /unknown output format 'xml': use csv, json, ndjson/);
  });
});

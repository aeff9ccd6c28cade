// DuckDB's answer to logsift's question on a Caddy JSON log, as one process the bench times like logsift:
// read_json with the needed columns only, counts per status, first and last time, GROUP BY client HAVING count >= n.
// usage: node dist/bench/duckdb-query.js LOG OUT.csv THRESHOLD THREADS   (writes logsift's CSV columns)

import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

/** logsift's default codes, the columns of its CSV. */
export const DEFAULT_CODES = [400, 401, 403, 404, 405, 500, 501, 502, 503, 504, 505];

const sqlText = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export function duckdbQuery(log: string, threshold: number, codes: readonly number[] = DEFAULT_CODES): string {
  const columns = codes.map((code) => `count(*) FILTER (WHERE status = ${code}) AS "${code}"`).join(', ');
  return (
    `SELECT request.remote_ip AS ip, count(*) AS count, ${columns}, min(ts) AS first_seen, max(ts) AS last_seen ` +
    `FROM read_json(${sqlText(log)}, format = 'newline_delimited', columns = {request: 'STRUCT(remote_ip VARCHAR)', status: 'INTEGER', ts: 'DOUBLE'}) ` +
    `WHERE status IN (${codes.join(', ')}) GROUP BY ALL HAVING count(*) >= ${threshold}`
  );
}

const csvCell = (value: unknown): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

async function main(): Promise<void> {
  const [log, out, threshold = '10', threads = '2'] = process.argv.slice(2);
  if (!log || !out) throw new Error('usage: duckdb-query LOG OUT.csv [THRESHOLD] [THREADS]');
  const instance = await DuckDBInstance.create(':memory:', { threads });
  const connection = await instance.connect();
  const result = await connection.runAndReadAll(duckdbQuery(log, Number(threshold)));
  const header = ['ip', 'count', ...DEFAULT_CODES.map(String), 'first_seen', 'last_seen'];
  const lines = [header.join(',')];
  for (const row of result.getRows()) {
    const cells = row.map((value, i) => (i >= row.length - 2 ? new Date(Number(value) * 1000).toISOString() : String(value)));
    lines.push(cells.map(csvCell).join(','));
  }
  writeFileSync(out, `${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`duckdb-query: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

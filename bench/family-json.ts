// JSON lines against DuckDB: the same question (counts per status, first and last time, clients over the
// threshold) on the Caddy JSON log of the workload's events, both with 2 threads, both whole processes.

import { join } from 'node:path';
import { ensureFormats } from './derived.js';
import { formatSize } from './sizes.js';
import { formatRatio } from './table.js';
import { compareGroups } from './verify.js';
import { warmCache } from './workload.js';
import { byId, cell, logsiftCommand, ratio, ratioCheck, readText, reportSection, runMeasuredRounds, type Family, type WorkloadCommand } from './workloads.js';
import { shellLine } from './tools.js';
import { statSync } from 'node:fs';

export const DUCKDB_RATIO_TARGET = 0.8;

export const jsonFamily: Family = async (ctx) => {
  const set = await ensureFormats(ctx.dir, ctx.base, ctx.note);
  const caddy = set.files[set.formats.findIndex((f) => f.id === 'caddy')];
  const script = join(ctx.logsift, '..', '..', '..', 'bench', 'duckdb-query.js');
  const duckCsv = join(ctx.outDir, 'json-duckdb.csv');
  const duck: WorkloadCommand = {
    id: 'json-duckdb',
    label: 'DuckDB read_json, 2 threads',
    argv: [process.execPath, script, caddy, duckCsv, '10', '2'],
    shown: shellLine(['node', 'dist/bench/duckdb-query.js', caddy, duckCsv, '10', '2']),
    okCodes: [0],
    csv: duckCsv,
  };
  const commands = [logsiftCommand(ctx, 'json-logsift', 'logsift --threads 2', [caddy], ['--threads', '2']), duck];
  warmCache(caddy);
  const measured = await runMeasuredRounds(ctx, 'json', commands);
  const difference = compareGroups(readText(commands[0].csv!), readText(duckCsv));
  reportSection(ctx, `Caddy JSON (${formatSize(statSync(caddy).size)}) against DuckDB`, measured, [
    `- DuckDB's query: the columns request.remote_ip, status and ts only; WHERE status IN (default codes) GROUP BY client HAVING count(*) >= 10 (bench/duckdb-query.ts)`,
    `- DuckDB's clients and counts against logsift's: ${difference === null ? 'equal: OK' : `MISMATCH: ${difference}`}`,
  ]);
  const logsift = byId(measured, 'json-logsift');
  const db = byId(measured, 'json-duckdb');
  const check = ratioCheck(`Caddy JSON: logsift <= ${DUCKDB_RATIO_TARGET} x DuckDB (CPU; both 2 threads)`, logsift, db, 'cpu', { max: DUCKDB_RATIO_TARGET });
  const wall = ratioCheck(`Caddy JSON: logsift <= ${DUCKDB_RATIO_TARGET} x DuckDB (wall)`, logsift, db, 'wall', { max: DUCKDB_RATIO_TARGET });
  return {
    checks: [check, wall],
    rows: [{ workload: `Caddy JSON, the same events (${formatSize(statSync(caddy).size)})`, logsift: cell(logsift), peer: `DuckDB read_json, 2 threads: ${cell(db)}`, verdict: `${formatRatio(ratio(logsift, db, 'cpu').value)} x CPU, ${formatRatio(ratio(logsift, db, 'wall').value)} x wall (<= ${DUCKDB_RATIO_TARGET}): ${check.verdict}` }],
    correct: difference === null,
  };
};

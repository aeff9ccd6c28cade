// Runs the chosen workload families one after the other and prints, after each, its target verdicts, and at the
// end every verdict and the rows for the README's Benchmark table.

import { loadavg } from 'node:os';
import { coreFamily } from './family-core.js';
import { filesFamily } from './family-files.js';
import { formatsFamily } from './family-formats.js';
import { groupsFamily } from './family-groups.js';
import { gzipFamily } from './family-gzip.js';
import { jsonFamily } from './family-json.js';
import { optionsFamily } from './family-options.js';
import { targetsTable, type TargetCheck } from './targets.js';
import { readmeTable, type Family, type ReadmeRow, type WorkloadContext, type WorkloadId } from './workloads.js';

export const FAMILIES: Record<WorkloadId, Family> = {
  core: coreFamily,
  formats: formatsFamily,
  json: jsonFamily,
  files: filesFamily,
  gzip: gzipFamily,
  options: optionsFamily,
  groups: groupsFamily,
};

/** Returns false when a result differed from what it must equal. */
export async function runWorkloads(ctx: WorkloadContext, ids: readonly WorkloadId[]): Promise<boolean> {
  const checks: TargetCheck[] = [];
  const rows: ReadmeRow[] = [];
  let correct = true;
  for (const id of ids) {
    ctx.note(`workload ${id} (load average ${loadavg()[0].toFixed(1)}) ...`);
    const result = await FAMILIES[id](ctx);
    ctx.say(targetsTable(result.checks));
    ctx.say();
    checks.push(...result.checks);
    rows.push(...result.rows);
    correct &&= result.correct;
  }
  const passed = checks.filter((c) => c.verdict === 'PASS').length;
  const failed = checks.filter((c) => c.verdict === 'FAIL').length;
  ctx.say(`## Workloads: ${passed} targets met, ${failed} not, ${checks.length - passed - failed} skipped (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end)`);
  ctx.say();
  ctx.say('For the README (wall median, CPU = user + system, peak RSS; ratios as the targets judge them):');
  ctx.say();
  ctx.say(readmeTable(rows));
  ctx.say();
  return correct;
}

// The command line's way into a cluster run (`--redis`): the cluster driver, BullMQ and ioredis are loaded
// only here, on demand, so a local run never pays for them. Also what Ctrl-C must do during such a run:
// remove the run's jobs and partials from Redis before the process exits.

import type { EngineOptions } from '../options/internal-options.js';
import type { AnalyzeResult } from '../tables/result.js';

let cancel: (() => Promise<void>) | undefined;

/** The run on the cluster at `url`: its result (the local run's) and the lines that describe the cluster's part. */
export async function runOnCluster(url: string, options: EngineOptions): Promise<{ result: AnalyzeResult; lines: string[] }> {
  const [{ parseRedisUrl }, { analyzeOnCluster, cancelClusterRun }, { formatReport }] = await Promise.all([
    import('../cluster/redis-connection.js'),
    import('../cluster/coordinator.js'),
    import('../cluster/cluster-report.js'),
  ]);
  const target = parseRedisUrl(url);
  cancel = cancelClusterRun;
  const { result, cluster } = await analyzeOnCluster(options, target);
  return { result, lines: formatReport(cluster) };
}

/** On an interrupt: cleans up a cluster run in progress (bounded in time); nothing for a local run. */
export async function interruptClusterRun(): Promise<void> {
  await cancel?.();
}

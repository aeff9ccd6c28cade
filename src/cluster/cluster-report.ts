// What a cluster run says of itself, beside the result (which is the local run's, byte for byte): the workers
// that took part (host, process, jobs, MiB/s of their scanning), the jobs retried (a worker died or stalled
// holding them), and the partials' bytes and merge time, which the bench and the README's model use.

/** One worker process's share of a run. */
export interface WorkerShare {
  readonly host: string;
  readonly pid: number;
  jobs: number;
  /** Stored bytes it read, and the time it spent on them (from taking the job to storing its partials). */
  bytes: number;
  scanMs: number;
}

export interface ClusterReport {
  readonly run: string;
  jobs: number;
  /** Jobs handed to a worker more than once. */
  retried: number;
  partials: number;
  partialBytes: number;
  /** Time the coordinator spent reading partials from Redis, decoding and merging them. */
  mergeMs: number;
  readonly workers: WorkerShare[];
}

export function emptyReport(run: string): ClusterReport {
  return { run, jobs: 0, retried: 0, partials: 0, partialBytes: 0, mergeMs: 0, workers: [] };
}

/** Counts one merged job's figures in. */
export function countJob(
  report: ClusterReport,
  job: { host: string; pid: number; bytes: number; scanMs: number; attempts: number; partialBytes: readonly number[] },
): void {
  report.jobs++;
  if (job.attempts > 1) report.retried++;
  report.partials += job.partialBytes.length;
  for (const bytes of job.partialBytes) report.partialBytes += bytes;
  let share = report.workers.find((w) => w.host === job.host && w.pid === job.pid);
  if (!share) report.workers.push((share = { host: job.host, pid: job.pid, jobs: 0, bytes: 0, scanMs: 0 }));
  share.jobs++;
  share.bytes += job.bytes;
  share.scanMs += job.scanMs;
}

/** The report as lines for a person; host names come from workers, so control characters are dropped. */
export function formatReport(report: ClusterReport): string[] {
  const clean = (text: string): string => text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, '?');
  const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);
  const lines = [
    `cluster           ${plural(report.workers.length, 'worker')}, ${plural(report.jobs, 'job')}, ${report.retried} retried, ` +
      `${plural(report.partials, 'partial')} (${mib(report.partialBytes)} MiB, merged in ${(report.mergeMs / 1000).toFixed(2)} s)`,
  ];
  const workers = [...report.workers].sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid);
  for (const w of workers) {
    const speed = w.scanMs > 0 ? w.bytes / 1048576 / (w.scanMs / 1000) : 0;
    lines.push(`  ${clean(w.host)} pid ${w.pid}: ${plural(w.jobs, 'job')}, ${mib(w.bytes)} MiB, ${speed.toFixed(0)} MiB/s`);
  }
  return lines;
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

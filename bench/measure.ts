// Runs one command, timed from outside (spawn to exit), and measures the peak memory of the whole process.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './tools.js';

/** How peak memory is measured; the bench prints `description` under its table. */
export interface PeakMethod {
  readonly kind: 'gnu-time' | 'proc-poll' | 'none';
  readonly description: string;
  /** GNU time's path, for `gnu-time`. */
  readonly time?: string;
  /** bash's path, for `gnu-time`: its `times` gives the CPU to the millisecond (GNU time's `%U %S`: to 10 ms). */
  readonly bash?: string;
}

export interface RunResult {
  readonly seconds: number;
  /** Peak resident set size in bytes, or null when it cannot be measured here. */
  readonly peakBytes: number | null;
  /** User + system CPU seconds of the process and its threads (GNU time only; else null). */
  readonly cpuSeconds: number | null;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunSpec {
  readonly argv: readonly string[];
  /** Files that receive the command's stdout and stderr (the bench never holds them in a pipe). */
  readonly stdoutPath: string;
  readonly stderrPath: string;
  /** Where GNU time writes its figure. */
  readonly peakPath: string;
}

const POLL_MS = 5;

/**
 * The most exact method available. GNU time reports ru_maxrss from wait4(): the kernel's own high-water mark of the
 * process's resident memory, all its threads included (logsift's workers are threads), read after it exited, so
 * nothing is missed; its own fork+exec adds
 * about 2 ms to the wall time, the same for every command.
 * Without it, /proc/PID/status VmHWM (the same high-water mark) is polled, which misses growth after the last poll.
 */
export function detectPeakMethod(choice: 'auto' | 'gnu-time' | 'proc-poll' = 'auto'): PeakMethod {
  for (const candidate of choice === 'proc-poll' ? [] : ['/usr/bin/time', findExecutable('gtime')]) {
    if (!candidate) continue;
    const dir = mkdtempSync(join(tmpdir(), 'logsift-bench-'));
    try {
      const out = join(dir, 'peak');
      const probe = spawnSync(candidate, ['-f', '%M', '-o', out, 'true'], { stdio: 'ignore' });
      if (probe.status === 0 && /^\d+\s*$/.test(readFileSync(out, 'utf8'))) {
        const bash = findExecutable('bash') ?? undefined;
        const cpu = bash ? `CPU from bash's \`times\` (to 1 ms)` : 'CPU from its %U %S (to 10 ms)';
        return {
          kind: 'gnu-time',
          time: candidate,
          bash,
          description: `GNU time -f %M (${candidate}): ru_maxrss from wait4, the kernel's exact peak RSS of the process, all threads included; ${cpu}`,
        };
      }
    } catch {
      // not GNU time (BSD or busybox time), or no /usr/bin/time at all
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (choice === 'gnu-time') throw new Error('GNU time is not installed (apt-get install time)');
  try {
    readFileSync('/proc/self/status', 'utf8');
    return {
      kind: 'proc-poll',
      description: `VmHWM of /proc/PID/status polled every ${POLL_MS} ms (a lower bound: growth after the last poll is missed; apt-get install time for the exact figure)`,
    };
  } catch {
    return { kind: 'none', description: 'not measured (no GNU time and no /proc here)' };
  }
}

/** GNU time's `%U %S` line (the one before the peak): user + system seconds, or null. */
export function parseGnuTimeCpu(text: string): number | null {
  const lines = text.trim().split('\n');
  const match = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(lines[lines.length - 2]?.trim() ?? '');
  return match ? Number(match[1]) + Number(match[2]) : null;
}

/**
 * bash's `times` output: its own user and system time, then its children's (`0m0.192s 0m0.065s`); the children's
 * user + system seconds, or null.
 */
export function parseBashTimesCpu(text: string): number | null {
  const match = /^(\d+)m(\d+(?:\.\d+)?)s (\d+)m(\d+(?:\.\d+)?)s$/.exec(text.trim().split('\n')[1]?.trim() ?? '');
  return match ? Number(match[1]) * 60 + Number(match[2]) + Number(match[3]) * 60 + Number(match[4]) : null;
}

/**
 * Runs the command under bash, which writes its `times` to the file given first once the command exited, and
 * exits with the command's status. (GNU time prints CPU seconds to two decimals: 10 ms, a tenth of what a
 * small format's scan costs.)
 */
const TIMES_SCRIPT = 'f=$1; shift; "$@"; s=$?; times > "$f"; exit $s';

/** GNU time's output file: the figure (KiB) is the last line; "Command exited with non-zero status" may precede it. */
export function parseGnuTimeKib(text: string): number | null {
  const lines = text.trim().split('\n');
  const last = lines[lines.length - 1]?.trim() ?? '';
  return /^\d+$/.test(last) ? Number(last) : null;
}

function readTimes(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // bash was killed before it wrote them
  } finally {
    rmSync(path, { force: true });
  }
}

function vmHwmBytes(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null; // exited between two polls
  }
}

export async function runMeasured(spec: RunSpec, method: PeakMethod): Promise<RunResult> {
  const timesPath = `${spec.peakPath}.times`;
  const timed = method.bash ? [method.bash, '-c', TIMES_SCRIPT, 'logsift-bench', timesPath, ...spec.argv] : spec.argv;
  const argv = method.kind === 'gnu-time' ? [method.time!, '-f', '%U %S\\n%M', '-o', spec.peakPath, ...timed] : [...spec.argv];
  const stdout = openSync(spec.stdoutPath, 'w');
  const stderr = openSync(spec.stderrPath, 'w');
  try {
    let polled: number | null = null;
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', stdout, stderr] });
    const timer =
      method.kind === 'proc-poll' && child.pid !== undefined
        ? setInterval(() => {
            const now = vmHwmBytes(child.pid!);
            if (now !== null) polled = Math.max(polled ?? 0, now);
          }, POLL_MS)
        : undefined;
    const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code, sig) => resolve({ exitCode: code, signal: sig }));
      },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (timer) clearInterval(timer);

    let peakBytes: number | null = null;
    let cpuSeconds: number | null = null;
    if (method.kind === 'gnu-time') {
      const text = readFileSync(spec.peakPath, 'utf8');
      const kib = parseGnuTimeKib(text);
      peakBytes = kib === null ? null : kib * 1024;
      cpuSeconds = method.bash ? parseBashTimesCpu(readTimes(timesPath)) : parseGnuTimeCpu(text);
    } else if (method.kind === 'proc-poll') {
      peakBytes = polled;
    }
    return { seconds, peakBytes, cpuSeconds, exitCode, signal };
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
}

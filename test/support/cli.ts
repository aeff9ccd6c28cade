// Running the built command line (dist/bundle/cli/logsift.js) as a child process, as a user would.

import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_PATH } from './paths.js';

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  readonly cwd?: string;
  /** Added to a clean environment (no NO_COLOR / FORCE_COLOR / LOGSIFT_* from the caller). */
  readonly env?: Record<string, string>;
  /** Run as this user and group (tests run as root; permissions only bind other users). */
  readonly uid?: number;
  readonly gid?: number;
  /** Written to the child's stdin, a pipe, then closed (default: stdin is /dev/null, not a pipe). */
  readonly stdin?: string | Uint8Array;
  /** stdin is a pipe left open for `onSpawn` to write to (and close, or not). */
  readonly stdinOpen?: boolean;
  /** Called once the child is started (to signal it, close its pipes ...). */
  readonly onSpawn?: (child: ChildProcess) => void;
}

/** The environment minus what changes colour or logsift's behaviour. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(NO_COLOR|FORCE_COLOR|NODE_DISABLE_COLORS|LOGSIFT_.*|NODE_TEST_CONTEXT|NODE_OPTIONS)$/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  return runNode([CLI_PATH, ...args], options);
}

export function runNode(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: cleanEnv(options.env),
      uid: options.uid,
      gid: options.gid,
      stdio: [options.stdin === undefined && !options.stdinOpen ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (options.stdin !== undefined || options.stdinOpen) child.stdin!.on('error', () => undefined); // a child that exits before reading it all
    if (options.stdin !== undefined) child.stdin!.end(options.stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.onSpawn?.(child);
  });
}

/** True when running as root (file permissions do not bind root). */
export const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
/** The unprivileged user root runs permission tests as. */
export const NOBODY = 65534;

// The thread count, read from the arguments before the command line is loaded (cli/bin.ts starts the producers
// with it). Only --threads is looked at; the full parse (cli/args.ts) still checks everything.

import { availableParallelism } from 'node:os';

/** The thread count the arguments ask for; undefined when they ask for help or give no usable count. */
export function threadsFromArgs(args: readonly string[]): number | undefined {
  let threads: string | undefined;
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help' || arg === '-V' || arg === '--version') return undefined;
    if (arg === '--threads' || arg === '-t') threads = args[++i] ?? ''; // a flag without a value: refused later
    else if (arg.startsWith('--threads=')) threads = arg.slice('--threads='.length);
    else if (/^-t\d/.test(arg)) threads = arg.slice(2);
  }
  if (threads === undefined) return availableParallelism();
  return /^[1-9]\d{0,3}$/.test(threads) ? Number(threads) : undefined;
}

// What the figures were measured on: they mean little without the CPU, the cores, the memory and the Node version.

import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly logicalCpus: number;
  readonly memory: string;
  readonly node: string;
  readonly os: string;
  /** 1-minute load average when the bench started: a busy machine makes slow figures. */
  readonly load: number;
  /**
   * NODE_EXTRA_CA_CERTS, when set: every Node process (logsift, the DuckDB query) then reads and parses that CA
   * bundle as it starts, before any of its own code runs (a Debian bundle: about 40 ms of CPU), which the
   * native peers do not pay. Said beside the figures, not unset: it is the environment logsift runs in.
   */
  readonly extraCaCerts?: string;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() || 'unknown CPU',
    cores: availableParallelism(),
    logicalCpus: list.length,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${type()} ${release()}`,
    load: loadavg()[0],
    ...(process.env.NODE_EXTRA_CA_CERTS ? { extraCaCerts: process.env.NODE_EXTRA_CA_CERTS } : {}),
  };
}

export function formatMachine(machine: Machine): string {
  const busy = machine.load > 0.5 ? ` (the machine is busy: figures may be slow and noisy)` : '';
  const certs = machine.extraCaCerts
    ? [`         NODE_EXTRA_CA_CERTS=${machine.extraCaCerts}: each Node process parses it as it starts (tens of ms of CPU the native peers do not pay)`]
    : [];
  return [
    `machine: ${machine.cpu}, ${machine.cores} cores available (${machine.logicalCpus} logical CPUs), ${machine.memory} RAM`,
    `         Node ${machine.node}, ${machine.os}, load average ${machine.load.toFixed(2)} at start${busy}`,
    ...certs,
  ].join('\n');
}

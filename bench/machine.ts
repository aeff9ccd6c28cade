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
  };
}

export function formatMachine(machine: Machine): string {
  const busy = machine.load > 0.5 ? ` (the machine is busy: figures may be slow and noisy)` : '';
  return [
    `machine: ${machine.cpu}, ${machine.cores} cores available (${machine.logicalCpus} logical CPUs), ${machine.memory} RAM`,
    `         Node ${machine.node}, ${machine.os}, load average ${machine.load.toFixed(2)} at start${busy}`,
  ].join('\n');
}

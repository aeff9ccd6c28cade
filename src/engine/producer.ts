// A producer, run as a worker thread: takes byte ranges one at a time, scans them, and hands compact
// partial results to the consumer's queue, waiting for the queue to accept each before going on.

import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { formatByName } from '../formats/index.js';
import { GroupTable, partialTransferList } from './groups.js';
import type { FromProducer, ProducerConfig, ToProducer } from './messages.js';
import { KernelScanner, kernelSupports } from './kernel.js';
import { RangeReader } from './read.js';
import { LineScanner, statusColumns } from './scan.js';

/** Progress is reported at most this often (in bytes read), to keep messages rare. */
const REPORT_BYTES = 8 * 1024 * 1024;

const port = parentPort!;
const config = workerData as ProducerConfig;

const inbox: ToProducer[] = [];
let wakeUp: (() => void) | undefined;
port.on('message', (message: ToProducer) => {
  inbox.push(message);
  wakeUp?.();
});

async function nextMessage(): Promise<ToProducer> {
  while (inbox.length === 0) await new Promise<void>((resolve) => (wakeUp = resolve));
  wakeUp = undefined;
  return inbox.shift()!;
}

function send(message: FromProducer, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer);
}

async function handOver(table: GroupTable): Promise<void> {
  const partial = table.takePartial();
  send({ type: 'partial', partial }, partialTransferList(partial));
  const reply = await nextMessage();
  if (reply.type !== 'ack') throw new Error(`producer expected ack, got ${reply.type}`);
}

async function run(): Promise<void> {
  const format = formatByName(config.format);
  if (!format) throw new Error(`unknown format ${config.format}`);
  const table = new GroupTable(config.errorCodes.length);
  const scanner = new LineScanner(format, statusColumns(config.errorCodes), table);
  const kernel = config.kernel && kernelSupports(format.name) ? new KernelScanner(scanner, config.chunkBytes, false) : undefined;
  const reader = new RangeReader(config.chunkBytes, kernel);
  const sink = kernel ?? scanner;
  const openFiles = new Map<string, number>();
  let unreported = 0;
  const onRead = (bytes: number): void => {
    unreported += bytes;
    if (unreported >= REPORT_BYTES) {
      send({ type: 'read', bytes: unreported });
      unreported = 0;
    }
  };
  try {
    for (;;) {
      send({ type: 'ready' });
      const message = await nextMessage();
      if (message.type === 'stop') break;
      if (message.type !== 'range') throw new Error(`producer expected a range, got ${message.type}`);
      const { path, start, end } = message.task;
      let fd = openFiles.get(path);
      if (fd === undefined) openFiles.set(path, (fd = openSync(path, 'r')));
      reader.scanRange(fd, start, end, sink, onRead);
      if (table.size >= config.flushGroups) await handOver(table);
    }
    if (unreported > 0) send({ type: 'read', bytes: unreported });
    if (table.size > 0) await handOver(table);
    send({ type: 'done', stats: scanner.stats });
  } finally {
    for (const fd of openFiles.values()) closeSync(fd);
  }
}

run().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
});

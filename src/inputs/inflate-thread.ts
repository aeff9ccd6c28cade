// A thread that inflates gzip streams for the thread that scans them (inputs/decompress.ts is that thread's
// side): the inflate runs without ever waiting on the scan, which it would on libuv's pool, where each piece
// waits for the scanning thread to ask for the next. One stream at a time, each on a channel of its own:
// compressed chunks come in, text goes out in lent buffers that come back once scanned (at most
// INFLATE_BUFFERS out at once: bounded memory, and the scan's pace sets the inflate's).
//
// Between messages of a stream the thread blocks in Atomics.wait on a counter the other side bumps after each
// message, then takes the message with receiveMessageOnPort: the inflate loop is synchronous.

import { parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import { mark } from '../base/trace.js';
import { InflateError, PieceInflater } from './inflate.js';

mark('inflate thread loaded');

/** Text buffers of one stream out at once. */
export const INFLATE_BUFFERS = 4;

/** To the inflate thread, on a stream's channel. */
export type ToInflater =
  | { type: 'in'; bytes: Uint8Array }
  | { type: 'end' }
  | { type: 'free'; buffer: ArrayBuffer }
  | { type: 'abort' };

/** From the inflate thread, on a stream's channel. */
export type FromInflater =
  | { type: 'out'; buffer: ArrayBuffer; length: number }
  | { type: 'took' }
  | { type: 'done' }
  | { type: 'failed'; message: string; code: string; offset: number; inflate: boolean };

/** Starts a stream: its channel, the counter bumped after each message on it, the size of a text piece. */
export interface InflateStream {
  readonly type: 'stream';
  readonly port: MessagePort;
  readonly signal: Int32Array;
  readonly pieceBytes: number;
}

const ABORTED = Symbol('aborted');

function inflateStream({ port, signal, pieceBytes }: InflateStream): void {
  const waiting: ToInflater[] = [];
  const free: ArrayBuffer[] = [];
  let made = 0;
  const take = (): ToInflater => {
    for (;;) {
      const seen = Atomics.load(signal, 0);
      const received = receiveMessageOnPort(port);
      if (received) return received.message as ToInflater;
      Atomics.wait(signal, 0, seen);
    }
  };
  const borrow = (): Uint8Array => {
    if (free.length > 0) return new Uint8Array(free.pop()!);
    if (made < INFLATE_BUFFERS) {
      made++;
      return new Uint8Array(pieceBytes);
    }
    for (;;) {
      const message = take();
      if (message.type === 'free') return new Uint8Array(message.buffer);
      if (message.type === 'abort') throw ABORTED;
      waiting.push(message);
    }
  };
  const send = (message: FromInflater, transfer?: ArrayBuffer[]): void => port.postMessage(message, transfer);
  const inflater = new PieceInflater(zlib, borrow, (buffer, length) => send({ type: 'out', buffer: buffer.buffer as ArrayBuffer, length }, [buffer.buffer as ArrayBuffer]));
  try {
    for (;;) {
      const message = waiting.shift() ?? take();
      if (message.type === 'free') free.push(message.buffer);
      else if (message.type === 'abort') return;
      else if (message.type === 'in') {
        inflater.push(message.bytes);
        send({ type: 'took' });
      } else {
        inflater.finish();
        send({ type: 'done' });
        return;
      }
    }
  } catch (error) {
    if (error === ABORTED) return;
    const inflate = error instanceof InflateError;
    send({
      type: 'failed',
      message: error instanceof Error ? error.message : String(error),
      code: inflate ? error.code : '',
      offset: inflate ? error.offset : 0,
      inflate,
    });
  } finally {
    inflater.close();
    port.close();
  }
}

parentPort?.on('message', (message: InflateStream) => inflateStream(message));

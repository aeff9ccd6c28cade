// Compressed input: which compression a file uses (by its magic bytes, never its name), and decompressing a
// stream of compressed chunks into pieces of log text with bounded memory. gzip (also several members one
// after another) with Node's zlib, inflated synchronously in pieces (inputs/inflate.ts) on this thread or on an
// inflate thread beside it; zstd with fzstd and bzip2 with unbzip2-stream, both pure JavaScript.

import { MessageChannel, type Worker } from 'node:worker_threads';
import { LogsiftError } from '../base/errors.js';
import { startThread } from '../base/threads.js';
import { mark } from '../base/trace.js';
import type { Compression } from './compression.js';
import { InflateError, PieceInflater } from './inflate.js';
import type { FromInflater, InflateStream, ToInflater } from './inflate-thread.js';

/** Hears each piece of decompressed text. The piece is only lent: use (copy) it before returning. */
export type OnData = (piece: Uint8Array) => void;

/**
 * Decompresses `source` (the compressed bytes, in order) and hands the text to `onData` piece by piece. After
 * the output of each compressed chunk, `between` is awaited (a producer hands its counts over there), and only
 * then is the next chunk taken: memory stays bounded whatever the size. Corrupt or truncated data throws a
 * LogsiftError naming `name` and the compressed offset where the decoder stopped.
 */
export async function decompress(
  compression: Exclude<Compression, 'none'>,
  source: AsyncIterable<Uint8Array>,
  name: string,
  onData: OnData,
  between: () => Promise<void> = async () => {},
  inflateAside = false,
): Promise<void> {
  switch (compression) {
    case 'gzip':
      return gunzip(source, name, onData, between, await gunzipWay(inflateAside));
    case 'zstd':
      return unzstd(source, name, onData, between);
    case 'bzip2':
      return bunzip2(source, name, onData, between);
  }
}

/**
 * A decompressed piece on libuv's pool (64 KiB): small enough to stay in cache, big enough to keep calls rare.
 * (1 MiB pieces spent less CPU on the hops between zlib's thread and this one, but overlapped the two less.)
 */
const PIECE_BYTES = 64 * 1024;

/**
 * A piece of text inflated synchronously (1 MiB): from the inflate thread each costs two messages, and the
 * thread runs ahead of the scan by up to INFLATE_BUFFERS of them, so overlap does not need small ones. (64 KiB
 * pieces cost 0.5 s more CPU per GiB; 256 KiB to 2 MiB measured alike, 1 MiB a little ahead.)
 */
const ASIDE_PIECE_BYTES = 1024 * 1024;

/** Compressed input inflated on this thread between two hand-overs of counts. */
const HERE_SLICE_BYTES = 32 * 1024;

/** Compressed chunks sent to the inflate thread and not yet taken: enough that it never waits for input. */
const ASIDE_INPUTS = 2;

function corrupt(compression: string, name: string, offset: number, error: unknown, truncated: boolean): LogsiftError {
  const why = error instanceof Error ? error.message : String(error);
  return new LogsiftError(
    truncated
      ? `${compression} data ends early (truncated file?) in ${name} at compressed offset ${offset}`
      : `corrupt ${compression} data in ${name} at compressed offset ${offset} (${why})`,
  );
}

/** Wraps onData so that its own errors are told apart from the decoder's. */
function lending(onData: OnData): { onData: OnData; failure: () => unknown } {
  let failure: unknown;
  return {
    onData: (piece) => {
      try {
        onData(piece);
      } catch (error) {
        failure ??= error ?? new Error('onData failed');
        throw error;
      }
    },
    failure: () => failure,
  };
}

/** How gzip is inflated: `thread` (on an inflate thread beside this one), `here` (on this thread), or `pool` (libuv's). */
export type GunzipWay = 'thread' | 'here' | 'pool';

/** How gzip is inflated, `aside` or not, where this Node allows the synchronous inflate; else on libuv's pool. */
async function gunzipWay(aside: boolean): Promise<GunzipWay> {
  if (!PieceInflater.available(await import('node:zlib'))) return 'pool';
  return aside ? 'thread' : 'here';
}

/**
 * gzip, member after member, `way`: on the inflate thread (inputs/inflate-thread.ts), which never waits for
 * the scan, so that a lone stream takes about as long as its inflate alone; on this thread, where the cores
 * are all taken by producers anyway (no hand-offs at all); on libuv's pool, where Node lacks the binding.
 */
export async function gunzip(
  source: AsyncIterable<Uint8Array>,
  name: string,
  onData: OnData,
  between: () => Promise<void>,
  way: GunzipWay,
): Promise<void> {
  if (way === 'thread') return gunzipOnThread(source, name, onData, between);
  if (way === 'here') return gunzipHere(source, name, onData, between);
  return gunzipOnPool(source, name, onData, between);
}

/** gzip on this thread: the piece buffer is reused, the scan runs between native calls. */
async function gunzipHere(source: AsyncIterable<Uint8Array>, name: string, onData: OnData, between: () => Promise<void>): Promise<void> {
  const lent = lending(onData);
  const buffer = new Uint8Array(ASIDE_PIECE_BYTES);
  let pieces = 0;
  const inflater = new PieceInflater(
    await import('node:zlib'),
    () => buffer,
    (full, length) => {
      pieces++;
      lent.onData(full.subarray(0, length));
    },
  );
  let fed = 0;
  const inflate = (step: () => void): void => {
    try {
      step();
    } catch (error) {
      if (lent.failure() !== undefined) throw lent.failure();
      if (error instanceof InflateError) throw corrupt('gzip', name, error.truncated ? fed : error.offset, error, error.truncated);
      throw error;
    }
  };
  try {
    for await (const chunk of source) {
      fed += chunk.length;
      // A slice at a time, so that counts are handed over every few pieces even where the text is far bigger
      // than the gzip (highly compressible logs).
      for (let from = 0; from < chunk.length; from += HERE_SLICE_BYTES) {
        inflate(() => inflater.push(chunk.subarray(from, from + HERE_SLICE_BYTES)));
        if (pieces > 0) await between();
        pieces = 0;
      }
    }
    inflate(() => inflater.finish());
  } finally {
    inflater.close();
  }
}

/** The inflate thread of this thread, started on first use (or ahead: startInflateThread); it holds no run open (unref). */
let inflateThread: Worker | undefined;

/** Starts this thread's inflate thread now, when a gzip stream is likely to come: it loads meanwhile. */
export function startInflateThread(): Worker {
  if (!inflateThread) {
    mark('inflate thread started');
    inflateThread = startThread(new URL('./inflate-thread.js', import.meta.url));
    inflateThread.unref();
  }
  return inflateThread;
}

async function gunzipOnThread(source: AsyncIterable<Uint8Array>, name: string, onData: OnData, between: () => Promise<void>): Promise<void> {
  const thread = startInflateThread();
  const { port1: port, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const start: InflateStream = { type: 'stream', port: port2, signal, pieceBytes: ASIDE_PIECE_BYTES };
  thread.postMessage(start, [port2]);
  const send = (message: ToInflater, transfer?: ArrayBuffer[]): void => {
    port.postMessage(message, transfer);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  const replies: FromInflater[] = [];
  let wake: (() => void) | undefined;
  port.on('message', (message: FromInflater) => {
    replies.push(message);
    wake?.();
    wake = undefined;
  });
  // The thread itself failing (it could not start, it ran out of memory) ends the stream with its error.
  const died = (error?: unknown): void => {
    if (inflateThread === thread) inflateThread = undefined;
    const message = error instanceof Error ? error.message : 'it stopped';
    replies.push({ type: 'failed', message, code: '', offset: 0, inflate: false });
    wake?.();
    wake = undefined;
  };
  thread.on('error', died);
  thread.on('exit', died);
  const reply = async (): Promise<FromInflater> => {
    while (replies.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return replies.shift()!;
  };
  const chunks = source[Symbol.asyncIterator]();
  let fed = 0;
  let sent = 0;
  let ended = false;
  let done = false;
  let traced = false;
  try {
    for (;;) {
      while (!ended && sent < ASIDE_INPUTS) {
        const next = await chunks.next();
        if (next.done) {
          ended = true;
          send({ type: 'end' });
        } else {
          fed += next.value.length;
          sent++;
          send({ type: 'in', bytes: next.value });
        }
      }
      const message = await reply();
      if (message.type === 'out') {
        if (!traced) mark('first text inflated');
        traced = true;
        onData(new Uint8Array(message.buffer, 0, message.length));
        send({ type: 'free', buffer: message.buffer }, [message.buffer]);
        await between();
      } else if (message.type === 'took') {
        sent--;
      } else if (message.type === 'done') {
        done = true;
        return;
      } else {
        done = true;
        if (!message.inflate) throw new Error(`inflate thread: ${message.message}`);
        const truncated = message.code === 'Z_BUF_ERROR';
        throw corrupt('gzip', name, truncated ? fed : message.offset, new Error(message.message), truncated);
      }
    }
  } finally {
    thread.off('error', died);
    thread.off('exit', died);
    if (!done) send({ type: 'abort' });
    port.close();
    if (!done) await chunks.return?.();
  }
}

/** gzip with Node's zlib on libuv's pool: where this Node has no synchronous inflate (inputs/inflate.ts). */
async function gunzipOnPool(source: AsyncIterable<Uint8Array>, name: string, onData: OnData, between: () => Promise<void>): Promise<void> {
  let sourceError: unknown;
  let fed = 0;
  const input = (async function* () {
    try {
      for await (const chunk of source) {
        fed += chunk.length;
        yield chunk;
      }
    } catch (error) {
      sourceError = error;
      throw error;
    }
  })();
  // Loaded only when a gzip input is met: zlib and streams cost every producer thread's start-up a few ms.
  const [{ createGunzip }, { pipeline }] = await Promise.all([import('node:zlib'), import('node:stream')]);
  const inflater = createGunzip({ chunkSize: PIECE_BYTES });
  pipeline(input, inflater, () => {}); // a failure of either shows up in the iteration below
  const pieces = inflater[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await pieces.next();
      } catch (error) {
        if (sourceError !== undefined) throw sourceError;
        // Truncated: the data ends where the input does. Else: where zlib stopped (it counts the input of each
        // inflate call once the call is done, so this is the start of the call that failed, a few KiB early).
        const truncated = (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR';
        throw corrupt('gzip', name, truncated ? fed : inflater.bytesWritten, error, truncated);
      }
      if (next.done) return;
      onData(next.value);
      await between();
    }
  } finally {
    inflater.destroy();
  }
}

/** How much compressed zstd input is pushed at once: how precisely a corrupt one's offset is known. */
const ZSTD_PIECE_BYTES = 16 * 1024;

/** zstd with fzstd's streaming decoder (frame after frame). fzstd does not check content checksums. */
async function unzstd(source: AsyncIterable<Uint8Array>, name: string, onData: OnData, between: () => Promise<void>): Promise<void> {
  const lent = lending(onData);
  const { Decompress: ZstdDecompress } = await import('fzstd'); // loaded only when a zstd input is met
  const decoder = new ZstdDecompress((piece) => lent.onData(piece));
  let offset = 0;
  const push = (chunk: Uint8Array, final: boolean): void => {
    try {
      decoder.push(chunk, final);
    } catch (error) {
      if (lent.failure() !== undefined) throw lent.failure();
      throw corrupt('zstd', name, offset, error, (error as Error).message === 'unexpected EOF');
    }
  };
  for await (const chunk of source) {
    // In pieces, so that a failure says where the decoder stopped (within ZSTD_PIECE_BYTES), not only which
    // read (of up to 256 KiB, the whole of a small file) held the damage.
    for (let from = 0; from < chunk.length; from += ZSTD_PIECE_BYTES) {
      const piece = chunk.subarray(from, from + ZSTD_PIECE_BYTES);
      push(piece, false);
      offset += piece.length;
    }
    await between();
  }
  push(new Uint8Array(0), true);
}

/** bzip2 with unbzip2-stream (stream after stream, as pbzip2 writes them). */
async function bunzip2(source: AsyncIterable<Uint8Array>, name: string, onData: OnData, between: () => Promise<void>): Promise<void> {
  const lent = lending(onData);
  const { default: unbzip2Stream } = await import('unbzip2-stream'); // loaded only when a bzip2 input is met
  const decoder = unbzip2Stream();
  let failure: unknown;
  decoder.on('data', (piece: Buffer) => lent.onData(piece));
  decoder.on('error', (error: unknown) => (failure ??= error));
  let offset = 0;
  const check = (): void => {
    if (lent.failure() !== undefined) throw lent.failure();
    if (failure !== undefined) {
      // Its bit reader running out of input shows as a TypeError.
      const truncated = failure instanceof TypeError || (failure as Error).message === 'input stream ended prematurely';
      throw corrupt('bzip2', name, offset, failure, truncated);
    }
  };
  for await (const chunk of source) {
    decoder.write(chunk);
    offset += chunk.length;
    check();
    await between();
  }
  decoder.end();
  check();
}

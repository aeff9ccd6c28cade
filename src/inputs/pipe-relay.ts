// Pipes (stdin, a FIFO): read once, from the start, never whole. The main thread reads them (Node reads every
// kind of stdin properly there: pipe, file, socket, terminal) and relays the bytes, as they come, to the one
// producer that scans them, at most a few chunks ahead of it: memory stays bounded whatever the size.

import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { MAGIC_BYTES } from './compression.js';
import { STDIN } from './resolve.js';

/** Chunks sent and not yet taken by the producer; the pipe is not read further until it takes one. */
const WINDOW = 8;
/** Largest chunk in one message (a library caller's stream may give any size). */
const MAX_CHUNK_BYTES = 256 * 1024;

/** What a relay posts to the producer that reads its pipe. */
export type PipeMessage =
  | { readonly type: 'pipe-data'; readonly bytes: Uint8Array }
  | { readonly type: 'pipe-end' }
  | { readonly type: 'pipe-error'; readonly message: string };

/** Folders of pipe copies not removed yet (for an interrupt: nothing is left behind). */
const copyFolders = new Set<string>();

/**
 * A private folder for copies of pipes (in the system's temp folder, mode 0700; the copies 0600), for a run that
 * reads its inputs twice; `remove` deletes it with what it holds.
 */
export class PipeCopies {
  readonly folder: string;

  constructor() {
    this.folder = mkdtempSync(join(tmpdir(), 'logsift-pipe-'));
    copyFolders.add(this.folder);
  }

  pathFor(input: number): string {
    return join(this.folder, `input-${input}`);
  }

  remove(): void {
    rmSync(this.folder, { recursive: true, force: true });
    copyFolders.delete(this.folder);
  }
}

/** Removes every pipe copy still there (Ctrl-C, kill: called from the signal handler, synchronously). */
export function removePipeCopies(): void {
  for (const folder of copyFolders) rmSync(folder, { recursive: true, force: true });
  copyFolders.clear();
}

export class PipeRelay {
  /** Bytes read from the pipe so far. */
  bytes = 0;
  /** Where the bytes are copied as they are relayed, when the run reads the input again. */
  private copy: { path: string; handle: Promise<FileHandle> } | undefined;
  private readonly chunks: AsyncIterator<Uint8Array>;
  private readonly head: Uint8Array[] = [];
  private inFlight = 0;
  private wakeUp: (() => void) | undefined;
  private stopped = false;

  private constructor(
    readonly path: string,
    private readonly readable: Readable,
  ) {
    this.chunks = readable[Symbol.asyncIterator]();
  }

  /** Opens a pipe (`-`: `stdin`) and reads its first bytes, enough to tell its compression. */
  static async open(path: string, stdin: Readable): Promise<PipeRelay> {
    const relay = new PipeRelay(path, path === STDIN ? stdin : createReadStream(path));
    try {
      let got = 0;
      while (got < MAGIC_BYTES) {
        const next = await relay.chunks.next();
        if (next.done) break;
        relay.head.push(next.value);
        got += next.value.length;
      }
    } catch (error) {
      relay.stop();
      throw error;
    }
    return relay;
  }

  /**
   * Keeps a copy of every byte relayed (as read: compressed if the pipe is) in a new file at `path`, mode 0600,
   * to be read again once the relay ended (`copyDone`). Memory stays bounded: each chunk is written before it goes.
   */
  keepCopy(path: string): void {
    const handle = open(path, 'wx', 0o600);
    handle.catch(() => undefined); // its error is met where it is awaited
    this.copy = { path, handle };
  }

  /** The copy, complete: its path once every byte relayed is written and the file closed. */
  async copyDone(): Promise<string> {
    if (!this.copy) throw new Error(`no copy kept of ${this.name()}`);
    await (await this.copy.handle).close();
    return this.copy.path;
  }

  /** The first bytes read (at least MAGIC_BYTES unless the pipe held fewer). */
  headBytes(): Buffer {
    return Buffer.concat(this.head);
  }

  /**
   * Relays the pipe's bytes through `post` until its end (`pipe-end`) or a read error (`pipe-error`); `onBytes`
   * hears each chunk's size. Call `took` each time the producer took a chunk.
   */
  async start(post: (message: PipeMessage, transfer?: ArrayBuffer[]) => void, onBytes?: (bytes: number) => void): Promise<void> {
    try {
      const send = async (chunk: Uint8Array): Promise<void> => {
        for (let from = 0; from < chunk.length && !this.stopped; from += MAX_CHUNK_BYTES) {
          while (this.inFlight >= WINDOW && !this.stopped) await new Promise<void>((resolve) => (this.wakeUp = resolve));
          if (this.stopped) return;
          // A copy with a buffer of its own, moved (not cloned) to the producer: a view would clone its whole buffer.
          const piece = new Uint8Array(chunk.subarray(from, from + MAX_CHUNK_BYTES));
          if (this.copy) await writeAll(await this.copy.handle, piece);
          this.inFlight++;
          this.bytes += piece.length;
          onBytes?.(piece.length);
          post({ type: 'pipe-data', bytes: piece }, [piece.buffer]);
        }
      };
      for (const chunk of this.head.splice(0)) await send(chunk);
      for (;;) {
        if (this.stopped) return;
        const next = await this.chunks.next();
        if (next.done) break;
        await send(next.value);
      }
      if (!this.stopped) post({ type: 'pipe-end' });
    } catch (error) {
      const { syscall, path } = error as NodeJS.ErrnoException;
      const doing = this.copy && (syscall === 'write' || path === this.copy.path) ? `copy ${this.name()} to ${this.copy.path}` : `read ${this.name()}`;
      if (!this.stopped) post({ type: 'pipe-error', message: `cannot ${doing}: ${(error as Error).message}` });
    }
  }

  /** The producer took a chunk: one more may go. */
  took(): void {
    this.inFlight--;
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  /** Stops reading (the run failed or ended): the pipe is let go so the process can exit. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.took();
    this.readable.destroy();
  }

  private name(): string {
    return this.path === STDIN ? 'stdin' : this.path;
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at)).bytesWritten;
}

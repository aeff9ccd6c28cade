// gzip inflated synchronously, piece by piece, on the calling thread. Node's public zlib API inflates either a
// whole buffer at once (gunzipSync: a 1 GiB log would sit in memory) or asynchronously on libuv's pool
// (createGunzip: each output piece is a hop between threads, and the pool thread idles until the JS thread hands
// it the next one). This drives the same native binding that gunzipSync drives, chunk by chunk, into buffers the
// caller lends: no hops, no copies, bounded memory. Member after member, padding and errors behave as in Node's
// own gunzip, since the native side (which does all of that) is the same. `PieceInflater.available` says
// whether this Node has the binding; without it decompress.ts falls back to the stream.

// Only its type: callers pass the module in, loaded when a gzip input is met (its load costs a thread's start-up ms).
import type * as Zlib from 'node:zlib';

/** The native zlib handle behind a Gunzip object: what gunzipSync itself calls. */
interface NativeZlib {
  writeSync(flush: number, input: Uint8Array, inOffset: number, inLength: number, out: Uint8Array, outOffset: number, outLength: number): void;
  onerror: (message: string, errno: number, code?: string) => void;
}

interface GunzipInternals {
  _handle?: NativeZlib;
  _writeState?: Uint32Array;
}

/** Corrupt or truncated data: zlib's message and code, and the compressed offset it had reached. */
export class InflateError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly offset: number,
  ) {
    super(message);
  }

  /** The data ended early (zlib wanted more input when told it had all). */
  get truncated(): boolean {
    return this.code === 'Z_BUF_ERROR';
  }
}

/**
 * Most compressed input given to one native call: on an error, the offset said is the start of the call that
 * failed, so this is how precisely a corrupt file's damage is located.
 */
const MAX_CALL_INPUT = 32 * 1024;

const EMPTY = new Uint8Array(0);

export class PieceInflater {
  /** Whether this Node exposes the native binding the synchronous path needs (checked once). */
  static available(zlib: typeof Zlib): boolean {
    PieceInflater.checked ??= (() => {
      const probe = zlib.createGunzip() as unknown as GunzipInternals;
      const ok = typeof probe._handle?.writeSync === 'function' && probe._writeState instanceof Uint32Array;
      (probe as unknown as Zlib.Gunzip).close();
      return ok;
    })();
    return PieceInflater.checked;
  }
  private static checked: boolean | undefined;

  private readonly zlib: typeof Zlib;
  private readonly gunzip: Zlib.Gunzip;
  private readonly handle: NativeZlib;
  /** After each native call: the output room left, then the input left. */
  private readonly state: Uint32Array;
  private failure: { message: string; code: string } | undefined;
  private out: Uint8Array | undefined;
  private filled = 0;
  /** Compressed bytes the decoder has taken. */
  private consumed = 0;
  /** The gzip data ended before the input did (zero padding after the last member, as Node's gunzip allows). */
  private over = false;

  /**
   * `borrow` lends an empty buffer for output; `full` takes it back holding `length` bytes of text (it may
   * keep it: `borrow` is asked for a new one). Pieces are as long as the buffers, except the last.
   */
  constructor(
    zlib: typeof Zlib,
    private readonly borrow: () => Uint8Array,
    private readonly full: (buffer: Uint8Array, length: number) => void,
  ) {
    this.zlib = zlib;
    this.gunzip = zlib.createGunzip();
    const internals = this.gunzip as unknown as GunzipInternals;
    this.handle = internals._handle!;
    this.state = internals._writeState!;
    // Replaces zlib's own error handler (which destroys the stream later, on a tick): the error is thrown at
    // once, from the call that met it.
    this.handle.onerror = (message, errno, code) => {
      this.failure ??= { message, code: code ?? String(errno) };
    };
  }

  /** Inflates one chunk of compressed input; the text goes out as buffers fill. Throws InflateError. */
  push(chunk: Uint8Array): void {
    for (let from = 0; from < chunk.length; from += MAX_CALL_INPUT) {
      this.run(this.zlib.constants.Z_NO_FLUSH, chunk.subarray(from, from + MAX_CALL_INPUT));
    }
  }

  /** All input was given: checks that the data ended (else InflateError, truncated) and hands out the rest. */
  finish(): void {
    this.run(this.zlib.constants.Z_FINISH, EMPTY);
    if (this.out && this.filled > 0) this.full(this.out, this.filled);
    this.out = undefined;
    this.filled = 0;
  }

  /** Frees zlib's memory; the inflater is unusable after. */
  close(): void {
    this.gunzip.close();
  }

  private run(flush: number, input: Uint8Array): void {
    if (this.over) {
      this.consumed += input.length;
      return;
    }
    let offset = 0;
    let left = input.length;
    for (;;) {
      this.out ??= this.borrow();
      const room = this.out.length - this.filled;
      this.handle.writeSync(flush, input, offset, left, this.out, this.filled, room);
      if (this.failure) throw new InflateError(this.failure.message, this.failure.code, this.consumed);
      const roomAfter = this.state[0];
      const leftAfter = this.state[1];
      this.filled += room - roomAfter;
      this.consumed += left - leftAfter;
      offset += left - leftAfter;
      left = leftAfter;
      if (roomAfter === 0) {
        // The buffer is full: there may be more output for this input.
        this.full(this.out, this.filled);
        this.out = undefined;
        this.filled = 0;
        continue;
      }
      if (left > 0) {
        // Room left and input not taken: the data ended, and what follows is padding (zlib goes on to a next
        // member by itself, and only stops before zero bytes).
        this.over = true;
        this.consumed += left;
      }
      return;
    }
  }
}

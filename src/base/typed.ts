// Growing typed arrays: the engine's tables keep their numbers in typed arrays and double them as they fill;
// releasing the big ones no longer used without waiting for the garbage collector.

import { MessageChannel } from 'node:worker_threads';

type TypedArray = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** A copy of `array` with room for `length` elements; the new room holds `fill` (default 0). */
export function grown<T extends TypedArray>(array: T, length: number, fill = 0): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  if (fill !== 0) bigger.fill(fill, array.length);
  bigger.set(array);
  return bigger;
}

/** Below this, an array is left to the garbage collector (and may be a slice of Node's shared pool). */
const RELEASE_MIN_BYTES = 64 * 1024;

/**
 * Frees the memory of big arrays that will not be read again (their views then read as empty), at the next
 * turn of the event loop rather than at the next garbage collection. A heap holding few objects, as the
 * consumer's and the producers' do, collects rarely, and arrays it no longer holds would stay resident until
 * then: a run with many groups would keep tens of MB of them. Node 20 has no ArrayBuffer transfer(); moving
 * the buffers into a message on a channel closed at once does the same. Only whole buffers this process
 * allocated itself are released (never a view into a bigger one, a pooled Buffer, or a WebAssembly memory).
 */
export function release(...arrays: ReadonlyArray<TypedArray | undefined>): void {
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) {
    if (!array || array.byteLength < RELEASE_MIN_BYTES || array.byteOffset !== 0) continue;
    const buffer = array.buffer;
    if (buffer instanceof ArrayBuffer && buffer.byteLength === array.byteLength) buffers.add(buffer);
  }
  if (buffers.size === 0) return;
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(null, [...buffers]);
  } catch {
    // A buffer that cannot move (a WebAssembly memory's): the garbage collector frees it, as before.
  }
  port1.close();
  port2.close();
}

/** `grown`, then the old array released (see `release`): for arrays only their owner holds. */
export function regrown<T extends TypedArray>(array: T, length: number, fill = 0): T {
  const bigger = grown(array, length, fill);
  release(array);
  return bigger;
}

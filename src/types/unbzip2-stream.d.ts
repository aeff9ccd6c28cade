// unbzip2-stream ships no types: it returns a classic (`through`) stream that emits decompressed Buffers.
declare module 'unbzip2-stream' {
  import type { EventEmitter } from 'node:events';
  interface Bunzip2Stream extends EventEmitter {
    write(chunk: Uint8Array): boolean;
    end(): void;
  }
  export default function unbzip2Stream(): Bunzip2Stream;
}

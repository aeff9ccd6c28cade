// The few WebAssembly APIs logsift uses. They are Node globals, but @types/node 20 declares them only via the
// DOM library, which a Node project should not pull in.
export {};
declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: BufferSource);
    }
    class Instance {
      constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
    class Memory {
      readonly buffer: ArrayBuffer;
      grow(pages: number): number;
    }
    class Global {
      value: unknown;
    }
  }
  type BufferSource = ArrayBufferView | ArrayBuffer;
}

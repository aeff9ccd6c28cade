// Node's Buffer has fast, unchecked slice-to-string methods that @types/node does not declare.
export {};
declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
  }
}

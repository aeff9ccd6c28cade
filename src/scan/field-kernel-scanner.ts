// The field kernel's scanner (source: kernel/fields.ts): W3C extended (IIS, CloudFront), ALB and ELB lines read
// in WebAssembly, as the CLF kernel reads Combined (kernel-scanner.ts, whose scanner this extends).
//
// The kernel reads the lines it can read alone and stops at any other one (a header, a quoted W3C value, a line
// that does not fit): that line goes to the JS scanner, which reads it with the format's own parser and counts
// it as it always does, and the kernel goes on after it. So the JS parser decides every line the kernel does
// not, and the kernel only has to equal it on the lines it accepts (tests hold the two together). W3C's field
// order is the format's state: the kernel is given it before each chunk and after each line JS read, when
// it changed (a `#Fields:` line, a range's start).

import { albFormat } from '../formats/alb.js';
import { elbFormat } from '../formats/elb.js';
import type { FormatOptions, LineFormat } from '../formats/fields.js';
import { W3cFormat } from '../formats/w3c.js';
import { instantiateFieldKernel, loadFieldKernelModule, type FieldKernelExports } from '../wasm/fields-module.js';
import { KernelScanner, type KernelMode } from './kernel-scanner.js';
import type { LineScanner } from './line-scanner.js';

/** kernel/fields.ts scan's `format` argument. */
const enum Variant {
  W3c = 0,
  Alb = 1,
  Elb = 2,
}

function variantOf(format: LineFormat): Variant | undefined {
  if (format instanceof W3cFormat) return Variant.W3c;
  if (format === albFormat) return Variant.Alb;
  if (format === elbFormat) return Variant.Elb;
  return undefined;
}

/**
 * Whether the field kernel reads this format (as configured: `--client-from xff` wraps the parser, which the
 * kernel does not mirror, and the wrapped parser is no longer one of these).
 */
export function fieldKernelSupports(format: LineFormat, options: FormatOptions): boolean {
  return options.clientFrom !== 'xff' && variantOf(format) !== undefined && loadFieldKernelModule() !== null;
}

export class FieldKernelScanner extends KernelScanner {
  private readonly fields: FieldKernelExports;
  private readonly w3c: W3cFormat | undefined;
  /** The W3C state the kernel was last given (W3cFormat.stateVersion); -1 before the first. */
  private layoutVersion = -1;

  constructor(scanner: LineScanner, chunkBytes: number, mode: KernelMode, flushGroups = Infinity) {
    const variant = variantOf(scanner.format);
    const module = loadFieldKernelModule();
    if (variant === undefined || !module) throw new Error(`no field kernel for ${scanner.format.name}`);
    const kernel = instantiateFieldKernel(module);
    super(scanner, chunkBytes, mode, flushGroups, { kernel, variant });
    this.fields = kernel;
    this.w3c = scanner.format instanceof W3cFormat ? scanner.format : undefined;
  }

  override scanLines(buf: Buffer, from: number, to: number): number {
    this.takeLayout();
    return super.scanLines(buf, from, to);
  }

  /** The kernel stopped at `at`: when at a line for JS, reads it and goes on after it. */
  protected override resume(at: number, _end: number): number {
    if ((this.fields.handBack.value as number) !== 1) return -1;
    const next = this.readLineInJs(at);
    this.takeLayout();
    return next;
  }

  /** Gives the kernel the W3C layout in force, when it changed since it was last given. */
  private takeLayout(): void {
    const w3c = this.w3c;
    if (!w3c || w3c.stateVersion === this.layoutVersion) return;
    this.layoutVersion = w3c.stateVersion;
    const { last, roles, days, offsetMinutes } = w3c.kernelLayout();
    const kernel = this.fields;
    if (last >= 0 && last < (kernel.MAX_COLUMNS.value as number)) {
      new Uint8Array(kernel.memory.buffer, kernel.rolesTable(), roles.length).set(roles);
      kernel.w3cLayout(last, days, offsetMinutes);
    } else {
      kernel.w3cLayout(-1, NaN, 0);
    }
  }
}

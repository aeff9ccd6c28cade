// The field kernel's scanner (source: kernel/fields.ts): W3C extended (IIS, CloudFront), ALB, ELB, HAProxy and
// nginx `log_format` / Apache `LogFormat` lines read in WebAssembly, as the CLF kernel reads Combined
// (kernel-scanner.ts, whose scanner this extends). A format string is given to the kernel as a program
// (CompiledFormat.kernelProgram: literals and fields up to the last one needed), which it runs on each line.
//
// The kernel reads the lines it can read alone and stops at any other one (a header, a quoted W3C value, a line
// that does not fit): that line goes to the JS scanner, which reads it with the format's own parser and counts
// it as it always does, and the kernel goes on after it. So the JS parser decides every line the kernel does
// not, and the kernel only has to equal it on the lines it accepts (tests hold the two together). W3C's field
// order is the format's state: the kernel is given it before each chunk and after each line JS read, when
// it changed (a `#Fields:` line, a range's start).

import { albFormat } from '../formats/alb.js';
import { CompiledFormat } from '../formats/compiled.js';
import { elbFormat } from '../formats/elb.js';
import type { FormatOptions, LineFormat } from '../formats/fields.js';
import { Kind, type TemplateProgram } from '../formats/format-spec.js';
import { haproxyFormat } from '../formats/haproxy.js';
import { W3cFormat } from '../formats/w3c.js';
import { instantiateFieldKernel, loadFieldKernelModule, type FieldKernelExports } from '../wasm/fields-module.js';
import { KernelScanner, type KernelMode } from './kernel-scanner.js';
import type { LineScanner } from './line-scanner.js';

/** kernel/fields.ts scan's `format` argument. */
const enum Variant {
  W3c = 0,
  Alb = 1,
  Elb = 2,
  Template = 3,
  Haproxy = 4,
}

/** kernel/template.ts's step kinds; a Kind missing here makes the kernel leave that format to JS. */
const STEP_KINDS: ReadonlyMap<Kind, number> = new Map([
  [Kind.Text, 0], [Kind.ClfTime, 1], [Kind.IsoTime, 2], [Kind.Epoch, 3], [Kind.Status, 4], [Kind.Year4, 5],
  [Kind.Year2, 6], [Kind.Month2, 7], [Kind.MonthName, 8], [Kind.Day2, 9], [Kind.DayPadded, 10], [Kind.Hour2, 11],
  [Kind.HourPadded, 12], [Kind.Hour12, 13], [Kind.Minute2, 14], [Kind.Second2, 15], [Kind.AmPm, 16],
  [Kind.Offset, 17], [Kind.Letters, 18], [Kind.Digits, 19],
]);

/** Kinds and following literals of `%d/%b/%Y:%H:%M:%S %z`, which kernel/template.ts reads at once (CLF_SHAPED). */
const CLF_SHAPED: ReadonlyArray<readonly [Kind, string]> = [
  [Kind.Day2, '/'], [Kind.MonthName, '/'], [Kind.Year4, ':'], [Kind.Hour2, ':'], [Kind.Minute2, ':'], [Kind.Second2, ' '], [Kind.Offset, ''],
];

function isClfShaped(steps: TemplateProgram['steps'], i: number): boolean {
  return CLF_SHAPED.every(([kind, literal], j) => steps[i + j]?.kind === kind && (j === 6 || steps[i + j].literal.toString('latin1') === literal));
}

/** A text field ended by an unquoted literal: kernel/template.ts crosses two or more in a row at once (RUN). */
function endsAtLiteral(step: TemplateProgram['steps'][number]): boolean {
  return step.kind === Kind.Text && !step.quoted && step.literal.length > 0;
}

/** How many steps from i end at their literals (at most 255, the kernel's byte for it). */
function runLength(steps: TemplateProgram['steps'], i: number): number {
  let n = 0;
  while (n < 255 && i + n < steps.length && endsAtLiteral(steps[i + n])) n++;
  return n;
}

function variantOf(format: LineFormat): Variant | undefined {
  if (format instanceof W3cFormat) return Variant.W3c;
  if (format === albFormat) return Variant.Alb;
  if (format === elbFormat) return Variant.Elb;
  if (format === haproxyFormat) return Variant.Haproxy;
  if (format instanceof CompiledFormat && format.kernelProgram().steps.every((step) => STEP_KINDS.has(step.kind))) return Variant.Template;
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
    if (scanner.format instanceof CompiledFormat) this.takeProgram(scanner.format.kernelProgram());
  }

  /** Writes a format string's program into the kernel's memory (kernel/template.ts: steps, then literals). */
  private takeProgram(program: TemplateProgram): void {
    const kernel = this.fields;
    const stepBytes = kernel.STEP_BYTES.value as number;
    const { steps } = program;
    const literalBytes = steps.reduce((sum, step) => sum + step.literal.length, program.literal.length);
    const at = kernel.allocate(steps.length * stepBytes + literalBytes + 1);
    const view = Buffer.from(kernel.memory.buffer, at, steps.length * stepBytes + literalBytes);
    let literal = steps.length * stepBytes;
    const first = literal;
    literal += program.literal.copy(view, literal);
    steps.forEach((step, i) => {
      const s = i * stepBytes;
      const run = runLength(steps, i);
      view[s] = STEP_KINDS.get(step.kind)!;
      view[s + 1] = (step.quoted ? 1 : 0) | (step.client ? 2 : 0) | (isClfShaped(steps, i) ? 4 : 0) | (run >= 2 ? 8 : 0);
      view[s + 2] = step.unitDigits;
      view[s + 3] = run;
      view.writeUInt32LE(at + literal, s + 4);
      view.writeUInt32LE(step.literal.length, s + 8);
      literal += step.literal.copy(view, literal);
    });
    kernel.templateInit(at, steps.length, at + first, program.literal.length);
    this.refreshViews(); // the allocation may have grown memory
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

// The field kernel (source: kernel/fields.ts, AssemblyScript, built to dist/kernel/fields.wasm): the scan kernel
// of W3C extended, ALB, ELB, HAProxy and `--log-format` logs, loaded once per thread like the CLF kernel (kernel-module.ts), whose
// exports it shares, with a few of its own. A module that cannot be loaded means "no kernel" for these formats.

import { readFileSync } from 'node:fs';
import { mark } from '../base/trace.js';
import { instantiate, type KernelExports } from './kernel-module.js';

const FIELDS_URL = new URL('../../kernel/fields.wasm', import.meta.url);

export interface FieldKernelExports extends KernelExports {
  /** 1 when the last scan stopped at a line for JS to read. */
  readonly handBack: WebAssembly.Global;
  /** W3C columns the kernel's role table holds. */
  readonly MAX_COLUMNS: WebAssembly.Global;
  rolesTable(): number;
  w3cLayout(last: number, days: number, offsetMinutes: number): void;
  /** Bytes of one step of a format string's program (kernel/template.ts). */
  readonly STEP_BYTES: WebAssembly.Global;
  templateInit(steps: number, count: number, literal: number, literalBytes: number): void;
}

let fieldsModule: WebAssembly.Module | null | undefined;

/** The compiled field kernel, or null when it was not built. */
export function loadFieldKernelModule(): WebAssembly.Module | null {
  if (fieldsModule === undefined) {
    try {
      fieldsModule = new WebAssembly.Module(readFileSync(FIELDS_URL));
      mark('field kernel loaded');
    } catch (error) {
      fieldsModule = null;
      mark(`no field kernel: ${(error as Error).message}`);
    }
  }
  return fieldsModule;
}

export function instantiateFieldKernel(module: WebAssembly.Module): FieldKernelExports {
  return instantiate(module) as FieldKernelExports;
}

// The report page's shared pieces: the data's shape (what src/sinks/html-report.ts pageData writes), DOM
// helpers that put text only as text, number and time formats, the theme's colours.

/** [startSecond, bucketSeconds, lane 0 counts, lane 1 counts ...] (trailing zeros dropped). */
export type Series = [number, number, ...number[][]];

export interface PageData {
  keyFields: string[];
  statusColumns: string[];
  threshold: number;
  windowSeconds: number | null;
  span: { since?: string; until?: string } | null;
  clients: { include: string[]; exclude: string[] } | null;
  summary: {
    input: string;
    inputs: { path: string; format: string; compression: string; bytes: number }[];
    skippedInputs: { path: string; reason: string }[];
    lines: number;
    parsed: number;
    malformed: number;
    blank: number;
    comment: number;
    matched: number;
    outside: number;
    excluded: number;
    groups: number;
    reported: number;
    warnings: string[];
  };
  firstSecond: number | null;
  lastSecond: number | null;
  timeline: Series;
  bounds: { timelineBuckets: number; groupBuckets: number; topSlots: number };
  groups: {
    keys: string[][];
    count: number[];
    byCode: number[][];
    first: string[];
    last: string[];
    peakCount: number[] | null;
    peakStart: string[] | null;
    series: Series[];
    topPaths: (number[] | null)[];
    topAgents: (number[] | null)[];
  };
  strings: string[];
}

export const ROW_HEIGHT = 32;
export const PALETTE = ['#e8a33d', '#d9534f', '#5b8def', '#2bb673', '#a66bd6', '#e06bb0', '#3fb8c4', '#9a7b4f', '#7a8a99', '#c7c43a', '#f07c3a', '#4a6fa5'];

export const numberFormat = new Intl.NumberFormat('en-US');
export const fmt = (n: number): string => numberFormat.format(n);

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) if (value !== undefined) node.setAttribute(name, value);
  for (const child of children) node.append(child); // strings become text nodes
  return node;
}

export function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

export function durationText(seconds: number): string {
  const units: [number, string][] = [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']];
  for (const [size, name] of units) if (seconds % size === 0 && seconds >= size) return `${seconds / size} ${name}`;
  return `${seconds} s`;
}

export function isoUtc(second: number): string {
  return new Date(second * 1000).toISOString().replace('.000Z', 'Z');
}

export const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

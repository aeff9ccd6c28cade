// The formats logsift reads, by name, and detection of a file's format from its first lines.

import { combinedFormat, commonFormat, vcombinedFormat } from './clf.js';
import { LineFields, type LineFormat } from './fields.js';

export { LineFields, type LineFormat } from './fields.js';

const FORMATS: readonly LineFormat[] = [combinedFormat, commonFormat, vcombinedFormat];

export const FORMAT_NAMES: readonly string[] = ['auto', ...FORMATS.map((f) => f.name)];

export function formatByName(name: string): LineFormat | undefined {
  return FORMATS.find((f) => f.name === name);
}

/**
 * Picks the format that parses the most of the sample's non-blank lines; on a tie, the earlier one in
 * `FORMATS`. vhost-Combined is told from Combined by the `host:port ` field before the client: a Combined
 * parse of such a line "succeeds" with the vhost as client, so the count of fields before `[` decides.
 */
export function detectFormat(sample: Buffer): LineFormat {
  const fields = new LineFields();
  let clf = 0;
  let vhost = 0;
  let tails = 0;
  let start = 0;
  while (start < sample.length) {
    let end = sample.indexOf(0x0a, start);
    const complete = end >= 0;
    if (!complete) end = sample.length;
    let lineEnd = end;
    if (lineEnd > start && sample[lineEnd - 1] === 0x0d) lineEnd--;
    if (complete && lineEnd > start) {
      if (vcombinedFormat.parse(sample, start, lineEnd, fields) && spacesBeforeBracket(sample, start, lineEnd) === 4) {
        vhost++;
      } else if (combinedFormat.parse(sample, start, lineEnd, fields)) {
        clf++;
        if (hasQuotedTail(sample, fields.resumeAt, lineEnd)) tails++;
      }
    }
    start = end + 1;
  }
  if (vhost > clf) return vcombinedFormat;
  return clf > 0 && tails * 2 < clf ? commonFormat : combinedFormat;
}

function spacesBeforeBracket(buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let p = start; p < end && buf[p] !== 0x5b; p++) if (buf[p] === 0x20) n++;
  return n;
}

function hasQuotedTail(buf: Buffer, start: number, end: number): boolean {
  for (let p = start; p < end; p++) if (buf[p] === 0x22) return true;
  return false;
}

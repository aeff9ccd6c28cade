// `--client-from xff`: the client key is the first address of the X-Forwarded-For header (the original client
// as the first proxy saw it) where a line logs one, and the connecting address where it does not (`-`, empty,
// or a format without the header).

import type { LineFields, LineFormat } from './fields.js';

const SP = 0x20;
const PLUS = 0x2b; // W3C writes a space as `+`
const COMMA = 0x2c;

/** Wraps `format` so that `parse` puts the first X-Forwarded-For address (when there is one) in the client. */
export function clientFromForwardedFor(format: LineFormat): LineFormat {
  return {
    name: format.name,
    parse(buf: Buffer, start: number, end: number, out: LineFields): boolean {
      if (!format.parse(buf, start, end, out)) return false;
      format.parseDetails(buf, start, end, out);
      useFirstForwardedFor(buf, out);
      return true;
    },
    // parse has filled the details already.
    parseDetails() {},
    text: (buf, start, end) => format.text(buf, start, end),
    header: format.header && ((buf, start, end) => format.header!(buf, start, end)),
    begin: format.begin && ((lines) => format.begin!(lines)),
  };
}

/** Sets the client to the first address of out's X-Forwarded-For field, if it has a usable one. */
export function useFirstForwardedFor(buf: Buffer, out: LineFields): void {
  let p = out.forwardedForStart;
  const end = out.forwardedForEnd;
  if (p < 0) return;
  while (p < end && (buf[p] === SP || buf[p] === PLUS)) p++;
  let q = p;
  while (q < end && buf[q] !== COMMA) q++;
  while (q > p && (buf[q - 1] === SP || buf[q - 1] === PLUS)) q--;
  if (q === p || (q - p === 1 && buf[p] === 0x2d)) return;
  out.clientStart = p;
  out.clientEnd = q;
}

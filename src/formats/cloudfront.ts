// Amazon CloudFront standard (access) logs: W3C extended with TAB-separated values, `date` and `time` columns
// in UTC, and a `#Version:` / `#Fields:` header at the top of each delivered file:
//
//   #Version: 1.0
//   #Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) ...
//   2019-12-04	21:02:31	LAX1	392	192.0.2.100	GET	d111111abcdef8.cloudfront.net	/index.html	200	-	Mozilla/5.0%20(Windows...
//
// Values are URL-encoded (a space is `%20`), which `text` undoes once. Files concatenated without their headers
// are read with the documented 33-field order.

import { W3cFormat } from './w3c.js';
import type { FormatDefinition } from './fields.js';

/** The fields of a CloudFront standard log, in order, as documented (33 fields). */
export const CLOUDFRONT_FIELDS: readonly string[] = (
  'date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) ' +
  'cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken ' +
  'x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status ' +
  'fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len ' +
  'sc-range-start sc-range-end'
).split(' ');

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  c |= 0x20;
  return c >= 0x61 && c <= 0x66 ? c - 0x61 + 10 : -1;
}

/** Undoes one level of URL encoding (`%20` -> space); a `%` not followed by two hex digits stays as it is. */
export function percentDecoded(buf: Buffer, start: number, end: number): string {
  const percent = buf.indexOf(0x25, start);
  if (percent < 0 || percent >= end) return buf.latin1Slice(start, end);
  let text = buf.latin1Slice(start, percent);
  let p = percent;
  while (p < end) {
    const c = buf[p];
    if (c === 0x25 && p + 2 < end) {
      const hi = hexValue(buf[p + 1]);
      const lo = hexValue(buf[p + 2]);
      if (hi >= 0 && lo >= 0) {
        text += String.fromCharCode(hi * 16 + lo);
        p += 3;
        continue;
      }
    }
    text += String.fromCharCode(c);
    p++;
  }
  return text;
}

export const cloudfrontDefinition: FormatDefinition = {
  name: 'cloudfront',
  description: 'Amazon CloudFront standard logs (TAB-separated W3C)',
  stateLines: ['#Fields:', '#Date:'],
  create: (options) => new W3cFormat({ name: 'cloudfront', defaultFields: options.w3cFields ?? CLOUDFRONT_FIELDS, text: percentDecoded }),
};

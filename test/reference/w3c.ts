// A plain, string-based W3C reader (IIS and CloudFront) to check the byte parser against.

import { IIS_DEFAULT_FIELDS } from '../../src/formats/w3c.js';
import type { Entry } from '../formats/support.js';

export function referenceW3c(text: string, clientFrom: 'client' | 'xff' = 'client', defaultFields = IIS_DEFAULT_FIELDS): Entry[] {
  let fields = [...defaultFields];
  let headerDate: string | undefined;
  const entries: Entry[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    if (line.startsWith('#Fields:')) fields = line.slice(8).trim().split(/\s+/);
    if (line.startsWith('#Date:')) headerDate = line.slice(6).trim().slice(0, 10);
    if (line.startsWith('#')) continue;
    const values = line.split(/[ \t]/);
    const get = (name: string): string | undefined => {
      const i = fields.findIndex((f) => f.toLowerCase() === name.toLowerCase());
      return i < 0 ? undefined : values[i];
    };
    let client = get('c-ip');
    const status = get('sc-status');
    const date = fields.includes('date') ? get('date') : headerDate;
    const time = get('time');
    if (!client || !status || !/^([1-5]\d\d|000)$/.test(status) || !date || !time) continue;
    const xff = get('X-Forwarded-For');
    if (clientFrom === 'xff' && xff && xff !== '-') client = xff.split(',')[0].replaceAll('+', ' ').trim();
    entries.push({ client, status: Number(status), time: `${date}T${time}+00:00` });
  }
  return entries;
}


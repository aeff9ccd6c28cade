// The HTML report's data read back from its page, as the page's script decodes it: the gzipped, base64 block,
// one JSON document a line (the data without its groups, then each column of the groups).

import { gunzipSync } from 'node:zlib';

export type PageData = Record<string, unknown> & { groups: Record<string, unknown[]>; strings: string[] };

export function readPageData(html: string): PageData {
  const base64 = /<script type="application\/octet-stream" id="logsift-data" data-encoding="gzip\+base64">([A-Za-z0-9+/=]*)<\/script>/.exec(html)![1];
  const [head, ...columns] = gunzipSync(Buffer.from(base64, 'base64')).toString('utf8').split('\n').map((line) => JSON.parse(line) as unknown);
  const { groupColumns, ...rest } = head as { groupColumns: string[] };
  if (columns.length !== groupColumns.length) throw new Error(`${columns.length} group columns for ${groupColumns.length} named`);
  return { ...rest, groups: Object.fromEntries(groupColumns.map((name, k) => [name, columns[k] as unknown[]])) } as PageData;
}

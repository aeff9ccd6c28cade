// The fields a group key may use (`--by FIELD[,FIELD...]`), checked. The keys themselves are made by
// analyses/key-maker.ts and laid out as tables/composite-key.ts says.

import { LogsiftError } from '../base/errors.js';

export const KEY_FIELDS = ['ip', 'path', 'status', 'method', 'user_agent', 'referrer', 'vhost'] as const;
export type KeyField = (typeof KEY_FIELDS)[number];

export const DEFAULT_KEY_FIELDS: readonly KeyField[] = ['ip'];

/** Fields that `parse` always sets; any other field needs `parseDetails`. */
export const CHEAP_FIELDS: ReadonlySet<KeyField> = new Set<KeyField>(['ip', 'status']);

/** `ip,path` or ['ip', 'path'] -> checked field list. */
export function parseKeyFields(spec: string | readonly string[]): KeyField[] {
  const names = (typeof spec === 'string' ? [spec] : spec).flatMap((s) => s.split(',')).map((s) => s.trim());
  if (names.length === 0 || names.some((n) => n === '')) {
    throw new LogsiftError(`--by needs field names separated by commas, from: ${KEY_FIELDS.join(', ')}`);
  }
  const fields: KeyField[] = [];
  for (const name of names) {
    if (!(KEY_FIELDS as readonly string[]).includes(name)) {
      throw new LogsiftError(`--by: unknown field '${name}': use ${KEY_FIELDS.join(', ')} (or several, like ip,path)`);
    }
    if (fields.includes(name as KeyField)) throw new LogsiftError(`--by: field '${name}' is given twice`);
    fields.push(name as KeyField);
  }
  return fields;
}

/** True when the key is the default client address alone. */
export function isDefaultKey(fields: readonly KeyField[]): boolean {
  return fields.length === 1 && fields[0] === 'ip';
}

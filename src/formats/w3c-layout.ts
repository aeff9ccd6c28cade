// The columns of a W3C extended log (formats/w3c.ts): which field of a line holds what, from one `#Fields:`
// line (IIS, CloudFront and the draft's other writers name the same fields in their own ways), and the
// `--w3c-fields` check of a layout given by hand.

import { LogsiftError } from '../base/errors.js';

export const enum Role {
  None,
  Date,
  Time,
  Client,
  Status,
  Method,
  Path,
  UserAgent,
  Referrer,
  Vhost,
  ForwardedFor,
}

/** W3C field names (lower case) -> role; for a role named by several fields, the earlier name wins. */
const NAMED_ROLES: ReadonlyArray<readonly [string, Role]> = [
  ['date', Role.Date],
  ['time', Role.Time],
  ['c-ip', Role.Client],
  ['sc-status', Role.Status],
  ['cs-method', Role.Method],
  ['cs-uri-stem', Role.Path],
  ['cs-uri', Role.Path],
  ['cs(user-agent)', Role.UserAgent],
  ['cs(referer)', Role.Referrer],
  ['cs(referrer)', Role.Referrer],
  ['x-host-header', Role.Vhost], // CloudFront: the Host the viewer asked for (cs(Host) is the distribution's)
  ['cs-host', Role.Vhost],
  ['cs(host)', Role.Vhost],
  ['x-forwarded-for', Role.ForwardedFor],
  ['cs(x-forwarded-for)', Role.ForwardedFor],
];

/** Where each role is in a line, compiled from one `#Fields:` line. */
export class Layout {
  /** Role of each column. */
  readonly roles: Uint8Array;
  /** Last column `parse` must read (client, status, date, time); -1 when the fields lack one of them. */
  readonly lastEssential: number;
  readonly hasDate: boolean;
  /** Columns 0..lastEssential as a scan kernel reads them: 1 date, 2 time, 3 client, 4 status, 0 other. */
  readonly essentialRoles: Uint8Array;

  constructor(readonly names: readonly string[]) {
    this.roles = new Uint8Array(names.length);
    const rank = new Map<Role, number>();
    names.forEach((name, column) => {
      const i = NAMED_ROLES.findIndex(([n]) => n === name.toLowerCase());
      if (i < 0) return;
      const role = NAMED_ROLES[i][1];
      const previous = rank.get(role);
      if (previous !== undefined && previous <= i) return;
      if (previous !== undefined) this.roles[this.roles.indexOf(role)] = Role.None;
      rank.set(role, i);
      this.roles[column] = role;
    });
    const at = (role: Role): number => this.roles.indexOf(role);
    const essential = [at(Role.Client), at(Role.Status), at(Role.Time)];
    this.hasDate = at(Role.Date) >= 0;
    if (this.hasDate) essential.push(at(Role.Date));
    this.lastEssential = essential.some((c) => c < 0) ? -1 : Math.max(...essential);
    this.essentialRoles = this.roles.slice(0, this.lastEssential + 1).map((role) => (role <= Role.Status ? role : 0));
  }
}

/** The state a scan kernel reads plain W3C lines with (W3cFormat.kernelLayout). */
export interface W3cKernelLayout {
  /** The last column `parse` reads; -1 when the layout lacks one of client, status and time. */
  readonly last: number;
  readonly roles: Uint8Array;
  /** Day of the `#Date:` line (days since 1970) for a layout without a date column; NaN otherwise. */
  readonly days: number;
  readonly offsetMinutes: number;
}

/**
 * `--w3c-fields`: the names, checked: they must name the client, the status and the time, and a date column
 * (a file cut without its `#Fields:` line has lost its `#Date:` line too).
 */
export function checkW3cFields(names: readonly string[]): readonly string[] {
  if (names.length === 0) throw new LogsiftError('--w3c-fields is empty: name the fields as the #Fields: line would (date time c-ip ...)');
  const bad = names.find((name) => name === '' || /[\s#]/.test(name));
  if (bad !== undefined) throw new LogsiftError(`--w3c-fields: '${bad}' is not a W3C field name`);
  const layout = new Layout(names);
  if (layout.lastEssential < 0 || !layout.hasDate) {
    const lower = new Set(names.map((name) => name.toLowerCase()));
    const missing = ['date', 'time', 'c-ip', 'sc-status'].filter((name) => !lower.has(name));
    throw new LogsiftError(`--w3c-fields must name date, time, c-ip and sc-status; missing: ${missing.join(', ')}`);
  }
  return [...names];
}

// The programs the bench runs and compares, and how it finds them. Nothing here runs a timed command.

import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The full path of an executable on PATH (or an absolute path that exists), or null. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | null {
  const candidates = name.includes('/') ? [name] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The default error codes of logsift, as the reference one-liner spells them. */
const CODES_REGEX = '^(400|401|403|404|405|500|501|502|503|504|505)$';

/** The reference mawk one-liner, exactly as users write it (the file is its last argument). */
export const MAWK_PROGRAM = `$9 ~ /${CODES_REGEX}/ {c[$1]++} END {for (k in c) if (c[k] >= 10) print k "," c[k]}`;

/** The rg peer: counts the lines with a matching status, and does nothing else. */
export const RG_PATTERN = '" (40[0-5]|50[0-5]) ';

/**
 * An awk that finds the status where it really is (the word after the one that closes the quoted request) instead
 * of in $9, which is the status only when the request has exactly three words. Used only to explain differences
 * between logsift and the one-liner; it also counts the lines on which the two disagree.
 */
export const REFERENCE_AWK_PROGRAM = [
  '{ s = ""',
  '  if ($6 ~ /^"/) for (i = 6; i < NF; i++) if ($i ~ /"$/ && $i !~ /\\\\"$/ && !(i == 6 && $i == "\\"")) { s = $(i + 1); break }',
  `  if (s ~ /${CODES_REGEX}/) { c[$1]++; if ($9 != s) moved++ } else if ($9 ~ /${CODES_REGEX}/) wrong++ }`,
  'END { for (k in c) if (c[k] >= 10) print k "," c[k]; print "#moved," moved + 0; print "#wrong," wrong + 0 }',
].join('\n');

/** A command line as a person would paste it into a POSIX shell. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

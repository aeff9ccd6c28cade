// The words of the command line put in the shape commander reads, before it reads them: flag aliases
// (`--error-codes`), and the list flags' words told apart from positional inputs. A list flag
// (`--errorcodes 401 403`, `--by path ip`) takes the words after it up to the next flag, as grep's and
// angle-grinder's users expect, but `logsift --errorcodes 404 access.log` must still read access.log: a word
// that cannot be one of the flag's values (an existing file, a path, a glob) is an input, moved after `--`.

import { existsSync } from 'node:fs';

/** What the pre-pass needs to know of each flag (commander's Option has these fields). */
export interface FlagShape {
  readonly long?: string;
  readonly short?: string;
  /** Takes a value (`<v>` or `[v]`). */
  readonly takesValue: boolean;
  readonly variadic: boolean;
}

/** Other spellings of a flag, as users type them. */
export const FLAG_ALIASES: Readonly<Record<string, string>> = { '--error-codes': '--errorcodes' };

/** A word that names a file, a path or a glob is an input, never a status, a field name or an address block. */
function looksLikeInput(word: string): boolean {
  return /[/\\*?[{]/.test(word) || existsSync(word);
}

const ADDRESS_BLOCKS = /^[0-9a-fA-F:.,]+(\/\d{1,3})?(,[0-9a-fA-F:.,]+(\/\d{1,3})?)*$/;

/** Whether `word` after the list flag `long` is one more of its values. */
function takesWord(long: string | undefined, word: string): boolean {
  if (long === '--input') return true; // its words are inputs either way
  if (long === '--include-ip' || long === '--exclude-ip') return ADDRESS_BLOCKS.test(word) && !existsSync(word);
  return !looksLikeInput(word);
}

const isFlag = (word: string): boolean => word.length > 1 && word.startsWith('-');

/**
 * `args` with aliases replaced, every flag's words kept with it, and the positional words moved to the end after
 * `--` (so a list flag before them cannot take them). Unknown flags are left for commander to report.
 */
export function arrangeArgs(args: readonly string[], flags: readonly FlagShape[]): string[] {
  const out: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    let word = args[i];
    if (word === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!isFlag(word)) {
      positional.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = eq > 0 ? word.slice(0, eq) : word;
    if (FLAG_ALIASES[name]) word = FLAG_ALIASES[name] + (eq > 0 ? word.slice(eq) : '');
    const canonical = FLAG_ALIASES[name] ?? name;
    const flag = flags.find((f) => f.long === canonical || f.short === canonical);
    out.push(word);
    if (!flag || !flag.takesValue || eq > 0) continue;
    if (!flag.variadic) {
      if (i + 1 < args.length) out.push(args[++i]);
      continue;
    }
    while (i + 1 < args.length && !isFlag(args[i + 1]) && args[i + 1] !== '--' && (out[out.length - 1] === word || takesWord(flag.long, args[i + 1]))) {
      // (The first word always belongs to the flag, so `--errorcodes access.log` names the bad code.)
      out.push(args[++i]);
    }
  }
  return positional.length > 0 ? [...out, '--', ...positional] : out;
}

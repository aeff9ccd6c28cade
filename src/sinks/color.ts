// Whether to colour what is printed, as the tools people know decide it (ripgrep, GNU ls, the no-color.org and
// force-color.org conventions): `--color always|never` wins; under `auto`, NO_COLOR (any value but empty) turns
// colour off, FORCE_COLOR turns it on (`0` or `false`: off), TERM=dumb turns it off, and otherwise a terminal gets
// colour and a pipe or a file does not.

export const COLOR_CHOICES = ['auto', 'always', 'never'] as const;
export type ColorChoice = (typeof COLOR_CHOICES)[number];

/** What colour depends on: the stream (is it a terminal?) and the environment. */
export interface ColorContext {
  readonly isTTY?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function wantColor(choice: ColorChoice, { isTTY = false, env = process.env }: ColorContext): boolean {
  if (choice === 'always') return true;
  if (choice === 'never') return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

// Errors the user caused, told apart from bugs: a LogsiftError's message is what the user sees, on one line.

/** An error the user caused (bad flag, missing file ...): the CLI prints its message on one line, no stack. */
export class LogsiftError extends Error {
  override readonly name = 'LogsiftError';
}

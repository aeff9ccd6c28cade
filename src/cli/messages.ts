// Commander's usage errors in logsift's one style: `logsift: error: <flag> <what is wrong>, got "<value>"`, on
// one line (commander puts "Did you mean ...?" on a second one and names flags with their value placeholder).

/** Commander's error text as the line logsift prints. */
export function commanderMessage(message: string): string {
  let text = message.trim().replace(/\s*\n\s*/g, ' ').replace(/^error:\s*/, '');
  const invalid = /^option '(?:-\w, )?(\S+)[^']*' argument '(.*)' is invalid\. (.*)$/s.exec(text);
  if (invalid) {
    const [, flag, value, reason] = invalid;
    const choices = /^Allowed choices are (.*?)\.?$/.exec(reason);
    text = choices
      ? `${flag} must be one of ${choices[1]}, got "${value}"`
      : reason.startsWith(flag)
        ? reason.replace(/\.$/, '')
        : `${flag} ${reason.replace(/\.$/, '')}, got "${value}"`;
  }
  const missing = /^option '(?:-\w, )?(\S+)[^']*' argument missing$/.exec(text);
  if (missing) text = `${missing[1]} is missing its value`;
  text = text.replace(/\(Did you mean (.*)\?\)/, '(did you mean $1?)');
  return `logsift: error: ${text}\n`;
}

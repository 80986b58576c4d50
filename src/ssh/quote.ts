/**
 * SSH runs commands through the remote user's shell, so an argv array has to become
 * one string. This is the only place that happens: every argument is single-quoted,
 * so no character of it is special to the shell.
 */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('An argument contains a NUL byte.');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('An empty command.');
  return argv.map(quoteArg).join(' ');
}

/**
 * argv as systemd reads a command line (ExecStart=): each word in double quotes, with
 * what systemd would otherwise interpret escaped: `\` and `"` (C-style escapes in
 * quotes), `$` (environment expansion, as `$$`) and `%` (unit specifiers, as `%%`).
 * The program then receives every word verbatim.
 */
export function systemdArgv(argv: readonly string[]): string {
  return argv.map(systemdWord).join(' ');
}

export function systemdWord(word: string): string {
  if (/[\u0000-\u001f\u007f]/.test(word)) throw new Error('a command word must not contain control characters');
  return `"${word
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\$/g, '$$$$')
    .replace(/%/g, '%%')}"`;
}

/**
 * Lines from many servers in one stream (`hms logs --all`): each starts with its
 * server's name, padded to the longest so the lines stay aligned, and in a colour of
 * its own on a terminal (red is left for errors).
 */
const PALETTE = [36, 33, 35, 32, 34, 96, 93, 95, 92, 94];

export function serverPrefixes(names: readonly string[], color: boolean): Record<string, string> {
  const width = Math.max(0, ...names.map((name) => name.length));
  return Object.fromEntries(
    names.map((name, i) => {
      const label = `${name.padEnd(width)} |`;
      return [name, color ? `\u001b[${PALETTE[i % PALETTE.length]}m${label}\u001b[39m` : label];
    }),
  );
}

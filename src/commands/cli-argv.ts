/**
 * argv before meow sees it. A flag's value that starts with "-" (`--since -1h`) would
 * be read as more flags, so for the flags that take such values the two words
 * become one (`--since=-1h`), which meow reads as a value.
 */
const TAKES_DASHED_VALUE = new Set(['--since', '--until']);

export function joinDashedValues(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === '--') return [...joined, ...argv.slice(i)];
    const value = argv[i + 1];
    if (TAKES_DASHED_VALUE.has(word) && value !== undefined && /^-\d/.test(value)) {
      joined.push(`${word}=${value}`);
      i += 1;
    } else joined.push(word);
  }
  return joined;
}

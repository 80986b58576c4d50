/** Sizes for people, shared by the CLI, the TUI and the web pages: "187.7M". */
export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const units = ['B', 'K', 'M', 'G', 'T'];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit += 1;
  }
  return `${n.toFixed(unit === 0 ? 0 : 1)}${units[unit]}`;
}

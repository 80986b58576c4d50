/** Which rows of a long list fit, keeping the selected one in view (centred once it moves past the middle). */
export function visibleRange(count: number, selected: number, height: number): { start: number; end: number } {
  const size = Math.max(1, height);
  if (count <= size) return { start: 0, end: count };
  const start = Math.min(Math.max(0, selected - Math.floor(size / 2)), count - size);
  return { start, end: start + size };
}

/** The first line to show of a text scrolled by `scroll`, never past its end. */
export function clampScroll(scroll: number, lines: number, height: number): number {
  return Math.max(0, Math.min(scroll, lines - height));
}

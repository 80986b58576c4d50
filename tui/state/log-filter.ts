/**
 * The `/` filter of every list and of the log view: a regular expression, `!` in
 * front for the inverse (`/!healthcheck` hides those lines). Lower-case patterns
 * ignore case; one capital letter makes it exact (smart case, as in less and k9s).
 */
export interface TextFilter {
  /** What was typed after `/`. */
  text: string;
  inverse: boolean;
  pattern?: RegExp;
  /** Why the pattern is not used (an invalid regular expression). */
  error?: string;
}

export function parseFilter(text: string): TextFilter {
  const inverse = text.startsWith('!');
  const source = inverse ? text.slice(1) : text;
  if (source === '') return { text, inverse };
  try {
    return { text, inverse, pattern: new RegExp(source, /[A-Z]/.test(source) ? '' : 'i') };
  } catch (error) {
    return { text, inverse, error: `not a regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
}

/** Whether `line` stays visible; an empty or invalid filter hides nothing. */
export function passes(filter: TextFilter, line: string): boolean {
  if (!filter.pattern) return true;
  return filter.pattern.test(line) !== filter.inverse;
}

/** How the filter reads in a title: `/error`, `/!health`, or nothing. */
export function describeFilter(filter: TextFilter): string {
  if (filter.text === '') return '';
  return filter.error ? `/${filter.text} (${filter.error})` : `/${filter.text}`;
}

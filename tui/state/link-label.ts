/** How a server's connection reads in the status bar. */
export interface LinkView {
  server: string;
  status: 'connecting' | 'connected' | 'reconnecting';
  version?: string | undefined;
  updatedAt?: number | undefined;
  retryAt?: number | undefined;
  failures: number;
  error?: { text: string } | undefined;
}

export function linkMark(link: LinkView): string {
  return link.status === 'connected' ? '●' : link.status === 'connecting' ? '◌' : '✗';
}

export function linkLabel(link: LinkView, now: number): string {
  if (link.status === 'connecting') return 'connecting…';
  if (link.status === 'connected') {
    const age = link.updatedAt === undefined ? '' : ` · updated ${Math.max(0, Math.round((now - link.updatedAt) / 1000))}s ago`;
    return `connected${link.version ? ` · agent ${link.version}` : ''}${age}`;
  }
  const wait = link.retryAt === undefined ? '' : ` in ${Math.max(0, Math.ceil((link.retryAt - now) / 1000))}s`;
  return `reconnecting${wait} (attempt ${link.failures + 1})${link.error ? `: ${link.error.text}` : ''}`;
}

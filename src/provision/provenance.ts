/**
 * Which shared files provisioning wrote, by sha256, so it can tell its own file (which
 * it may update when the config changes) from one a person changed on the server
 * (which it keeps and reports). One record per app, root only, in the agent's state.
 */
import type { FileState } from './files.js';
import type { Host } from './host.js';
import { provenanceFile, type SharedFile } from './shared-files.js';

/** Shared path -> sha256 of the content provisioning last wrote there. */
export type Provenance = Record<string, string>;

export async function readProvenance(host: Host, app: string): Promise<Provenance> {
  const read = await host.run(['cat', '--', provenanceFile(app)], { maxOutputBytes: 256 * 1024 });
  if (read.code !== 0) return {};
  try {
    const parsed = JSON.parse(read.stdout) as { files?: unknown };
    const files = parsed.files && typeof parsed.files === 'object' ? (parsed.files as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(files).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    // A damaged record only means hms treats every differing file as edited by hand.
    return {};
  }
}

export async function writeProvenance(host: Host, app: string, record: Provenance): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  await host.upload(`${JSON.stringify({ files: sorted }, null, 2)}\n`, provenanceFile(app), 0o600);
}

export type SharedDecision =
  | { action: 'none' }
  | { action: 'create' }
  /** Same content as hms would write, but not yet recorded as hms's (or mode/owner differ). */
  | { action: 'adopt'; reasons: string[] }
  /** hms's own earlier version (unchanged since) is replaced. */
  | { action: 'update' }
  /** Edited on the server, but its laptop file changed since the last upload: replaced, the server copy kept as a .bak. */
  | { action: 'replace' }
  /** Differs, and hms did not write what is there: left alone and reported. */
  | { action: 'keep' };

/**
 * The provenance rule. `attributes` are the mode/owner differences of a file whose
 * content already matches.
 */
export function decide(
  file: Pick<SharedFile, 'origin'>,
  desired: string,
  state: FileState | undefined,
  recorded: string | undefined,
  attributes: string[],
): SharedDecision {
  if (!state) return { action: 'create' };
  if (state.hash === desired)
    return recorded === desired && attributes.length === 0 ? { action: 'none' } : { action: 'adopt', reasons: attributes };
  if (recorded !== undefined && state.hash === recorded) return { action: 'update' };
  if (file.origin === 'upload' && recorded !== undefined && recorded !== desired) return { action: 'replace' };
  return { action: 'keep' };
}

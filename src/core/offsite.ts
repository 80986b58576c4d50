/**
 * The names of an offsite backup repository, shared by the secrets it needs, the
 * server that keeps it and the server that writes to it. A repository is named (by
 * default after the server whose backups it copies): on the keeping server it is a
 * user of its own, owning one folder, reachable with one key, for SFTP only.
 */
export const OFFSITE_ROOT = '/var/backups/hms-offsite';

/** The repository a server's backups are copied into: its own name unless it takes over another's. */
export const offsiteRepository = (serverName: string, offsite: { repository?: string | undefined }): string =>
  offsite.repository ?? serverName;

/** The keeping server's user for a repository: `hms-offsite-<name>`, shortened with a hash past 32 characters. */
export function offsiteUser(repository: string): string {
  const user = `hms-offsite-${repository}`;
  if (user.length <= 32) return user;
  const hash = fnv1a(repository).toString(16).padStart(8, '0');
  return `${user.slice(0, 23)}-${hash}`;
}

/** That user's home: the folder holding `restic/` (the repository) and `.ssh/authorized_keys`. */
export const offsiteHome = (repository: string): string => `${OFFSITE_ROOT}/${repository}`;

/** Keys in .secrets.json: the repository's password and the key the writing server logs in with. */
export const offsitePasswordKey = (repository: string): string => `backup_passwords.offsite-${repository}`;
export const offsiteSshKey = (repository: string): string => `offsite_keys.${repository}`;

/** restic's SFTP address of the repository (the ssh command restic runs is given apart, with the key and known hosts). */
export const offsiteResticUrl = (repository: string, host: string): string =>
  `sftp:${offsiteUser(repository)}@${host.includes(':') ? `[${host}]` : host}:${offsiteHome(repository)}/restic`;

/** FNV-1a (32 bit): enough to keep two long repository names' users apart. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193) >>> 0;
  return hash;
}

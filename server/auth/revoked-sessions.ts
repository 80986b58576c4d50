/**
 * Sessions ended before their time (logout): a session cookie is a signed token the
 * browser keeps, so ending it means remembering its id until it would have expired
 * anyway. Kept in the state folder (0600, replaced by rename), so a restart does not
 * bring a logged-out session back; entries past their expiry are dropped on write.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const REVOKED_SESSIONS_FILE = 'sessions-revoked.json';

export class RevokedSessions {
  private entries: Promise<Map<string, number>> | undefined;
  private writing: Promise<unknown> = Promise.resolve();
  /** The file could not be read: every session counts as ended until it is written again. */
  private unreadable = false;

  constructor(
    private readonly stateDir: string,
    private readonly clock: () => Date,
  ) {}

  async has(sid: string): Promise<boolean> {
    const entries = await this.load();
    return this.unreadable || entries.has(sid);
  }

  /** Ends session `sid`, which would expire at `expires` (seconds since the epoch). */
  async add(sid: string, expires: number): Promise<void> {
    const entries = await this.load();
    entries.set(sid, expires);
    const now = Math.floor(this.clock().getTime() / 1000);
    for (const [id, until] of entries) if (until <= now) entries.delete(id);
    const text = `${JSON.stringify(Object.fromEntries(entries))}\n`;
    const write = this.writing.then(async () => {
      await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
      const file = path.join(this.stateDir, REVOKED_SESSIONS_FILE);
      const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temp, text, { mode: 0o600 });
      await rename(temp, file);
      this.unreadable = false;
    });
    this.writing = write.catch(() => undefined);
    await write;
  }

  private load(): Promise<Map<string, number>> {
    this.entries ??= readFile(path.join(this.stateDir, REVOKED_SESSIONS_FILE), 'utf8')
      .then(
        (text) =>
          new Map(
            Object.entries(JSON.parse(text) as Record<string, unknown>).filter(
              (entry): entry is [string, number] => typeof entry[1] === 'number',
            ),
          ),
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
          return new Map<string, number>();
        },
      )
      .catch((error: unknown) => {
        // Fail closed: a session that was ended must not come back because the list is damaged.
        console.error(
          `[hms-agent] ${REVOKED_SESSIONS_FILE} cannot be read (${(error as Error).message}); every session must log in again.`,
        );
        this.unreadable = true;
        return new Map<string, number>();
      });
    return this.entries;
  }
}

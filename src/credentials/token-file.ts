import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HmsError } from '../core/errors.js';
import { isTooOpen, tooOpenError } from '../core/file-mode.js';

/** The fallback store where no keychain is reachable: a 0600 JSON file of tokens by account. */
export class TokenFile {
  constructor(readonly file: string) {}

  async get(account: string): Promise<string | null> {
    return (await this.read())[account] ?? null;
  }

  async set(account: string, token: string): Promise<void> {
    const tokens = await this.read();
    tokens[account] = token;
    await this.write(tokens);
  }

  async delete(account: string): Promise<boolean> {
    const tokens = await this.read();
    if (!(account in tokens)) return false;
    delete tokens[account];
    await this.write(tokens);
    return true;
  }

  private async read(): Promise<Record<string, string>> {
    let info;
    try {
      info = await stat(this.file);
    } catch {
      return {};
    }
    if (isTooOpen(info.mode)) throw tooOpenError(this.file, info.mode);
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
    } catch {
      throw new HmsError(`${this.file} is not valid JSON.`, { hint: `Delete it and run \`hms login\` again.` });
    }
  }

  private async write(tokens: Record<string, string>): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, this.file);
  }
}

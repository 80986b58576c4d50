import { readFile } from 'node:fs/promises';
import { HmsError } from '../core/errors.js';
import type { Config } from '../config/schema.js';

/** Larger laptop files are refused: shared/ is for keys and config, not data. */
const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

/** The laptop files of `apps.<app>.files` for one server's apps, read once for the plan. */
export async function readUploads(config: Config, serverName: string): Promise<Record<string, Record<string, Buffer>>> {
  const uploads: Record<string, Record<string, Buffer>> = {};
  for (const [name, app] of Object.entries(config.apps)) {
    if (app.server !== serverName) continue;
    uploads[name] = {};
    for (const [shared, local] of Object.entries(app.files)) {
      const content = await readFile(local).catch((error: NodeJS.ErrnoException) => {
        throw new HmsError(`apps.${name}.files["${shared}"]: cannot read ${local} (${error.code}).`, {
          hint: `Put the file there, or fix the path in ${config.file} (relative paths start at its folder).`,
          cause: error,
        });
      });
      if (content.length > MAX_UPLOAD_BYTES) {
        throw new HmsError(`apps.${name}.files["${shared}"]: ${local} is larger than 8 MiB.`, {
          hint: 'Upload large files another way; shared files are meant for keys and configuration.',
        });
      }
      uploads[name][shared] = content;
    }
  }
  return uploads;
}

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HmsError } from '../core/errors.js';

/** The installed hms package's root, found from this module (source or dist/ bundle). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i += 1) {
    if (existsSync(path.join(dir, 'templates')) && existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new HmsError('Cannot find the templates/ folder of hms.', { hint: 'Reinstall hms (npm ci) so templates/ sits next to dist/.' });
}

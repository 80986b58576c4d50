/** Files with secrets are refused when others may read them, as ssh refuses a key. */
import { HmsError } from './errors.js';

/** True when group or others may read or write the file. */
export function isTooOpen(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

export function tooOpenError(file: string, mode: number): HmsError {
  const octal = (mode & 0o777).toString(8).padStart(3, '0');
  return new HmsError(`${file} is readable by others (mode ${octal}); refusing to use it.`, {
    hint: `Run \`chmod 600 ${file}\`, then try again.`,
  });
}

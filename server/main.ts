// hms-agent entry point (Node adapter lives here only). Filled in by the agent work.
import { VERSION } from '../src/version.js';

if (process.argv.includes('--version')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  process.stdout.write(`hms-agent ${VERSION}\n`);
}

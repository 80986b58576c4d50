import { HmsError } from '../errors.js';
import type { Command } from './command.js';

export const runCommand: Command = {
  name: 'run',
  summary: '(not yet available)',
  usage: ['hms run'],
  async run() {
    throw new HmsError('hms run is not available in this version yet.');
  },
};

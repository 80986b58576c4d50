import { HmsError } from '../errors.js';
import type { Command } from './command.js';

export const logsCommand: Command = {
  name: 'logs',
  summary: '(not yet available)',
  usage: ['hms logs'],
  async run() {
    throw new HmsError('hms logs is not available in this version yet.');
  },
};

import { HmsError } from '../errors.js';
import type { Command } from './command.js';

export const configCommand: Command = {
  name: 'config',
  summary: '(not yet available)',
  usage: ['hms config'],
  async run() {
    throw new HmsError('hms config is not available in this version yet.');
  },
};

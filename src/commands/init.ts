import { HmsError } from '../errors.js';
import type { Command } from './command.js';

export const initCommand: Command = {
  name: 'init',
  summary: '(not yet available)',
  usage: ['hms init'],
  async run() {
    throw new HmsError('hms init is not available in this version yet.');
  },
};

import { HmsError } from '../errors.js';
import type { Command } from './command.js';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: '(not yet available)',
  usage: ['hms doctor'],
  async run() {
    throw new HmsError('hms doctor is not available in this version yet.');
  },
};

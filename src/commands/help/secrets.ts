import type { CommandHelp } from '../../core/command-help.js';

export const secretsHelp: CommandHelp = {
  name: 'secrets',
  summary: 'Create, complete or check .secrets.json (values are never printed)',
  usage: ['hms secrets init [--rotate KEY]', 'hms secrets check'],
  flags: [['--rotate KEY', "init: replace this key's value with a new one (e.g. hosting_management.jwt_secret)"]],
  examples: ['hms secrets init', 'hms secrets check', 'hms secrets init --rotate hosting_management.api_token'],
};

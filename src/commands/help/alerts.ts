import type { CommandHelp } from '../../core/command-help.js';

export const MUTE_USAGE = 'hms alerts mute <rule|app> --for 2h';
export const UNMUTE_USAGE = 'hms alerts unmute <rule|app>';

export const alertsHelp: CommandHelp = {
  name: 'alerts',
  summary: 'Incidents (open and recent), the channels and their deliveries, mutes; `test`, `mute` and `unmute` act on them',
  usage: ['hms alerts [server] [--all]', 'hms alerts test [channel]', MUTE_USAGE, UNMUTE_USAGE],
  flags: [
    ['--all', 'every configured server, concurrently'],
    ['--for DURATION', 'mute: how long, 30m, 2h, 1d or 1h30m (at most 7 days)'],
    ['--readonly', 'refuse test, mute and unmute'],
    ['--json', 'the incidents, channels, deliveries and mutes (test: the deliveries) as JSON'],
  ],
  examples: ['hms alerts', 'hms alerts --all --json', 'hms alerts test ops', 'hms alerts mute disk --for 2h', 'hms alerts unmute cigar'],
};

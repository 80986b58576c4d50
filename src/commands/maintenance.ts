/**
 * `hms maintenance on|off <app> [--message TEXT]`: the app answers 503 with a page (and
 * Retry-After) from nginx, without the app, until turned off; the hosting site, the other
 * apps and the ACME challenges keep serving. `hms maintenance <app>` says whether it is on.
 */
import type { MaintenanceState } from '../api/apps.js';
import { UsageError } from '../core/errors.js';
import { withApp } from './app-command.js';
import type { Command, CommandContext } from './command.js';
import { MAINTENANCE_USAGE, maintenanceHelp } from './help/index.js';

export function maintenanceLine(state: MaintenanceState): string {
  if (!state.on) return `${state.app} is serving (not in maintenance).`;
  const who = `since ${state.at ?? '?'} by ${state.by ?? '?'}`;
  if (state.kind === 'restore') return `${state.app} answers 503 while a restore swaps its database (${who}).`;
  const message = state.message ? `: "${state.message}"` : '';
  return `${state.app} is in maintenance ${who}${message}; nginx answers 503 with Retry-After. End it: hms maintenance off ${state.app}`;
}

function parse(context: CommandContext): { on?: boolean; args: string[] } {
  const [first, ...rest] = context.args;
  if (first === 'on' || first === 'off') return { on: first === 'on', args: rest };
  if (context.flags.message) throw new UsageError('--message goes with `on`.', `\`${MAINTENANCE_USAGE}\``);
  return { args: context.args };
}

export const maintenanceCommand: Command = {
  ...maintenanceHelp,
  run: (context) => {
    const { on, args } = parse(context);
    if (on !== undefined && context.flags.readonly) {
      throw new UsageError('--readonly: maintenance is not changed.', 'Run it without --readonly to turn maintenance on or off.');
    }
    return withApp({ ...context, args }, MAINTENANCE_USAGE, async (app, connected) => {
      const request = on === undefined ? undefined : { on, ...(on && context.flags.message ? { message: context.flags.message } : {}) };
      const state = await connected.client.maintenance(app, request);
      return { data: state, human: maintenanceLine(state) };
    });
  },
};

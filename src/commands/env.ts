/**
 * `hms env <app> [--json]`: the app's env variables, where each comes from, plain values
 * shown and secret ones masked, and what differs from the server's env file; applying is
 * `hms provision`, which restarts the app's processes.
 */
import { UsageError } from '../core/errors.js';
import { table } from '../core/table.js';
import { type EnvReport, envReport } from '../provision/env-report.js';
import { secretsPathFor } from '../secrets/service.js';
import { withApp } from './app-command.js';
import type { Command } from './command.js';
import { ENV_USAGE, envHelp } from './help/index.js';

const SOURCE = { hms: 'hms', config: 'config (apps.<app>.env)', secret: 'secret (app_env.<app>)', server: 'server only' };

export function envText(report: EnvReport): string {
  const rows = report.rows.map((row) => [row.name, SOURCE[row.source].replace('<app>', report.app), row.value, row.state]);
  return [
    `${report.app} on ${report.server} (${report.file})`,
    '',
    table(['NAME', 'SOURCE', 'VALUE', 'SERVER'], rows),
    '',
    report.next,
  ].join('\n');
}

export const envCommand: Command = {
  ...envHelp,
  run: (context) =>
    withApp(context, ENV_USAGE, async (app, connected) => {
      const config = await context.loadConfig();
      if (!config)
        throw new UsageError(
          '`hms env` compares with hms.config.json and .secrets.json; there is no hms.config.json here.',
          'Run it in the folder of hms.config.json, or pass --config PATH.',
        );
      const report = await envReport({
        config,
        secretsFile: secretsPathFor(config, context.flags.secrets, context.cwd),
        app,
        client: connected.client,
      });
      return { data: report, human: envText(report) };
    }),
};

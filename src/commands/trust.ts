import { trustServer } from '../ssh/trust.js';
import type { Command } from './command.js';
import { trustHelp } from './help/index.js';
import { pickServer } from '../client/server-target.js';

export const trustCommand: Command = {
  ...trustHelp,
  async run(context) {
    const { target } = pickServer(await context.loadConfig(), context.args[0] ?? context.flags.server);
    const report = await trustServer({
      target,
      confirm: (key) => {
        context.note(`${target.host}:${target.port} presents this host key:\n  ${key.type} ${key.fingerprint}`);
        return context.confirm(`Record it in ${target.knownHostsFile}?`);
      },
    });
    const human = {
      added: `Trusted ${report.host}: ${report.type} ${report.fingerprint} added to ${report.knownHostsFile}.`,
      'already-trusted': `${report.host} is already trusted (${report.type} ${report.fingerprint}).`,
      declined: 'Nothing recorded.',
    }[report.status];
    return { data: report, human, exitCode: report.status === 'declined' ? 1 : 0 };
  },
};

import type { Command } from './command.js';
import { fullDeployHelp } from './help/index.js';
import { HmsError } from '../core/errors.js';
import { CertificateRequestError } from '../provision/steps/acme.js';
import { deployHostingApi } from './deploy-hosting-api.js';
import { provision, summary } from './provision.js';
import { pickServer } from '../client/server-target.js';

export const fullDeployCommand: Command = {
  ...fullDeployHelp,
  async run(context) {
    const { name } = pickServer(await context.loadConfig(), context.args[0] ?? context.flags.server);
    const started = Date.now();
    // A certificate the CA would not issue yet (DNS not pointing here) leaves every site serving what it had:
    // the agent is installed all the same, and the command fails afterwards with the CA's reason.
    let certificates: CertificateRequestError | undefined;
    const plan = await provision(context, name, false).catch((error: unknown) => {
      if (!(error instanceof HmsError && error.cause instanceof CertificateRequestError)) throw error;
      certificates = error.cause;
      return undefined;
    });
    if (plan) context.note(summary(plan));
    const agent = await deployHostingApi(context, name);
    if (certificates) throw new HmsError(`Agent ${agent.release} is installed, but: ${certificates.message}`, { hint: certificates.hint });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    return {
      data: { provision: plan, agent, ms: Date.now() - started },
      human:
        `${name} is provisioned and agent ${agent.release} answers (${seconds} s). ` +
        "The apps' units and sites are in place; deploy each app with `hms deploy <app>`" +
        `${agent.tokenStored ? ', and see them with `hms status`' : ''}.`,
    };
  },
};

import { text } from 'node:stream/consumers';
import { HmsError } from '../core/errors.js';
import { openTransport } from '../client/transport.js';
import { ApiClient } from '../client/api-client.js';
import { openCredentialStore, tokenAccount } from '../credentials/store.js';
import { readSecrets } from '../secrets/file.js';
import { secretsPathFor } from '../secrets/service.js';
import type { Command, CommandContext } from './command.js';
import { loginHelp, logoutHelp } from './help/index.js';
import { viaFlag } from '../client/connect.js';
import { pickServer } from '../client/server-target.js';

/** The token to store: --token-stdin, else the api_token of the laptop's .secrets.json. */
async function tokenToStore(context: CommandContext): Promise<{ token: string; from: string }> {
  if (context.flags.tokenStdin) {
    const token = (await text(process.stdin)).trim();
    if (!token) throw new HmsError('No token on standard input.', { hint: 'Pipe it in: `hms login prod --token-stdin < token.txt`.' });
    return { token, from: 'standard input' };
  }
  const config = await context.loadConfig();
  const file = secretsPathFor(config, context.flags.secrets, context.cwd);
  const token = (await readSecrets(file).catch(() => undefined))?.hosting_management.api_token;
  if (!token) {
    throw new HmsError(`No token given and none in ${file}.`, { hint: 'Pass it with --token-stdin, or run `hms secrets init` first.' });
  }
  return { token, from: file };
}

export const loginCommand: Command = {
  ...loginHelp,
  async run(context) {
    const config = await context.loadConfig();
    const { name, target } = pickServer(config, context.args[0] ?? context.flags.server);
    const { token, from } = await tokenToStore(context);
    const transport = await openTransport(name, config!.servers[name]!, viaFlag(context.flags.via));
    const client = new ApiClient(name, transport, token);
    try {
      // Only a token the agent accepts is stored.
      const me = await client.whoami();
      const store = await openCredentialStore(context.env);
      if (store.warning) context.note(store.warning);
      await store.set(tokenAccount(name, target.host), token);
      const where = store.where === 'keychain' ? 'the OS keychain' : store.where;
      return {
        data: { server: name, stored: store.where, agentVersion: me.version },
        human: `Logged in to ${name} (agent ${me.version}); token from ${from} kept in ${where}.`,
      };
    } finally {
      await client.close();
    }
  },
};

export const logoutCommand: Command = {
  ...logoutHelp,
  async run(context) {
    const { name, target } = pickServer(await context.loadConfig(), context.args[0] ?? context.flags.server);
    const store = await openCredentialStore(context.env);
    const removed = await store.delete(tokenAccount(name, target.host));
    return { data: { server: name, removed }, human: removed ? `Forgot the token of ${name}.` : `No token was stored for ${name}.` };
  },
};

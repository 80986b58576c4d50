/**
 * From flags to a connected API client: the configured server (SSH tunnel or
 * HTTPS), or the in-process local agent where no server is configured or --local.
 */
import { HmsError, UsageError } from '../core/errors.js';
import type { Config } from '../config/schema.js';
import { ApiClient } from './api-client.js';
import { openTransport, type Via } from './transport.js';
import { openCredentialStore, tokenAccount } from '../credentials/store.js';
import type { SshConnection } from '../ssh/connection.js';
import { pickServer } from './server-target.js';

/** What choosing and reaching a server needs from whoever asks: a command, the TUI, the monitor. */
export interface ClientContext {
  /** Positional arguments after the command name. */
  args: string[];
  flags: {
    server?: string | undefined;
    via?: string | undefined;
    local?: boolean;
    all?: boolean;
    readonly?: boolean;
    persist?: boolean;
  };
  env: NodeJS.ProcessEnv;
  /**
   * The built holder program (dist/hms-holder.mjs) to start for a connection that stays; set by the CLI only.
   * Absent (tests calling commands in-process, tools): every connection is direct, as with --no-persist.
   */
  holderEntry?: string | undefined;
  /** The configuration, or undefined when none exists (the embedded default). */
  loadConfig(): Promise<Config | undefined>;
  /** Progress and notes for people (stderr). */
  note(text: string): void;
}

export interface Connected {
  name: string;
  client: ApiClient;
  local: boolean;
  /** The server's SSH connection, when the agent is reached through it. */
  ssh?: () => Promise<SshConnection>;
  /** Resolves once the server answers (see Transport.reach); absent for --via https and local mode. */
  reach?: () => Promise<void>;
  close(): Promise<void>;
}

export function viaFlag(value: string | undefined): Via {
  if (value === undefined || value === 'ssh') return 'ssh';
  if (value === 'https') return 'https';
  throw new UsageError(`--via must be ssh or https, not "${value}".`);
}

/** The API token: HMS_TOKEN, else the keychain (or its 0600 fallback file). */
export async function tokenFor(context: ClientContext, name: string, host: string): Promise<string> {
  if (context.env.HMS_TOKEN) return context.env.HMS_TOKEN;
  const store = await openCredentialStore(context.env);
  const token = await store.get(tokenAccount(name, host));
  if (!token) {
    // Never read from .secrets.json here: a stored token is one the agent of this server@host accepted.
    throw new HmsError(`No API token stored for ${name}.`, {
      hint: `Run \`hms login ${name}\` (it checks the api_token of .secrets.json with the agent, then keeps it), or set HMS_TOKEN.`,
    });
  }
  return token;
}

export async function connectServer(context: ClientContext, config: Config, name: string): Promise<Connected> {
  const { target } = pickServer(config, name);
  const server = config.servers[name]!;
  const token = await tokenFor(context, name, target.host);
  const persist = context.holderEntry !== undefined && context.flags.persist !== false && config.connection?.persist !== false;
  const holder = persist
    ? {
        entry: context.holderEntry!,
        idleMinutes: config.connection?.idleMinutes ?? 10,
        configFile: config.file,
        env: context.env,
        note: context.note,
      }
    : undefined;
  const transport = await openTransport(name, server, viaFlag(context.flags.via), undefined, holder);
  const client = new ApiClient(name, transport, token);
  return {
    name,
    client,
    local: false,
    ...(transport.ssh ? { ssh: transport.ssh } : {}),
    ...(transport.reach ? { reach: transport.reach } : {}),
    close: () => client.close(),
  };
}

export async function connectLocal(context: ClientContext): Promise<Connected> {
  // The agent's code is only loaded when it runs here.
  const { startLocalAgent } = await import('../local/local-agent.js');
  const agent = await startLocalAgent(context.env);
  const { Agent } = await import('undici');
  const dispatcher = new Agent();
  const client = new ApiClient('local', { via: 'ssh', baseUrl: agent.url, dispatcher, close: () => dispatcher.close() }, agent.token);
  return {
    name: 'local',
    client,
    local: true,
    async close() {
      await client.close();
      await agent.stop();
    },
  };
}

/** The one server a command acts on (--server, the argument, or the only one), or local mode. */
export async function connect(context: ClientContext): Promise<Connected> {
  const config = await context.loadConfig();
  if (context.flags.local || !config || Object.keys(config.servers).length === 0) return connectLocal(context);
  const { name } = pickServer(config, context.flags.server);
  return connectServer(context, config, name);
}

/** The server an app is configured on (unless --server or --local says otherwise). */
export async function connectForApp(context: ClientContext, app: string): Promise<Connected> {
  const config = await context.loadConfig();
  const server = config?.apps[app]?.server;
  if (config && server && !context.flags.server && !context.flags.local) return connectServer(context, config, server);
  return connect(context);
}

/** Every configured server for --all, else the one `connect` picks. */
export async function connectEach(context: ClientContext): Promise<string[] | undefined> {
  const config = await context.loadConfig();
  if (!context.flags.all || !config || context.flags.local) return undefined;
  return Object.keys(config.servers);
}

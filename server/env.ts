import type { exec } from '../src/platform/exec.js';
import type { AgentConfig } from './config.js';
import type { AgentSecrets } from './auth/secrets.js';
import type { AuditLog } from './services/audit/index.js';

/** Who made a request: the API token's holder or a logged-in user. */
export interface Actor {
  name: string;
  via: 'token' | 'session';
  /** CSRF token for forms (session only). */
  csrf?: string;
}

/** Everything the agent's app depends on; tests build it with real temp dirs. */
export interface AgentDeps {
  config: AgentConfig;
  secrets: AgentSecrets;
  /** The one door for processes (src/platform/exec.ts); tests that cannot run systemd pass a recorder. */
  exec: typeof exec;
  audit: AuditLog;
  clock: () => Date;
  version: string;
  startedAt: Date;
  /** The release this agent runs from (<installDir>/releases/<id>), when installed as one. */
  release?: string | undefined;
  /** The configuration file it was started with (the self-update runs with the same). */
  configFile?: string | undefined;
}

export interface AgentEnv {
  Variables: {
    actor: Actor;
    secureHeadersNonce?: string;
  };
}

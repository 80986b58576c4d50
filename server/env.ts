import type { AlertsResponse, AlertTestResponse, Mute } from '../src/api/alerts.js';
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
  /** Open incidents for the pages' navigation (session, GET pages, while the watcher runs). */
  incidents?: { open: number; critical: number } | undefined;
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
  /** The incidents watcher and its channels (server/services/alerts/), while the agent serves. */
  alerts?: AlertsService | undefined;
}

/** What routes and pages ask of the incidents watcher (server/services/alerts/). */
export interface AlertsService {
  overview(): Promise<AlertsResponse>;
  /** A test delivery to one channel or to all, answered after each one's first attempt; audited. */
  test(actor: string, channel?: string): Promise<AlertTestResponse>;
  /** Holds a rule's or an app's incidents back from the channels; audited. Unknown targets are refused (ApiError 400). */
  mute(actor: string, target: string, minutes: number): Promise<Mute>;
  unmute(actor: string, target: string): Promise<boolean>;
}

export interface AgentEnv {
  Variables: {
    actor: Actor;
    secureHeadersNonce?: string;
  };
}

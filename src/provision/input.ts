import { APPS_ROOT, type AppConfig, type ServerConfig } from '../config/schema.js';
import type { AlertsConfig } from '../core/alert-settings.js';
import type { Secrets } from '../secrets/schema.js';

/** Everything the provisioning plan is computed from; the plan is a pure function of it. */
export interface ProvisionInput {
  serverName: string;
  server: ServerConfig;
  apps: Array<[string, AppConfig]>;
  secrets: Secrets;
  /** Public keys allowed to log in as the deploy user (the laptop's). */
  authorizedKeys: string[];
  /** The git deploy key (private), when the apps' repositories need one. */
  deployKey?: string | undefined;
  /** The laptop files of each app's `files`: app -> shared path -> content. */
  uploads?: Record<string, Record<string, Buffer>>;
  /** Offsite repositories this server keeps for other servers, with the public key each writer logs in with. */
  offsiteKept?: Array<{ repository: string; publicKey: string }>;
  /** Where this server copies its backups: the keeping server as this one dials it, and its host keys. */
  offsiteTarget?: { server: string; repository: string; host: string; port: number; hostKeys: Array<{ type: string; base64: string }> };
  /** hms.config.json's `alerts` (the same for every server), when it has one. */
  alerts?: AlertsConfig | undefined;
}

export const PATHS = {
  appsRoot: APPS_ROOT,
  installDir: '/opt/hosting-api',
  configDir: '/etc/hosting-api',
  stateDir: '/var/lib/hosting-api',
  agentConfig: '/etc/hosting-api/agent.json',
  agentSecrets: '/etc/hosting-api/secrets.json',
  envDir: '/etc/hosting-api/env',
  sitesAvailable: '/etc/nginx/sites-available',
  sitesEnabled: '/etc/nginx/sites-enabled',
  units: '/etc/systemd/system',
  deployUser: 'deploy',
  /** The agent's maintenance flags (one file per app while it is in maintenance); the agent's config default too. */
  maintenanceDir: '/var/www/_maintenance',
} as const;

/** The file whose presence puts an app's site in maintenance (503, templates/nginx/app.conf). */
export const maintenanceFlag = (app: string): string => `${PATHS.maintenanceDir}/${app}`;

export const appRoot = (app: string): string => `${PATHS.appsRoot}/${app}`;

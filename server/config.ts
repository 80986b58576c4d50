import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { HmsError } from '../src/core/errors.js';
import { formatIssues } from '../src/core/config-issues.js';
import { nameSchema } from '../src/core/names.js';
import { absolutePath, buildAgentAppSchema, unitName } from './config-app.js';
import { alertsConfigSchema } from '../src/core/alert-settings.js';

export type { AgentApp } from './config-app.js';
export type { AlertChannelConfig, AlertsConfig } from '../src/core/alert-settings.js';

const DEFAULT_KEEP = { daily: 7, weekly: 4, monthly: 6 };
const DEFAULT_CHECK = { onCalendar: 'Sun *-*-* 04:30', subsets: 12 };

/**
 * The agent's configuration, checked once as it starts. Built on each use and not kept: as a module
 * constant zod's schema objects (each with methods of its own) and the parser it compiles would stay
 * in the heap for as long as the agent runs. `agentConfigSchema.parse(...)` reads as with a constant.
 */
export const agentConfigSchema = builtOnUse(() =>
  z.strictObject({
    listen: z
      .strictObject({
        host: z.enum(['127.0.0.1', '::1', 'localhost']).default('127.0.0.1'),
        port: z.number().int().min(1).max(65535).default(8790),
      })
      .default({ host: '127.0.0.1', port: 8790 }),
    /** The public URL behind nginx; cookies are Secure and forms checked against its origin. */
    publicUrl: z.url().optional(),
    stateDir: absolutePath.default('/var/lib/hosting-api'),
    /** One file per site that `hms provision` writes: its certificate path, then its key path (the certbot hook's list). */
    certificatesDir: absolutePath.default('/etc/hosting-api/certificates'),
    /** Where the agent's releases live: <installDir>/releases/<id>, <installDir>/current. */
    installDir: absolutePath.default('/opt/hosting-api'),
    secretsFile: absolutePath.default('/etc/hosting-api/secrets.json'),
    /**
     * Root-owned folder of the maintenance flags: while <maintenanceDir>/<app> exists, the app's nginx site
     * answers 503 with Retry-After (checked per request, no reload). Only the agent writes here.
     */
    maintenanceDir: absolutePath.default('/var/www/_maintenance'),
    /** The apps' env files, <envDir>/<app>.env (root 0600, written by `hms provision`): `hms env` compares them. */
    envDir: absolutePath.default('/etc/hosting-api/env'),
    scriptsDir: absolutePath.default('/opt/hosting-api/current/remote-cli-tools'),
    /** Where console tickets wait for their SSH session (memory: /run), in a folder only the deploy user opens. */
    consoleDir: absolutePath.default('/run/hms-consoles'),
    apps: z.record(nameSchema, buildAgentAppSchema()).default({}),
    nginx: z
      .strictObject({
        unit: unitName.default('nginx.service'),
        binary: absolutePath.default('/usr/sbin/nginx'),
        /** nginx's main config, for `nginx -t -c`. */
        mainConfig: absolutePath.default('/etc/nginx/nginx.conf'),
        sitesDir: absolutePath.default('/etc/nginx/sites-available'),
        /** The only site files the agent may read or change, by name (file name in sitesDir). */
        sites: z.array(nameSchema).default([]),
        accessLog: absolutePath.default('/var/log/nginx/access.log'),
        errorLog: absolutePath.default('/var/log/nginx/error.log'),
        /**
         * Run `nginx -t` for a changed site in a mount namespace that holds only nginx's folders
         * (needs root, mount namespaces and util-linux unshare); false runs it unsandboxed.
         */
        testSandbox: z.boolean().default(true),
        /** Folders nginx -t may write to in the sandbox besides the log folders (Debian's temp paths). */
        sandboxWritable: z.array(absolutePath).default(['/var/lib/nginx']),
      })
      .default({
        unit: 'nginx.service',
        binary: '/usr/sbin/nginx',
        mainConfig: '/etc/nginx/nginx.conf',
        sitesDir: '/etc/nginx/sites-available',
        sites: [],
        accessLog: '/var/log/nginx/access.log',
        errorLog: '/var/log/nginx/error.log',
        testSandbox: true,
        sandboxWritable: ['/var/lib/nginx'],
      }),
    agentUnit: unitName.default('hms-agent.service'),
    /** The apps' database backups: the server's restic repository and the root-only file with its password. */
    backups: z
      .strictObject({
        repository: absolutePath.default('/var/backups/hms/restic'),
        passwordFile: absolutePath.default('/etc/hosting-api/restic-local.pass'),
        /** How long one backup (the dump and restic together) may take. */
        timeoutSeconds: z.number().int().positive().default(3600),
        /** The backup timer's OnCalendar, and the age after which the last good backup counts as missed. */
        /** A copy of every backup in a repository on another server, over SFTP (provisioning writes it). */
        offsite: z
          .strictObject({
            /** The keeping server's name in hms.config.json, for messages. */
            server: z.string(),
            /** restic's address of the repository, sftp:user@host:/path. */
            repository: z.string().regex(/^sftp:[a-z0-9_-]+@[A-Za-z0-9.:_[\]-]+:\/[A-Za-z0-9._/-]+$/),
            passwordFile: absolutePath,
            /** The ssh command restic runs (its key, known hosts and port). */
            sshCommand: z.string().regex(/^ssh [A-Za-z0-9 ._/=@:[\]-]+$/),
          })
          .optional(),
        schedule: z
          .strictObject({
            onCalendar: z.string().min(1).default('daily'),
            overdueAfterHours: z.number().positive().default(30),
          })
          .default({ onCalendar: 'daily', overdueAfterHours: 30 }),
        /** What `restic forget --prune` keeps after a scheduled backup, per app and kind: the newest of each day, week, month. */
        keep: z
          .strictObject({
            daily: z.number().int().min(1).default(7),
            weekly: z.number().int().min(0).default(4),
            monthly: z.number().int().min(0).default(6),
          })
          .default(DEFAULT_KEEP),
        /** The weekly `restic check`: its timer's OnCalendar, and into how many parts the data is cut (one read per run). */
        check: z
          .strictObject({
            onCalendar: z.string().min(1).default('Sun *-*-* 04:30'),
            subsets: z.number().int().min(1).max(1000).default(12),
          })
          .default(DEFAULT_CHECK),
      })
      .default({
        repository: '/var/backups/hms/restic',
        passwordFile: '/etc/hosting-api/restic-local.pass',
        timeoutSeconds: 3600,
        schedule: { onCalendar: 'daily', overdueAfterHours: 30 },
        keep: DEFAULT_KEEP,
        check: DEFAULT_CHECK,
      }),
    session: z
      .strictObject({
        ttlMinutes: z
          .number()
          .int()
          .positive()
          .default(12 * 60),
        idleMinutes: z.number().int().positive().default(60),
      })
      .default({ ttlMinutes: 720, idleMinutes: 60 }),
    /** How many searches (grep over a log) and follow streams run at once, per login or token and overall (beyond: 429). */
    concurrency: z
      .strictObject({
        searches: z
          .strictObject({ perCredential: z.number().int().positive().default(3), total: z.number().int().positive().default(6) })
          .default({ perCredential: 3, total: 6 }),
        follows: z
          .strictObject({ perCredential: z.number().int().positive().default(8), total: z.number().int().positive().default(16) })
          .default({ perCredential: 8, total: 16 }),
      })
      .default({ searches: { perCredential: 3, total: 6 }, follows: { perCredential: 8, total: 16 } }),
    loginLimit: z
      .strictObject({
        attempts: z.number().int().positive().default(5),
        windowSeconds: z
          .number()
          .int()
          .positive()
          .default(15 * 60),
      })
      .default({ attempts: 5, windowSeconds: 900 }),
    /** The incidents watcher and where it tells of them (src/core/alert-settings.ts). */
    alerts: alertsConfigSchema,
  }),
);

export type AgentConfig = z.infer<typeof agentConfigSchema>;

/** One app of agent.json. */
export const agentAppSchema = builtOnUse(buildAgentAppSchema);

/** A schema built afresh for each property read (parse, shape...), so none outlives its use. */
function builtOnUse<T extends object>(build: () => T): T {
  return new Proxy({} as T, {
    get: (_, key) => {
      const schema = build();
      return Reflect.get(schema, key, schema);
    },
    has: (_, key) => Reflect.has(build(), key),
    ownKeys: () => Reflect.ownKeys(build()),
    getPrototypeOf: () => Reflect.getPrototypeOf(build()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(build(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

export function parseAgentConfig(text: string, file: string): AgentConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new HmsError(`${file}: not valid JSON (${(error as Error).message})`, {
      cause: error,
      hint: 'Run `hms-agent --example-config` for a working example.',
    });
  }
  const result = agentConfigSchema.safeParse(raw);
  if (!result.success)
    throw new HmsError(formatIssues(file, result.error.issues), { hint: 'Run `hms-agent --example-config` for a working example.' });
  return result.data;
}

export async function loadAgentConfig(file: string): Promise<AgentConfig> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new HmsError(`Cannot read ${file}: ${error.code}`, {
      cause: error,
      hint: 'Pass --config FILE; `hms-agent --example-config` prints one.',
    });
  });
  return parseAgentConfig(text, file);
}

/** A complete, working example (`hms-agent --example-config`). */
export function exampleAgentConfig(): AgentConfig {
  const app = (name: string) => ({
    unit: `${name}.service`,
    root: `/var/www/${name}`,
    health: { socket: `/var/www/${name}/shared/tmp/sockets/puma.sock`, path: '/up', timeoutMs: 3000 },
    logFiles: {},
  });
  return agentConfigSchema.parse({
    listen: { host: '127.0.0.1', port: 8790 },
    publicUrl: 'https://hosting.remoteds.us',
    apps: { cigar: app('cigar'), tobacco: app('tobacco') },
    nginx: { sites: ['cigar', 'tobacco', 'hosting'] },
  });
}

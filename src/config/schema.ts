import { connectionSchema, type ConnectionConfig } from './connection.js';
import { z } from 'zod';
import { domainSchema, nameSchema, SHARED_PATH_PATTERN, sharedPathSchema } from '../core/names.js';
import { webCommandSchema } from '../core/web-command.js';
import { alertsConfigSchema, type AlertsConfig } from '../core/alert-settings.js';
import { checkAlerts } from './alerts.js';
import { appExtrasShape, redisDbOf } from './app-extras.js';
import { backupsSchema, DEFAULT_BACKUPS } from './backups.js';

const hostSchema = z.string().regex(/^[A-Za-z0-9.:_-]+$/, 'must be a host name or an IP address');

/** ACME directories by name; any other RFC 8555 directory is given by its https URL. */
export const ACME_DIRECTORIES = {
  letsencrypt: 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

const acmeSchema = z.strictObject({
  /** The ACME account's e-mail (expiry notices from the CA). */
  email: z.email().regex(/^[^\s,;'"`\\]+$/, 'must be a plain e-mail address'),
  /** `letsencrypt` (default), `letsencrypt-staging`, or any RFC 8555 directory URL (https). */
  directory: z
    .string()
    .refine(
      (value) => value === 'letsencrypt' || value === 'letsencrypt-staging' || z.url({ protocol: /^https$/ }).safeParse(value).success,
      'must be letsencrypt, letsencrypt-staging or an https:// directory URL',
    )
    .default('letsencrypt'),
  /** Off: sites keep the certificates they have (placeholders or installed by hand); nothing is requested. */
  enabled: z.boolean().default(true),
  /** Strict-Transport-Security max-age in seconds on every site; 0 (default) sends none. */
  hstsMaxAge: z.number().int().min(0).max(63_072_000).default(0),
});

export const serverSchema = z.strictObject({
  host: hostSchema,
  port: z.number().int().min(1).max(65535).default(22),
  user: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Unix user name')
    .default('deploy'),
  /** Private key file; without it, ssh-agent ($SSH_AUTH_SOCK) is used. */
  identityFile: z.string().min(1).optional(),
  knownHostsFile: z.string().min(1).default('~/.ssh/known_hosts'),
  /** The agent's port on the server's loopback interface. */
  agentPort: z.number().int().min(1).max(65535).default(8790),
  /** The agent behind nginx, for `--via https`, e.g. https://hosting.remoteds.us */
  publicUrl: z.url({ protocol: /^https$/ }).optional(),
  /** A CA certificate (PEM file) to trust for `publicUrl` instead of the system's. */
  caFile: z.string().min(1).optional(),
  /** The user provisioning and the agent bootstrap log in as (they install packages). */
  provisionUser: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Unix user name')
    .default('root'),
  /** The git deploy key (private key file) installed for the deploy user. */
  deployKeyFile: z.string().min(1).optional(),
  /** Debian packages this server's apps need beyond the standard set, e.g. ["imagemagick"]. */
  packages: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9+.-]{1,62}$/, 'must be a Debian package name such as imagemagick'))
    .max(100)
    .default([]),
  /** A second copy of this server's backups, in a restic repository on another configured server, over SFTP. */
  offsite: z
    .strictObject({
      /** The configured server that keeps the copy. */
      server: nameSchema,
      /** Its address and SSH port as this server reaches it (a private network); default: its `host` and `port`. */
      host: hostSchema.optional(),
      port: z.number().int().min(1).max(65535).optional(),
      /** The repository's name there; a rebuilt server takes over its predecessor's by naming it. Default: this server's name. */
      repository: nameSchema.optional(),
    })
    .optional(),
  /** The database backup timer, retention and repository check (apps with PostgreSQL only). */
  backups: backupsSchema.default(DEFAULT_BACKUPS),
  /** Certificates from an ACME CA (certbot, HTTP-01) for every site of this server. */
  acme: acmeSchema.optional(),
  /** HTTP/2 on every 443 site (nginx's http2 is per address:port); false serves HTTP/1.1 only. */
  http2: z.boolean().default(true),
});

/** The folder every app lives in on its server: <APPS_ROOT>/<app>. */
export const APPS_ROOT = '/var/www';

const logFileSchema = z
  .string()
  .max(300)
  .refine(
    (value) => SHARED_PATH_PATTERN.test(value.startsWith('/') ? value.slice(1) : value),
    'must be a path such as shared/log/production.log (letters, digits, "._-")',
  )
  .refine((value) => value.split('/').every((segment) => segment !== '..' && segment !== '.'), 'must not contain ".." or "."');

const sqlIdentifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lowercase letters, digits or "_"');

const databaseSchema = z.discriminatedUnion('adapter', [
  z.strictObject({ adapter: z.literal('sqlite3') }),
  z.strictObject({
    adapter: z.literal('postgresql'),
    /** Defaults to the app's name ("-" as "_"). */
    name: sqlIdentifier.optional(),
    /** Defaults to the app's name ("-" as "_"); its password is DATABASE_PASSWORD. */
    user: sqlIdentifier.optional(),
    /** The database server: this app's own server unless set (127.0.0.1, localhost or ::1); elsewhere, provisioning leaves it alone. */
    host: hostSchema.default('127.0.0.1'),
  }),
]);

export const appSchema = z.strictObject({
  server: nameSchema,
  /** The app's git repository, fetched on the server with the deploy key. */
  repo: z.string().min(1),
  branch: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, 'must be a git branch name')
    .default('main'),
  domain: domainSchema,
  healthPath: z
    .string()
    .regex(/^\/[A-Za-z0-9._~/-]*$/, 'must be a path such as /up')
    .default('/up'),
  /** The app's checkout on this laptop; with `testCommand`, deploys run its tests first. */
  checkout: z.string().min(1).optional(),
  /** argv of the app's test command, e.g. ["bundle", "exec", "rspec"]. */
  testCommand: z.array(z.string().min(1)).min(1).optional(),
  /** Files in shared/ linked into each release, besides config/database.yml and the keys of `files`. */
  sharedFiles: z.array(sharedPathSchema).max(100).default([]),
  /** Folders in shared/ kept across releases and linked into each. */
  sharedDirs: z.array(sharedPathSchema).max(100).default(['log', 'tmp', 'storage']),
  /** Log files by name: relative to the app's folder (shared/log/production.log) or absolute inside it. */
  logFiles: z.record(nameSchema, logFileSchema).default({}),
  /** Releases kept on the server after a deploy. */
  keepReleases: z.number().int().min(2).max(50).default(5),
  /** The production database that shared/config/database.yml describes. */
  database: databaseSchema.default({ adapter: 'sqlite3' }),
  /** Laptop files uploaded into shared/ by provisioning: shared path -> local file. */
  files: z.record(sharedPathSchema, z.string().min(1)).default({}),
  /** argv that starts the web process; default: puma from the app's bundle when it has one, else the system's. */
  webCommand: webCommandSchema.optional(),
  ...appExtrasShape,
});

export const configSchema = z
  .strictObject({
    servers: z.record(nameSchema, serverSchema),
    apps: z.record(nameSchema, appSchema).default({}),
    /** The incidents watcher on every server and the channels it tells (src/core/alert-settings.ts). */
    alerts: alertsConfigSchema.optional(),
    /** How hms keeps SSH connections between commands (a holder per server, like OpenSSH's ControlPersist). */
    connection: connectionSchema.optional(),
  })
  .superRefine((config, ctx) => {
    checkAlerts(config.alerts, ctx);
    for (const [name, server] of Object.entries(config.servers)) {
      const target = server.offsite?.server;
      if (target !== undefined && (target === name || !(target in config.servers))) {
        ctx.addIssue({
          code: 'custom',
          path: ['servers', name, 'offsite', 'server'],
          message:
            target === name ? 'must be another server: an offsite copy on the same machine is not offsite' : `unknown server "${target}"`,
        });
      }
    }
    for (const [name, app] of Object.entries(config.apps)) {
      for (const [log, file] of Object.entries(app.logFiles)) {
        if (file.startsWith('/') && !file.startsWith(`${APPS_ROOT}/${name}/`)) {
          ctx.addIssue({
            code: 'custom',
            path: ['apps', name, 'logFiles', log],
            message: `must be inside ${APPS_ROOT}/${name}/ (or relative to it)`,
          });
        }
      }
      checkAppExtras(config.apps, name, ctx);
      if (!(app.server in config.servers)) {
        ctx.addIssue({
          code: 'custom',
          path: ['apps', name, 'server'],
          message: `unknown server "${app.server}" (known: ${Object.keys(config.servers).join(', ') || 'none'})`,
        });
      }
    }
  });

type Apps = Record<string, z.infer<typeof appSchema>>;

/** Unit names stay unique (`<app>-<process>`, `<app>-<schedule>`, other apps), web is set once, Redis databases are not shared. */
function checkAppExtras(apps: Apps, name: string, ctx: z.RefinementCtx): void {
  const app = apps[name]!;
  if (app.webCommand && app.processes.web) {
    ctx.addIssue({ code: 'custom', path: ['apps', name, 'processes', 'web'], message: 'set the web command once: here or in webCommand' });
  }
  for (const schedule of Object.keys(app.schedules)) {
    if (schedule in app.processes) {
      ctx.addIssue({
        code: 'custom',
        path: ['apps', name, 'schedules', schedule],
        message: `has the name of a process (both would be ${name}-${schedule}.service): rename one`,
      });
    }
  }
  for (const [kind, names] of [
    ['processes', Object.keys(app.processes)],
    ['schedules', Object.keys(app.schedules)],
  ] as const) {
    for (const unit of names) {
      if (`${name}-${unit}` in apps) {
        ctx.addIssue({
          code: 'custom',
          path: ['apps', name, kind, unit],
          message: `makes the unit ${name}-${unit}.service, which is app "${name}-${unit}"'s own: rename it`,
        });
      }
    }
  }
  const db = redisDbOf(app);
  if (db === undefined) return;
  const sharing = Object.entries(apps).find(([other, o]) => other < name && o.server === app.server && redisDbOf(o) === db);
  if (sharing) {
    ctx.addIssue({
      code: 'custom',
      path: ['apps', name, 'redis'],
      message: `uses Redis database ${db} on server "${app.server}", as app "${sharing[0]}" does: give each app its own { "db": N }`,
    });
  }
}

/** The configuration as the schema validated it: defaults filled in, paths as written. */
export type ValidatedConfig = z.output<typeof configSchema>;
export type ServerConfig = z.infer<typeof serverSchema>;
export type AppConfig = z.infer<typeof appSchema>;
export type DatabaseConfig = z.infer<typeof databaseSchema>;

/** The parsed configuration, with the file it came from. Paths in it are absolute. */
export interface Config {
  file: string;
  servers: Record<string, ServerConfig>;
  apps: Record<string, AppConfig>;
  /** The incidents watcher's settings and channels, when hms.config.json has `alerts`. */
  alerts?: AlertsConfig | undefined;
  /** The connection holder's settings, when hms.config.json has `connection`. */
  connection?: ConnectionConfig | undefined;
}

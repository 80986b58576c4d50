/**
 * The logs the agent may show: an allow-list computed from its config. A user's
 * source name is only ever looked up here; it is never turned into a path. A file
 * source is only read where its real path lies inside its folder (files/real-path.ts).
 */
import path from 'node:path';
import type { LogSourceInfo } from '../../../src/api/logs.js';
import type { AgentConfig } from '../../config.js';
import { allowed, ApiError } from '../../errors.js';
import { checkLogFile, type FileLocation } from '../files/index.js';
import type { LineFormat } from './timestamps.js';

export type FileLogSource = { name: string; kind: 'file'; format: LineFormat; missingHint?: string } & FileLocation;
export type LogSource = { name: string; kind: 'journal'; unit: string } | FileLogSource;

/**
 * `journal:<app>` (and `journal:<app>-<process>` per worker), `<app>:production`, `<app>:<name>`, and the app's own nginx logs
 * `<app>:nginx` and `<app>:nginx-error` (next to nginx's, named after the app, as
 * templates/nginx/app.conf writes them) per app, then nginx's and the agent's. When
 * an app's name makes one of them collide with nginx's or the agent's (an app
 * called "nginx"), the fixed ones win.
 */
export function logSources(config: AgentConfig): Record<string, LogSource> {
  const sources: Record<string, LogSource> = {};
  const add = (source: LogSource): void => {
    sources[source.name] = source;
  };
  for (const [app, settings] of Object.entries(config.apps)) {
    add({ name: `journal:${app}`, kind: 'journal', unit: settings.unit });
    for (const [process, worker] of Object.entries(settings.processes))
      add({ name: `journal:${app}-${process}`, kind: 'journal', unit: worker.unit });
    for (const [name, schedule] of Object.entries(settings.schedules))
      add({ name: `journal:${app}-${name}`, kind: 'journal', unit: schedule.unit });
    // The default log may be a link within shared/log; a configured one must be the file itself.
    const sharedLog = path.join(settings.root, 'shared', 'log');
    const files: Record<string, FileLocation> = {
      production: { path: path.join(sharedLog, 'production.log'), folder: sharedLog, linkAllowed: true },
    };
    for (const [name, file] of Object.entries(settings.logFiles))
      files[name] = { path: file, folder: path.dirname(file), linkAllowed: false };
    for (const [name, location] of Object.entries(files)) add({ name: `${app}:${name}`, kind: 'file', format: 'rails', ...location });
    const own = appNginxLogs(config, app);
    const missingHint =
      `nginx writes it once ${app}'s site logs there (access_log ${own.access}; error_log ${own.error}): ` +
      `sites written by \`hms provision\` do; run it again, or add the lines with \`hms config edit ${app}\`.`;
    add({ name: `${app}:nginx`, kind: 'file', format: 'nginx-access', missingHint, ...nginxLog(own.access) });
    add({ name: `${app}:nginx-error`, kind: 'file', format: 'nginx-error', missingHint, ...nginxLog(own.error) });
  }
  add({ name: 'journal:nginx', kind: 'journal', unit: config.nginx.unit });
  add({ name: 'journal:agent', kind: 'journal', unit: config.agentUnit });
  add({ name: 'nginx:access', kind: 'file', format: 'nginx-access', ...nginxLog(config.nginx.accessLog) });
  add({ name: 'nginx:error', kind: 'file', format: 'nginx-error', ...nginxLog(config.nginx.errorLog) });
  return sources;
}

/** Where templates/nginx/app.conf has nginx write an app's own requests and errors. */
export function appNginxLogs(config: AgentConfig, app: string): { access: string; error: string } {
  return {
    access: path.join(path.dirname(config.nginx.accessLog), `${app}.access.log`),
    error: path.join(path.dirname(config.nginx.errorLog), `${app}.error.log`),
  };
}

function nginxLog(file: string): FileLocation {
  return { path: file, folder: path.dirname(file), linkAllowed: true };
}

export function findLogSource(config: AgentConfig, name: string): LogSource {
  return allowed('log source', name, logSources(config));
}

/** GET /api/logs: every source; files with whether they exist and their size (a file that resolves outside its folder does not). */
export async function listLogSources(config: AgentConfig): Promise<LogSourceInfo[]> {
  return Promise.all(
    Object.values(logSources(config)).map(async (source): Promise<LogSourceInfo> => {
      if (source.kind === 'journal') return { name: source.name, kind: 'journal', unit: source.unit };
      const check = await checkLogFile(source);
      const info = { name: source.name, kind: 'file' as const, path: source.path };
      if (check.state === 'ok') return { ...info, exists: true, size: check.size };
      if (check.state === 'missing') return { ...info, exists: false, size: null };
      return { ...info, exists: false, size: null, problem: outsideMessage(source) };
    }),
  );
}

function outsideMessage(source: FileLogSource): string {
  return `Log ${source.name} resolves outside its folder; refusing.`;
}

/**
 * The real path to read, search or follow for a file source: a 404 that names the
 * source and its configured path when there is no file, a 403 when it resolves
 * outside its folder (a symlink out, e.g. to /etc/shadow).
 */
export async function existingFile(source: FileLogSource): Promise<string> {
  const check = await checkLogFile(source);
  if (check.state === 'ok') return check.file;
  if (check.state === 'outside') {
    throw new ApiError(403, outsideMessage(source), {
      hint: source.linkAllowed
        ? `${source.path} must be a file inside ${source.folder} (a symlink may only point inside it). ` +
          'Replace the link with the real log file.'
        : `${source.path} must be the log file itself, not a symlink. Point the agent config at the real file.`,
    });
  }
  throw new ApiError(404, `Log ${source.name} has no file at ${source.path} (yet).`, {
    hint:
      source.missingHint ??
      'Nothing has written it yet, or it lives elsewhere: ' +
        'set its path in the agent config (apps.<app>.logFiles, nginx.accessLog, nginx.errorLog).',
  });
}

export function refusePriorityOnFile(source: LogSource, priority: number | undefined): void {
  if (priority !== undefined && source.kind === 'file') {
    throw new ApiError(400, `Invalid query parameter priority: ${source.name} is a file; priority applies to journal:* sources only.`, {
      hint: 'Use grep to filter a file, e.g. grep=error.',
    });
  }
}

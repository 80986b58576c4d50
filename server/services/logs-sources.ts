/**
 * The logs the agent may show: an allow-list computed from its config. A user's
 * source name is only ever looked up here; it is never turned into a path.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { LogSourceInfo } from '../../src/api/logs.js';
import type { AgentConfig } from '../config.js';
import { allowed, ApiError } from '../errors.js';
import type { LineFormat } from './logs-timestamps.js';

export type LogSource = { name: string; kind: 'journal'; unit: string } | { name: string; kind: 'file'; path: string; format: LineFormat };

/**
 * `journal:<app>`, `<app>:production`, `<app>:<name>` per app, then nginx's and the
 * agent's. When an app's name makes one of them collide with nginx's or the agent's
 * (an app called "nginx"), the fixed ones win.
 */
export function logSources(config: AgentConfig): Record<string, LogSource> {
  const sources: Record<string, LogSource> = {};
  const add = (source: LogSource): void => {
    sources[source.name] = source;
  };
  for (const [app, settings] of Object.entries(config.apps)) {
    add({ name: `journal:${app}`, kind: 'journal', unit: settings.unit });
    const files = { production: path.join(settings.root, 'shared', 'log', 'production.log'), ...settings.logFiles };
    for (const [name, file] of Object.entries(files)) add({ name: `${app}:${name}`, kind: 'file', path: file, format: 'rails' });
  }
  add({ name: 'journal:nginx', kind: 'journal', unit: config.nginx.unit });
  add({ name: 'journal:agent', kind: 'journal', unit: config.agentUnit });
  add({ name: 'nginx:access', kind: 'file', path: config.nginx.accessLog, format: 'nginx-access' });
  add({ name: 'nginx:error', kind: 'file', path: config.nginx.errorLog, format: 'nginx-error' });
  return sources;
}

export function findLogSource(config: AgentConfig, name: string): LogSource {
  return allowed('log source', name, logSources(config));
}

/** GET /api/logs: every source; files with whether they exist and their size. */
export async function listLogSources(config: AgentConfig): Promise<LogSourceInfo[]> {
  return Promise.all(
    Object.values(logSources(config)).map(async (source): Promise<LogSourceInfo> => {
      if (source.kind === 'journal') return { name: source.name, kind: 'journal', unit: source.unit };
      const info = await fileInfo(source.path);
      return { name: source.name, kind: 'file', path: source.path, exists: info !== undefined, size: info?.size ?? null };
    }),
  );
}

async function fileInfo(file: string): Promise<{ size: number } | undefined> {
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? { size: info.size } : undefined;
}

/** A file source's path, or a 404 that names the source and the path its config gives. */
export async function existingFile(source: Extract<LogSource, { kind: 'file' }>): Promise<string> {
  if (!(await fileInfo(source.path))) {
    throw new ApiError(404, `Log ${source.name} has no file at ${source.path} (yet).`, {
      hint: 'Nothing has written it yet, or it lives elsewhere: set its path in the agent config (apps.<app>.logFiles, nginx.accessLog, nginx.errorLog).',
    });
  }
  return source.path;
}

export function refusePriorityOnFile(source: LogSource, priority: number | undefined): void {
  if (priority !== undefined && source.kind === 'file') {
    throw new ApiError(400, `Invalid query parameter priority: ${source.name} is a file; priority applies to journal:* sources only.`, {
      hint: 'Use grep to filter a file, e.g. grep=error.',
    });
  }
}

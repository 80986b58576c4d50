/**
 * The nginx site files the agent may touch: the `nginx.sites` allow-list, each the
 * file `<sitesDir>/<name>`. A user's name is only ever looked up in that list, and a
 * file whose real path leaves sitesDir (a symlink out) is refused.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SiteContent, SiteList, SiteProblem, SiteSummary } from '../../../src/api/configs.js';
import type { AgentConfig } from '../../config.js';
import { allowed, ApiError } from '../../errors.js';

export type NginxConfig = AgentConfig['nginx'];

/** A site that passed every check: `file` is its real path, inside `sitesDir` (real too). */
export interface SiteFile {
  name: string;
  file: string;
  sitesDir: string;
}

/** A strong ETag: the quoted sha256 of the bytes. */
export function etagOf(content: string | Buffer): string {
  return `"${createHash('sha256').update(content).digest('hex')}"`;
}

export function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/** nginx's Debian layout: sites-enabled beside sites-available. */
export function sitesEnabledDir(nginx: NginxConfig): string {
  return path.join(path.dirname(nginx.sitesDir), 'sites-enabled');
}

export async function resolveSite(nginx: NginxConfig, name: string): Promise<SiteFile> {
  const site = allowed('site', name, Object.fromEntries(nginx.sites.map((entry) => [entry, entry])));
  const sitesDir = await realpath(nginx.sitesDir).catch((error: NodeJS.ErrnoException) => {
    throw new ApiError(500, `The sites folder ${nginx.sitesDir} cannot be read (${error.code}).`, {
      hint: 'Check nginx.sitesDir in the agent config.',
      cause: error,
    });
  });
  const configured = path.join(nginx.sitesDir, site);
  const file = await realpath(configured).catch((error: NodeJS.ErrnoException) => {
    throw new ApiError(404, `Site "${site}" has no file ${configured} (${error.code}).`, {
      hint: `Create ${configured}, or remove "${site}" from nginx.sites in the agent config.`,
      cause: error,
    });
  });
  if (!isInside(sitesDir, file)) {
    throw new ApiError(403, `Refusing site "${site}": ${configured} resolves to ${file}, outside ${sitesDir}.`, {
      hint: `Make ${configured} a regular file inside ${nginx.sitesDir}.`,
    });
  }
  if (!(await stat(file)).isFile()) {
    throw new ApiError(403, `Refusing site "${site}": ${configured} is not a regular file.`, {
      hint: `Make ${configured} a regular file inside ${nginx.sitesDir}.`,
    });
  }
  return { name: site, file, sitesDir };
}

/** The real paths that sites-enabled links to (dangling links are left out). */
export async function enabledFiles(nginx: NginxConfig): Promise<Set<string>> {
  const dir = sitesEnabledDir(nginx);
  const entries = await readdir(dir).catch(() => [] as string[]);
  const targets = await Promise.all(entries.map((entry) => realpath(path.join(dir, entry)).catch(() => null)));
  return new Set(targets.filter((target): target is string => target !== null));
}

export async function readSite(options: { nginx: NginxConfig; site: string }): Promise<SiteContent> {
  const site = await resolveSite(options.nginx, options.site);
  const bytes = await readFile(site.file);
  return { name: site.name, content: bytes.toString('utf8'), etag: etagOf(bytes) };
}

export async function listSites(options: { nginx: NginxConfig }): Promise<SiteList> {
  const enabled = await enabledFiles(options.nginx);
  const sites: SiteSummary[] = [];
  const problems: SiteProblem[] = [];
  for (const name of options.nginx.sites) {
    try {
      const site = await resolveSite(options.nginx, name);
      const [bytes, info] = await Promise.all([readFile(site.file), stat(site.file)]);
      sites.push({ name, size: info.size, modified: info.mtime.toISOString(), enabled: enabled.has(site.file), etag: etagOf(bytes) });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      problems.push({ name, problem: error.message });
    }
  }
  return { sites, problems };
}

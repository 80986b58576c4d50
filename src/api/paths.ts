/**
 * The agent's routes as the laptop asks for them: each path is built here from its
 * parts (every part URL-encoded; a query from the values that are set), so no caller
 * glues one by hand. What each route takes and answers is in the file of its concern.
 */
export type Query = Readonly<Record<string, string | number | undefined>>;

/** `path?a=1&b=x` with the values that are set, in the order given; `path` alone when none is. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

const api = (...parts: string[]): string => `/api/${parts.map(encodeURIComponent).join('/')}`;

export const apiPaths = {
  /** core.ts; health answers without a token. */
  health: () => api('health'),
  whoami: () => api('whoami'),
  audit: (limit: number) => withQuery(api('audit'), { limit }),
  certificates: () => api('certificates'),
  /** apps.ts */
  apps: {
    list: () => api('apps'),
    /** The list with the backups overview in the same answer (`hms status`: one request). */
    withBackups: () => withQuery(api('apps'), { include: 'backups' }),
    one: (name: string) => api('apps', name),
    action: (name: string, action: string) => api('apps', name, action),
    maintenance: (name: string) => api('apps', name, 'maintenance'),
    exec: (name: string) => api('apps', name, 'exec'),
    console: (name: string) => api('apps', name, 'console'),
    /** env.ts: the app's env file as names and keyed digests of their values. */
    env: (name: string) => api('apps', name, 'env'),
  },
  /** metrics.ts: the nginx window in whole minutes, the agent's default without. */
  metrics: (minutes?: number) => withQuery(api('metrics'), { minutes: minutes || undefined }),
  /** logs.ts; the follow's events are in streams.ts. */
  logs: {
    list: () => api('logs'),
    lines: (source: string, query?: Query) => withQuery(api('logs', source), query),
    follow: (source: string, query?: Query) => withQuery(api('logs', source, 'follow'), query),
  },
  /** configs.ts */
  configs: {
    list: () => api('configs'),
    site: (site: string) => api('configs', site),
    history: (site: string) => api('configs', site, 'history'),
    backup: (site: string, id: string) => api('configs', site, 'history', id),
    diff: (site: string, against: string) => withQuery(api('configs', site, 'diff'), { against }),
    revert: (site: string) => api('configs', site, 'revert'),
  },
  /** scripts.ts; a run's events are in streams.ts. */
  scripts: {
    list: () => api('scripts'),
    run: (name: string) => api('scripts', name, 'run'),
  },
  /** deploys.ts; a deploy's events are in streams.ts. */
  deploys: {
    deploy: (app: string) => api('deploys', app),
    releases: (app: string) => api('deploys', app, 'releases'),
    rollback: (app: string) => api('deploys', app, 'rollback'),
    lock: (app: string) => api('deploys', app, 'lock'),
  },
  /** backups.ts: POST takes a backup, GET lists them; a drill restores the latest into a scratch database. */
  backups: {
    overview: () => api('backups'),
    app: (app: string) => api('backups', app),
    drill: (app: string) => api('backups', app, 'drill'),
    restore: (app: string) => api('backups', app, 'restore'),
    kept: (app: string) => api('backups', app, 'kept'),
    keptDatabase: (app: string, name: string) => api('backups', app, 'kept', name),
    /** GET lists the offsite repository's snapshots of the app; POST …/fetch copies one here. */
    offsite: (app: string) => api('backups', app, 'offsite'),
    fetch: (app: string) => api('backups', app, 'fetch'),
    /** `hms backup pull`: the snapshot's dump as bytes, and its SHA-256 read apart to check them. */
    dump: (app: string, snapshot: string) => api('backups', app, snapshot, 'dump'),
    digest: (app: string, snapshot: string) => api('backups', app, snapshot, 'digest'),
  },
  /** schedules.ts: every app's (or one app's) schedules; a run's events are SCRIPT_RUN_EVENTS (streams.ts). */
  schedules: {
    list: (app?: string) => withQuery(api('schedules'), { app }),
    run: (app: string, name: string) => api('schedules', app, name, 'run'),
  },
  /** alerts.ts: incidents, channels and deliveries; a test send; mutes by rule or app. */
  alerts: {
    list: () => api('alerts'),
    test: () => api('alerts', 'test'),
    mutes: () => api('alerts', 'mutes'),
    mute: (target: string) => api('alerts', 'mutes', target),
  },
  /** agent.ts */
  agent: {
    releases: () => api('agent', 'releases'),
    activate: (release: string) => api('agent', 'releases', release, 'activate'),
  },
} as const;

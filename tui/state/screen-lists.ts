/**
 * The lists the screens show, each after its own `/` filter, and the selection of
 * the current one (clamped, so a shrinking list never points past its end).
 */
import type { AlertsResponse } from '../../src/api/alerts.js';
import type { AuditEntry } from '../../src/api/core.js';
import type { CertRecord } from '../../src/core/certificates.js';
import type { SiteSummary } from '../../src/api/configs.js';
import type { ScheduleStatus } from '../../src/api/schedules.js';
import type { ScriptSummary } from '../../src/api/scripts.js';
import type { AgentReleases } from '../../src/api/agent.js';
import type { AppsResponse } from '../../src/api/apps.js';
import type { BackupOverview, BackupSnapshot } from '../../src/api/backups.js';
import type { DeployLock, ReleaseSummary } from '../../src/api/deploys.js';
import { deployAppRows, type DeployAppRow } from './deploy-rows.js';
import { incidentRows, incidentRowText, selectedAlert, type IncidentRow, type SelectedAlert } from './incident-rows.js';
import { linkLabel, type LinkView } from './link-label.js';
import { parseFilter, passes, type TextFilter } from './log-filter.js';
import { filterRows, overviewProblems, overviewRows, type OverviewRow } from './overview-rows.js';
import type { ScreenName, UiState } from './ui-state.js';

export interface ScreenLists {
  rows: OverviewRow[];
  /** Servers with no snapshot yet or a failing one, and how they are doing. */
  waiting: Array<{ server: string; text: string }>;
  problems: string[];
  sites: SiteSummary[];
  scripts: ScriptSummary[];
  audit: AuditEntry[];
  certs: CertRecord[];
  schedules: ScheduleStatus[];
  /** The incidents screen: open, resolved, then the mutes. */
  incidents: IncidentRow[];
  /** The deploys screen: the current server's apps, or the open app's releases. */
  deployApps: DeployAppRow[];
  releases: ReleaseSummary[];
  agentReleases: AgentReleases['releases'];
  /** The backups screen: the current server's apps with a database, or the open app's snapshots (newest first). */
  backupApps: string[];
  snapshots: BackupSnapshot[];
  /** Length of the current screen's list, and its selected index. */
  count: number;
  selected: number;
  selectedUnit?: { server: string; app: string; kind: OverviewRow['kind']; maintenance?: boolean | undefined } | undefined;
  selectedName?: string | undefined;
  selectedAlert?: SelectedAlert | undefined;
}

export interface ScreenListsInput {
  ui: UiState;
  /** The current screen's filter, already parsed. */
  filter: TextFilter;
  links: Array<LinkView & { snapshot?: AppsResponse | undefined }>;
  now: number;
  sites?: SiteSummary[] | undefined;
  scripts?: ScriptSummary[] | undefined;
  audit?: AuditEntry[] | undefined;
  certs?: CertRecord[] | undefined;
  schedules?: ScheduleStatus[] | undefined;
  /** The current server's incidents, channels and mutes (GET /api/alerts). */
  alerts?: AlertsResponse | undefined;
  locks?: Record<string, DeployLock | null> | undefined;
  releases?: ReleaseSummary[] | undefined;
  agentReleases?: AgentReleases['releases'] | undefined;
  backupApps?: string[] | undefined;
  snapshots?: BackupSnapshot[] | undefined;
  /** Each server's backups at a glance (GET /api/backups), for the overview's BACKUP column. */
  backupOverviews?: Record<string, BackupOverview | undefined> | undefined;
}

export function screenLists({
  ui,
  filter,
  links,
  now,
  sites = [],
  scripts = [],
  audit = [],
  certs = [],
  schedules = [],
  alerts,
  locks = {},
  releases = [],
  agentReleases = [],
  backupApps = [],
  snapshots = [],
  backupOverviews = {},
}: ScreenListsInput): ScreenLists {
  const filterOf = (screen: ScreenName): TextFilter => (screen === ui.screen ? filter : parseFilter(ui.filters[screen]));
  const servers = links.map((link) => ({
    server: link.server,
    snapshot: link.snapshot,
    stale: link.status !== 'connected',
    backups: backupOverviews[link.server],
  }));
  const rows = filterRows(overviewRows(servers, new Date(now)), filterOf('overview'));
  const lists = {
    rows,
    waiting: links.filter((link) => link.status !== 'connected').map((link) => ({ server: link.server, text: linkLabel(link, now) })),
    problems: overviewProblems(servers),
    sites: sites.filter((s) => passes(filterOf('configs'), s.name)),
    scripts: scripts.filter((s) => passes(filterOf('scripts'), `${s.name} ${s.description}`)),
    audit: audit.filter((e) => passes(filterOf('audit'), [e.at, e.actor, e.action, e.target, e.result, e.detail ?? ''].join(' '))),
    certs: certs.filter((c) => passes(filterOf('certs'), [c.site, ...c.names, c.issuer, c.grade].join(' '))),
    schedules: schedules.filter((s) => passes(filterOf('schedules'), [s.app, s.name, s.when, s.result].join(' '))),
    incidents: incidentRows(alerts).filter((row) => passes(filterOf('incidents'), incidentRowText(row, new Date(now)))),
    deployApps: deployAppRows(links.find((link) => link.server === ui.server)?.snapshot, locks).filter((row) =>
      passes(filterOf('deploys'), `${row.app} ${row.release}`),
    ),
    releases: releases.filter((r) => passes(filterOf('deploys'), [r.id, r.sha ?? '', r.ref ?? '', r.by ?? '', r.status].join(' '))),
    agentReleases: agentReleases.filter((r) => passes(filterOf('agent'), r.id)),
    backupApps: backupApps.filter((app) => passes(filterOf('backups'), app)),
    snapshots: snapshots.filter((s) => passes(filterOf('backups'), [s.shortId, s.time, s.kind].join(' '))),
  };
  const deploys = ui.deploy === undefined ? lists.deployApps.length : ui.deploy.view === 'releases' ? lists.releases.length : 0;
  const count = {
    overview: rows.length,
    logs: 0,
    configs: lists.sites.length,
    scripts: lists.scripts.length,
    audit: lists.audit.length,
    deploys,
    agent: lists.agentReleases.length,
    backups: ui.backups === undefined ? lists.backupApps.length : lists.snapshots.length,
    certs: lists.certs.length,
    schedules: lists.schedules.length,
    incidents: lists.incidents.length,
  }[ui.screen];
  const selected = Math.max(0, Math.min(ui.selected[ui.screen], count - 1));
  const unit = ui.screen === 'overview' ? rows[selected] : undefined;
  const names: Partial<Record<ScreenName, string | undefined>> = {
    configs: lists.sites[selected]?.name,
    scripts: lists.scripts[selected]?.name,
    schedules: lists.schedules[selected] && `${lists.schedules[selected].app} ${lists.schedules[selected].name}`,
    deploys: ui.deploy === undefined ? lists.deployApps[selected]?.app : lists.releases[selected]?.id,
    agent: lists.agentReleases[selected]?.id,
    backups: ui.backups === undefined ? lists.backupApps[selected] : lists.snapshots[selected]?.id,
  };
  const name = names[ui.screen];
  return {
    ...lists,
    count,
    selected,
    selectedUnit: unit && { server: unit.server, app: unit.app, kind: unit.kind, maintenance: unit.maintenance },
    selectedName: name,
    selectedAlert: ui.screen === 'incidents' ? selectedAlert(lists.incidents[selected]) : undefined,
  };
}

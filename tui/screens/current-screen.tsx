import { Text } from 'ink';
import type { AgentFeed } from '../hooks/use-agent.js';
import type { CertificatesResponse } from '../../src/api/certificates.js';
import type { AuditFeed } from '../hooks/use-audit.js';
import type { Polled } from '../hooks/use-poll.js';
import type { Backups } from '../hooks/use-backups.js';
import type { AppActionRequest } from '../hooks/use-app-action.js';
import type { ServerLink } from '../hooks/use-apps.js';
import type { Configs } from '../hooks/use-configs.js';
import type { Deploys } from '../hooks/use-deploys.js';
import type { LogFollow } from '../hooks/use-log-follow.js';
import type { Scripts } from '../hooks/use-scripts.js';
import type { DeployRun } from '../state/deploy-run.js';
import type { TextFilter } from '../state/log-filter.js';
import { logWindow } from '../state/log-view.js';
import type { ScreenLists } from '../state/screen-lists.js';
import type { UiState } from '../state/ui-state.js';
import { AgentScreen } from './agent-screen.js';
import { AuditScreen } from './audit-screen.js';
import { BackupsScreen } from './backups-screen.js';
import { CertsScreen } from './certs-screen.js';
import { ConfigsScreen } from './configs-screen.js';
import { DeploysScreen } from './deploys-screen.js';
import { LogsScreen } from './logs-screen.js';
import { OverviewScreen } from './overview-screen.js';
import { ScriptsScreen } from './scripts-screen.js';
import { SchedulesScreen } from './schedules-screen.js';
import type { Schedules } from '../hooks/use-schedules.js';
import type { Alerts } from '../hooks/use-alerts.js';
import { IncidentsScreen } from './incidents-screen.js';

export interface CurrentScreenProps {
  ui: UiState;
  height: number;
  width: number;
  now: number;
  filter: TextFilter;
  lists: ScreenLists;
  links: ServerLink[];
  logs: LogFollow;
  logTarget?: { server: string; sources: string[] } | undefined;
  configs: Configs;
  scripts: Scripts;
  audit: AuditFeed;
  certs: Polled<CertificatesResponse>;
  schedules?: Schedules | undefined;
  alerts?: Alerts | undefined;
  deploys: Deploys;
  /** The deploy of the app open on the deploys screen. */
  deployRun?: DeployRun | undefined;
  agent: AgentFeed;
  backups: Backups;
  pending?: AppActionRequest | undefined;
}

/** The screen the router points at, given what the feeds hold. */
export function CurrentScreen(props: CurrentScreenProps) {
  const { ui, height, width, now, filter, lists } = props;
  switch (ui.screen) {
    case 'overview': {
      const pending = props.pending ? `${props.pending.action} ${props.pending.app} on ${props.pending.server}…` : undefined;
      return (
        <OverviewScreen
          rows={lists.rows}
          selected={lists.selected}
          height={height}
          width={width}
          showServer={props.links.length > 1}
          serverCount={props.links.length}
          waiting={lists.waiting}
          problems={lists.problems}
          filter={ui.filters.overview}
          pending={pending}
        />
      );
    }
    case 'logs': {
      const { logs, logTarget } = props;
      if (!ui.logTarget || !logTarget) return <OverviewHint />;
      const window = logWindow(logs.buffer, { filter, end: ui.pausedAt ?? logs.buffer.total, offset: ui.logOffset, height: height - 1 });
      return (
        <LogsScreen
          title={`${ui.logTarget.app} on ${ui.logTarget.server}`}
          sources={logTarget.sources}
          streams={logs.streams}
          lines={window.lines}
          more={window.more}
          paused={ui.pausedAt !== undefined}
          newLines={ui.pausedAt === undefined ? 0 : logs.buffer.total - ui.pausedAt}
          filter={filter.text}
          filterError={filter.error}
          timestamps={ui.timestamps}
          total={logs.buffer.size}
          height={height}
        />
      );
    }
    case 'configs': {
      const { configs } = props;
      return (
        <ConfigsScreen
          server={ui.server}
          list={configs.list}
          listError={configs.listError}
          sites={lists.sites}
          selected={lists.selected}
          site={ui.site}
          live={configs.live}
          liveError={configs.liveError}
          draft={configs.draft}
          busy={configs.busy}
          scroll={ui.scroll}
          height={height}
          now={now}
        />
      );
    }
    case 'scripts': {
      const { scripts } = props;
      const run = ui.script && scripts.run?.name === ui.script ? scripts.run : undefined;
      return (
        <ScriptsScreen
          server={ui.server}
          scripts={lists.scripts}
          loaded={scripts.scripts !== undefined}
          error={scripts.error}
          selected={lists.selected}
          run={run}
          scroll={ui.scroll}
          height={height}
        />
      );
    }
    case 'audit':
      return (
        <AuditScreen
          server={ui.server}
          entries={lists.audit}
          loaded={props.audit.entries !== undefined}
          error={props.audit.error}
          selected={lists.selected}
          height={height}
        />
      );
    case 'certs':
      return (
        <CertsScreen
          server={ui.server}
          certificates={lists.certs}
          loaded={props.certs.value !== undefined}
          error={props.certs.error}
          selected={lists.selected}
          height={height}
        />
      );
    case 'schedules':
      return (
        <SchedulesScreen
          server={ui.server}
          schedules={lists.schedules}
          loaded={props.schedules?.value !== undefined}
          error={props.schedules?.error}
          selected={lists.selected}
          height={height}
          now={now}
          run={props.schedules?.run}
        />
      );
    case 'incidents':
      return (
        <IncidentsScreen
          server={ui.server}
          alerts={props.alerts?.value}
          missing={props.alerts?.missing ?? false}
          error={props.alerts?.error}
          rows={lists.incidents}
          selected={lists.selected}
          height={height}
          now={now}
          outcome={props.alerts?.outcome}
        />
      );
    case 'deploys': {
      const { deploys } = props;
      const app = ui.deploy?.app;
      return (
        <DeploysScreen
          server={ui.server}
          focus={ui.deploy}
          apps={lists.deployApps}
          releases={lists.releases}
          loading={deploys.releases === undefined}
          known={props.links.some((link) => link.server === ui.server && link.snapshot !== undefined)}
          lock={app === undefined ? undefined : deploys.locks[app]}
          error={deploys.error}
          busy={deploys.busy}
          result={deploys.result}
          run={props.deployRun}
          selected={lists.selected}
          scroll={ui.scroll}
          height={height}
        />
      );
    }
    case 'backups': {
      const { backups } = props;
      return (
        <BackupsScreen
          server={ui.server}
          app={ui.backups}
          apps={lists.backupApps}
          snapshots={lists.snapshots}
          loading={backups.list === undefined}
          error={backups.error}
          task={backups.task}
          outcome={backups.outcome}
          selected={lists.selected}
          height={height}
          now={now}
        />
      );
    }
    case 'agent': {
      const { agent } = props;
      return (
        <AgentScreen
          server={ui.server}
          info={agent.info}
          releases={lists.agentReleases}
          error={agent.error}
          bundle={agent.bundle}
          update={agent.update}
          selected={lists.selected}
          height={height}
        />
      );
    }
  }
}

function OverviewHint() {
  return <Text dimColor>No app chosen: select one on the overview and press l, or type :logs cigar.</Text>;
}

/**
 * The control center's root: the router state, the live feeds (hooks), the keys,
 * and the frame: status bar, the current screen, the message or prompt line and
 * the footer, exactly `rows - 1` lines high (a full-height frame makes Ink clear
 * the screen on every render).
 */
import { Box, useApp } from 'ink';
import { useCallback, useMemo } from 'react';
import { ConfirmDialog, confirmHeight } from './components/confirm-dialog.js';
import { CommandPalette } from './components/command-palette.js';
import { Footer } from './components/footer.js';
import { HelpOverlay } from './components/help-overlay.js';
import { MessageLine } from './components/message-line.js';
import { InputLine } from './components/input-line.js';
import { StatusBar } from './components/status-bar.js';
import { useAgent } from './hooks/use-agent.js';
import { useAlertBadges, useAlerts } from './hooks/use-alerts.js';
import { useAppAction } from './hooks/use-app-action.js';
import { useApps } from './hooks/use-apps.js';
import { useAudit } from './hooks/use-audit.js';
import { useCertificates } from './hooks/use-certificates.js';
import { useBackupOverview } from './hooks/use-backup-overview.js';
import { useBackups } from './hooks/use-backups.js';
import { useClock } from './hooks/use-clock.js';
import { useConfigs } from './hooks/use-configs.js';
import { useConnection } from './hooks/use-connection.js';
import { useConsole } from './hooks/use-console.js';
import { useDeployRuns, type DeployRequest } from './hooks/use-deploy-runs.js';
import { useDeploys } from './hooks/use-deploys.js';
import { useKeymap } from './hooks/use-keymap.js';
import { useLogFollow } from './hooks/use-log-follow.js';
import { useMaintenance } from './hooks/use-maintenance.js';
import { useNotice } from './hooks/use-notice.js';
import { usePaletteWords } from './hooks/use-palette-words.js';
import { useSchedules } from './hooks/use-schedules.js';
import { useScripts } from './hooks/use-scripts.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useUiState } from './hooks/use-ui-state.js';
import { CurrentScreen } from './screens/current-screen.js';
import type { ServerPlan } from './connections.js';
import type { TuiSession } from './session.js';
import { databaseApps, newestFirst } from './state/backup-rows.js';
import type { PendingAction } from './state/guard.js';
import { deployDefaultsOf } from './state/deploy-defaults.js';
import { deployAnyway } from './state/deploy-intents.js';
import type { DeployDefaults } from './state/effects.js';
import { planIntent, type Effect } from './state/intents.js';
import { BINDINGS } from './state/key-bindings.js';
import { footerBindings, resolveKey, type KeyPress } from './state/keymap.js';
import { parseFilter } from './state/log-filter.js';
import { logSourcesFor } from './state/log-view.js';
import { paletteHints } from './state/palette.js';
import { screenLists } from './state/screen-lists.js';
import { screenMode } from './state/screen-mode.js';
import type { UiState } from './state/ui-state.js';

export interface AppProps {
  session: TuiSession;
  plan: ServerPlan;
}

export function App({ session, plan }: AppProps) {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const now = useClock();
  const [ui, dispatch, latestUi] = useUiState(plan.current);
  const [notice, notify] = useNotice();
  const apps = useApps(session, plan.names);
  const appAction = useAppAction(session, notify, apps.refresh);
  const openConsoleOf = useConsole(session, notify, apps.refresh);
  const changeMaintenance = useMaintenance(session, notify, apps.refresh);
  const { client } = useConnection(session, ui.server);
  const logTarget = useMemo(
    () => (ui.logTarget ? { server: ui.logTarget.server, sources: logSourcesFor(ui.logTarget.app, ui.logTarget.kind) } : undefined),
    [ui.logTarget],
  );
  const logs = useLogFollow(session, ui.screen === 'logs' ? logTarget : undefined);
  const configs = useConfigs(session, client, ui.server, ui.site, ui.screen === 'configs', notify);
  const scripts = useScripts(client, ui.screen === 'scripts');
  const audit = useAudit(client, ui.screen === 'audit');
  const certs = useCertificates(client, ui.screen === 'certs');
  const onTestsFailed = useCallback(
    (request: DeployRequest) => {
      for (const effect of deployAnyway({ kind: 'deploy', ...request }, session.readonly, latestUi().overlay)) {
        if (effect.kind === 'ui') dispatch(effect.action);
        else if (effect.kind === 'notify') notify(effect.level, effect.text);
      }
    },
    [session.readonly, latestUi, dispatch, notify],
  );
  const deployRuns = useDeployRuns(session, notify, apps.refresh, onTestsFailed);
  const snapshotOf = (server: string) => apps.links.find((l) => l.server === server)?.snapshot;
  const appNames = (snapshotOf(ui.server)?.apps ?? []).filter((a) => a.kind === 'app').map((a) => a.name);
  const backups = useBackups(session, client, ui.backups, ui.screen === 'backups', notify);
  const backupOverviews = useBackupOverview(session, plan.names);
  const hasDatabase = (server: string, app: string) => databaseApps(session.apps, server, snapshotOf(server)).includes(app);
  const deploys = useDeploys(session, client, appNames, ui.deploy?.app, ui.screen === 'deploys', notify, apps.refresh);
  const deployRun = ui.deploy ? deployRuns.get(ui.server, ui.deploy.app) : undefined;
  const agent = useAgent(session, client, ui.screen === 'agent', notify, apps.refresh);
  const deployDefaults = (app: string): DeployDefaults => deployDefaultsOf(session.apps, app);
  const schedules = useSchedules(client, ui.screen === 'schedules', notify);
  const alerts = useAlerts(client, ui.screen === 'incidents', notify);
  const badges = useAlertBadges(session, plan.names);

  const overlay = ui.overlay;
  const dialog = overlay.kind === 'confirm' ? confirmHeight(overlay.question, columns) : 0;
  const chrome = 3 + (overlay.kind === 'input' && overlay.purpose === 'palette' ? 1 : 0) + dialog;
  const bodyHeight = Math.max(3, rows - 1 - chrome);
  const filter = useMemo(() => parseFilter(ui.filters[ui.screen]), [ui.filters, ui.screen]);
  const lists = screenLists({
    ui,
    filter,
    links: apps.links,
    now,
    sites: configs.list?.sites,
    scripts: scripts.scripts,
    audit: audit.entries,
    certs: certs.value?.certificates,
    schedules: schedules.value?.schedules,
    alerts: alerts.value,
    locks: deploys.locks,
    releases: deploys.releases,
    agentReleases: agent.info?.releases,
    backupApps: databaseApps(session.apps, ui.server, snapshotOf(ui.server)),
    snapshots: backups.list && newestFirst(backups.list.snapshots),
    backupOverviews,
  });
  const modeOf = (state: UiState) => screenMode(state, (site) => configs.draft !== undefined && site === ui.site);
  const mode = modeOf(ui);
  const runLines = ui.screen === 'deploys' ? (deployRun?.lines.length ?? 0) : (scripts.run?.output.lines.length ?? 0);
  const textLines = mode === 'review' ? (configs.draft?.diff.length ?? 0) : mode === 'run' ? runLines : 0;
  const shownLines = mode === 'view' ? (configs.live?.content.split('\n').length ?? 0) : textLines;
  const words = usePaletteWords(apps.links, plan.names, scripts.scripts);

  const perform = (action: PendingAction): void => {
    const failed = (e: unknown): void => notify('error', (e as Error).message);
    if (action.kind === 'app') void appAction.run(action).catch(failed);
    else if (action.kind === 'console') void openConsoleOf(action);
    else if (action.kind === 'maintenance') void changeMaintenance(action);
    else if (action.kind === 'edit-config') void configs.edit(action.site).catch(failed);
    else if (action.kind === 'apply-config') void configs.apply(action.site).catch(failed);
    else if (action.kind === 'run-script') {
      scripts.start(action.name, action.args);
      dispatch({ type: 'open-script', name: action.name });
    } else if (action.kind === 'deploy') {
      if (action.server !== latestUi().server) dispatch({ type: 'server', name: action.server });
      deployRuns.start(action);
      dispatch({ type: 'open-deploy', focus: { app: action.app, view: 'run' } });
    } else if (action.kind === 'agent-update' || action.kind === 'agent-restore') agent.start(action);
    else if (action.kind === 'backup' || action.kind === 'drill' || action.kind === 'restore') backups.run(action);
    else if (action.kind === 'run-schedule') schedules.start(action);
    else if (action.kind === 'mute' || action.kind === 'unmute' || action.kind === 'alert-test') alerts.run(action);
    else void deploys.change(action);
  };

  const run = (effect: Effect): void => {
    if (effect.kind === 'ui') dispatch(effect.action);
    else if (effect.kind === 'do') perform(effect.action);
    else if (effect.kind === 'notify') notify(effect.level, effect.text);
    else if (effect.kind === 'quit') exit();
    else if (effect.kind === 'refresh') {
      apps.refresh();
      deploys.refresh();
      backups.refresh();
      alerts.refresh();
    } else if (effect.kind === 'clear-logs') logs.clear();
    else if (effect.kind === 'reload-site') configs.reload();
    else if (effect.kind === 'cancel-deploy') {
      const focus = latestUi().deploy;
      if (focus) deployRuns.cancel(latestUi().server, focus.app);
    } else scripts.cancel();
  };

  const onKey = (key: KeyPress): void => {
    const current = latestUi();
    const intent = resolveKey(key, { screen: current.screen, mode: modeOf(current), overlay: current.overlay.kind });
    if (!intent) return;
    const effects = planIntent(intent, {
      ui: current,
      readonly: session.readonly,
      mode: modeOf(current),
      count: lists.count,
      pageSize: Math.max(1, bodyHeight - 2),
      selectedUnit: lists.selectedUnit,
      selectedName: lists.selectedName,
      selectedAlert: lists.selectedAlert,
      textLines: shownLines,
      logTotal: logs.buffer.total,
      words,
      kindOf: (server, app) => apps.links.find((l) => l.server === server)?.snapshot?.apps.find((a) => a.name === app)?.kind,
      deployDefaults,
      hasDatabase,
    });
    for (const effect of effects) run(effect);
  };
  useKeymap(onKey, !configs.busy);
  const bindings = footerBindings(ui.screen, mode, session.readonly);
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <StatusBar links={apps.links} current={ui.server} now={now} readonly={session.readonly} width={columns} incidents={badges} />
      <Box height={bodyHeight} flexDirection="column" overflow="hidden">
        {overlay.kind === 'help' ? (
          <HelpOverlay
            bindings={BINDINGS.filter((b) => !(session.readonly && b.changes))}
            readonly={session.readonly}
            height={bodyHeight}
            width={columns}
          />
        ) : (
          <CurrentScreen
            ui={ui}
            height={bodyHeight}
            width={columns}
            now={now}
            filter={filter}
            lists={lists}
            links={apps.links}
            logs={logs}
            logTarget={logTarget}
            configs={configs}
            scripts={scripts}
            audit={audit}
            certs={certs}
            schedules={schedules}
            alerts={alerts}
            deploys={deploys}
            deployRun={deployRun}
            agent={agent}
            backups={backups}
            pending={appAction.pending}
          />
        )}
      </Box>
      {overlay.kind === 'confirm' ? <ConfirmDialog question={overlay.question} /> : null}
      {overlay.kind === 'input' && overlay.purpose === 'palette' ? (
        <CommandPalette text={overlay.text} hints={paletteHints(overlay.text, words)} error={overlay.error} />
      ) : overlay.kind === 'input' ? (
        <InputLine overlay={overlay} filterError={filter.error} />
      ) : (
        <MessageLine notice={notice} />
      )}
      <Footer bindings={bindings} width={columns} />
    </Box>
  );
}

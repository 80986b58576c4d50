/**
 * Every command a deploy runs, built as argv arrays by pure functions (run by the
 * exec door elsewhere). The agent is root; everything that touches the app's files
 * runs as the deploy user through `runuser -u deploy --`, so a repository's content
 * (a symlink where a folder should be, a hook) never acts with root's rights.
 */
import path from 'node:path';

export const DEPLOY_USER = 'deploy';
export const DEPLOY_KEY = `/home/${DEPLOY_USER}/.ssh/deploy_key`;

/** argv run as the deploy user. */
export function asDeploy(argv: readonly string[]): string[] {
  return ['runuser', '-u', DEPLOY_USER, '--', ...argv];
}

/** A full commit SHA is fetched by id; anything else is a branch, a tag or a short SHA. */
export function isCommitSha(ref: string): boolean {
  return /^[0-9a-f]{40}$/.test(ref);
}

/**
 * A short SHA (7 to 39 hex digits) names a commit only once the history that holds it
 * is here: `git ls-remote` lists refs, not commits, and a server fetches only full ids.
 */
export function isShortSha(ref: string): boolean {
  return /^[0-9a-f]{7,39}$/.test(ref);
}

/**
 * Fetching `ref` of `repo` into `dir` (which must not exist yet). A branch or tag is
 * one shallow `git clone`; a full SHA is init + fetch of that commit + checkout. A
 * short SHA is a clone of every branch and tag without file contents
 * (`--filter=blob:none`: commits and trees only, blobs fetched for the one checkout;
 * a server without filters sends everything, which still works), resolved by
 * resolveShortShaArgv, then checked out by checkoutArgv.
 */
export function fetchArgvs(repo: string, ref: string, dir: string): string[][] {
  if (isShortSha(ref)) return [asDeploy(['git', 'clone', '--quiet', '--filter=blob:none', '--no-checkout', '--', repo, dir])];
  if (!isCommitSha(ref)) return [asDeploy(['git', 'clone', '--depth', '1', '--branch', ref, '--', repo, dir])];
  return [
    asDeploy(['git', 'init', '--quiet', '--', dir]),
    asDeploy(['git', '-C', dir, 'remote', 'add', 'origin', '--', repo]),
    asDeploy(['git', '-C', dir, 'fetch', '--depth', '1', 'origin', ref]),
    asDeploy(['git', '-C', dir, 'checkout', '--quiet', '--detach', 'FETCH_HEAD']),
  ];
}

/** The full SHA of the one commit `short` abbreviates; git says "ambiguous" or "Needed a single revision" otherwise. */
export function resolveShortShaArgv(dir: string, short: string): string[] {
  return asDeploy(['git', '-C', dir, 'rev-parse', '--verify', `${short}^{commit}`]);
}

export function checkoutArgv(dir: string, sha: string): string[] {
  return asDeploy(['git', '-C', dir, 'checkout', '--quiet', '--detach', sha]);
}

export function revParseArgv(dir: string): string[] {
  return asDeploy(['git', '-C', dir, 'rev-parse', 'HEAD']);
}

/** The deploy key, when the agent can see it: only it, host keys learnt on first use. */
export function gitSshCommand(keyFile: string): string {
  return `ssh -i ${keyFile} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new`;
}

/** Writes `file` as the deploy user (the content goes on stdin). */
export function writeFileArgv(file: string): string[] {
  return asDeploy(['tee', '--', file]);
}

export function removeArgv(paths: readonly string[]): string[] {
  return asDeploy(['rm', '-rf', '--', ...paths]);
}

export function mkdirArgv(paths: readonly string[]): string[] {
  return asDeploy(['mkdir', '-p', '--', ...paths]);
}

/**
 * Links shared/<entry> into the release as <release>/<entry>, for entries that share
 * a parent folder: `ln -s -t <parent> <shared paths>` names each link after its target.
 */
export function linkSharedArgvs(shared: string, release: string, entries: readonly string[]): string[][] {
  const byParent = new Map<string, string[]>();
  for (const entry of entries) {
    const parent = path.dirname(path.join(release, entry));
    byParent.set(parent, [...(byParent.get(parent) ?? []), path.join(shared, entry)]);
  }
  return [...byParent].map(([parent, targets]) => asDeploy(['ln', '-s', '-t', parent, '--', ...targets]));
}

/** The previous release's compiled assets, so pages rendered by old workers keep their CSS during the restart. */
export function copyAssetsArgv(fromRelease: string, toRelease: string): string[] {
  return asDeploy(['cp', '-a', '--', path.join(fromRelease, 'public', 'assets'), path.join(toRelease, 'public', 'assets')]);
}

export function bundleArgv(...args: string[]): string[] {
  return asDeploy(['bundle', ...args]);
}

/** Installing gems into shared/bundle, frozen to Gemfile.lock (`bundle install --deployment` in bundler 2 terms). */
export function bundleDeploymentArgvs(sharedBundle: string): string[][] {
  return [bundleArgv('config', 'set', '--local', 'deployment', 'true'), bundleArgv('config', 'set', '--local', 'path', sharedBundle)];
}

export function rakeArgv(task: 'assets:precompile' | 'db:migrate'): string[] {
  return asDeploy(['bundle', 'exec', 'rake', task]);
}

/**
 * Points `current` at `release` atomically: a symlink under a temporary name, then
 * rename(2) over the old one (`mv -T`), so a reader sees the old or the new, never none.
 */
export function switchArgvs(root: string, release: string): string[][] {
  const temporary = path.join(root, `current.next-${path.basename(release)}`);
  return [asDeploy(['ln', '-sfn', '--', release, temporary]), asDeploy(['mv', '-T', '--', temporary, path.join(root, 'current')])];
}

/**
 * How the web process is (re)started: `reload` is puma's phased restart (ExecReload
 * sends SIGUSR1), `restart` a full one (the socket unit keeps nginx's connections
 * waiting meanwhile), `start` when it is not running.
 */
export type RestartVerb = 'start' | 'reload' | 'restart';

export function restartArgv(unit: string, verb: RestartVerb): string[] {
  return ['systemctl', verb, '--', unit];
}

/** A unit that hit its start limit refuses `start` until this. */
export function resetFailedArgv(unit: string): string[] {
  return ['systemctl', 'reset-failed', '--', unit];
}

/** Stops the web process and its socket: no request starts it again. */
export function stopArgv(units: readonly string[]): string[] {
  return ['systemctl', 'stop', '--', ...units];
}

/** The unit's last journal lines, bare: why it did not start. */
export function journalTailArgv(unit: string, lines: number): string[] {
  return ['journalctl', '--no-pager', '--quiet', '-o', 'cat', '-n', String(lines), `--unit=${unit}`];
}

/** The unit's own environment (Environment= and EnvironmentFile=), for rake tasks to see what puma sees. */
export function unitEnvironmentArgv(unit: string): string[] {
  return ['systemctl', 'show', '--no-pager', '-p', 'Environment', '-p', 'EnvironmentFiles', '--', unit];
}

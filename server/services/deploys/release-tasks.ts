/**
 * Tasks that belong to a deploy (apps.<name>.releaseTasks): run in the new release
 * after db:migrate and before the switch, as the deploy user with the app's
 * environment, each streamed as part of the `tasks` step. A task that fails stops the
 * deploy like any step: the previous release keeps serving. A `first-deploy` task runs
 * once: its success is recorded in <stateDir>/release-tasks/<app>/<task>.json, so a
 * first deploy that fails later runs it again and one that succeeded never does.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentConfig } from '../../config.js';
import { asDeploy } from './argv.js';
import type { Build } from './build.js';
import type { StepContext } from './steps.js';

export interface TaskDone {
  release: string;
  at: string;
}

function doneFile(stateDir: string, app: string, task: string): string {
  return path.join(stateDir, 'release-tasks', app, `${task}.json`);
}

async function doneBefore(stateDir: string, app: string, task: string): Promise<TaskDone | null> {
  const text = await readFile(doneFile(stateDir, app, task), 'utf8').catch(() => null);
  return text ? (JSON.parse(text) as TaskDone) : null;
}

async function markDone(stateDir: string, app: string, task: string, done: TaskDone): Promise<void> {
  const file = doneFile(stateDir, app, task);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(`${file}.tmp`, `${JSON.stringify(done)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

export async function runReleaseTasks(
  ctx: StepContext,
  options: { config: AgentConfig; name: string; build: Build; now: () => Date },
): Promise<void> {
  const { config, name, build } = options;
  const tasks = build.app.releaseTasks;
  if (tasks.length === 0) return ctx.skip('no release tasks (apps.<name>.releaseTasks)');
  const ran: string[] = [];
  for (const task of tasks) {
    if (task.when === 'first-deploy') {
      const done = await doneBefore(config.stateDir, name, task.name);
      if (done) {
        ctx.say(`${task.name}: first-deploy task, done already (release ${done.release}, ${done.at})`);
        continue;
      }
    }
    ctx.say(`${task.name}: ${task.argv.join(' ')}`);
    await ctx.run(asDeploy(task.argv), {
      cwd: build.dir,
      timeoutMs: task.timeoutSeconds * 1000,
      hint:
        `Release task "${task.name}" failed: fix it (apps.${name}.releaseTasks in hms.config.json, ` +
        'then `hms provision`) or the app; the previous release keeps serving.',
    });
    if (task.when === 'first-deploy')
      await markDone(config.stateDir, name, task.name, { release: build.release, at: options.now().toISOString() });
    ran.push(task.name);
  }
  ctx.detail(ran.length > 0 ? `ran ${ran.join(', ')}` : 'nothing to run this time');
}

/**
 * `hms deploy`, `hms releases`, `hms rollback`, `hms lock`, `hms unlock`: thin
 * commands over src/client/deploys-client.ts. A deploy first runs the app's tests
 * in its checkout here when `checkout` and `testCommand` are configured.
 */
import type { DeployDone, DeployResult, StepEvent } from '../api/deploys.js';
import { deployStream, listReleases, lock, lockStatus, rollback, unlock } from '../client/deploys-client.js';
import { HmsError } from '../core/errors.js';
import { runAppTests } from '../local/app-tests.js';
import type { Command, CommandContext, CommandOutput } from './command.js';
import { deployHelp, releasesHelp, rollbackHelp, lockHelp, unlockHelp } from './help/index.js';
import type { Connected } from '../client/connect.js';
import { appArgument, withApp } from './app-command.js';
import {
  doneSummary,
  lockLine,
  nextSteps,
  OutputLines,
  releasesTable,
  rollbackSummary,
  seconds,
  stepLine,
  unlockedLine,
} from '../core/deploy-render.js';
import { liveOutput, write } from './logs.js';
import { databaseRollbackQuestion } from './rollback-database.js';

/** What --json keeps of a deploy's output: its end, as the agent's JSON answer does. */
const JSON_OUTPUT_BYTES = 64 * 1024;

export const deployCommand: Command = {
  ...deployHelp,
  async run(context) {
    const app = appArgument(context, 'hms deploy <app>');
    const skipTests = context.flags.skipTests === true;
    await runTestsFirst(context, app, skipTests);
    return withApp(context, 'hms deploy <app>', async (_, connected) => {
      const request = {
        ...(context.flags.ref ? { ref: context.flags.ref } : {}),
        ...(context.flags.reason ? { reason: context.flags.reason } : {}),
        skipTests,
      };
      return streamDeploy(context, connected, app, request);
    });
  },
};

async function runTestsFirst(context: CommandContext, app: string, skipTests: boolean): Promise<void> {
  const configured = (await context.loadConfig())?.apps[app];
  if (!configured?.checkout || !configured.testCommand) {
    context.note(`hms: no checkout and testCommand configured for ${app} in hms.config.json: its tests are not run first.`);
    return;
  }
  if (skipTests) {
    context.note(`hms: --skip-tests: not running \`${configured.testCommand.join(' ')}\`; the audit log records it.`);
    return;
  }
  const live = liveOutput(context);
  context.note(`hms: running the tests of ${app}: \`${configured.testCommand.join(' ')}\` in ${configured.checkout}`);
  try {
    const result = await runAppTests({
      app,
      checkout: configured.checkout,
      testCommand: configured.testCommand,
      signal: live.signal,
      onOutput: (chunk, stream) => void write(stream === 'stdout' ? live.stdout : live.stderr, chunk.toString(), live.signal),
    });
    if (!result.ok) {
      throw new HmsError(
        `The tests of ${app} failed (exit ${result.code ?? 'by a signal'} after ${seconds(result.ms)}); nothing was deployed.`,
        {
          hint: `Fix them and deploy again, or deploy anyway with \`hms deploy ${app} --skip-tests\` (recorded in the audit log).`,
        },
      );
    }
    context.note(`hms: tests passed in ${seconds(result.ms)}.`);
  } finally {
    live.done();
  }
}

/**
 * Streamed in both modes (a long silent step cannot time the request out): for
 * people each step and its output as they come; with --json one DeployResult.
 */
async function streamDeploy(
  context: CommandContext,
  connected: Connected,
  app: string,
  request: { ref?: string; reason?: string; skipTests: boolean },
): Promise<CommandOutput> {
  const live = liveOutput(context);
  const lines = new OutputLines();
  const steps: StepEvent[] = [];
  let output = '';
  let done: DeployDone | undefined;
  const show = (text: string) => (context.flags.json ? undefined : write(live.stdout, text, live.signal));
  context.note(`hms: deploying ${app} on ${connected.name}${request.ref ? ` (ref ${request.ref})` : ''}…`);
  try {
    for await (const event of deployStream(connected.client, app, request, live.signal)) {
      if (event.kind === 'output') {
        output = (output + event.output.text).slice(-JSON_OUTPUT_BYTES);
        await show(lines.push(event.output.text));
      } else if (event.kind === 'step') {
        if (event.step.status !== 'start') steps.push(event.step);
        await show(`${lines.flush()}${stepLine(event.step)}\n`);
      } else done = event.done;
    }
  } catch (error) {
    if (!live.signal.aborted) throw error;
  } finally {
    live.done();
  }
  if (!done) {
    throw new HmsError(
      `Stopped; the agent on ${connected.name} stops the deploy of ${app} before it switches, or finishes it safely after.`,
      {
        hint: `Run \`hms releases ${app}\` and \`hms audit\` to see how it ended.`,
        exitCode: 130,
      },
    );
  }
  const result: DeployResult = { ...done, steps, output };
  if (context.flags.json) return { data: result, human: '', exitCode: done.ok ? 0 : 1 };
  if (!done.ok) throw new HmsError(doneSummary(app, done), { hint: nextSteps(app, done) });
  return { data: result, human: doneSummary(app, done) };
}

export const releasesCommand: Command = {
  ...releasesHelp,
  run: (context) =>
    withApp(context, 'hms releases <app>', async (app, connected) => {
      const releases = await listReleases(connected.client, app);
      return { data: releases, human: releasesTable(releases) };
    }),
};

export const rollbackCommand: Command = {
  ...rollbackHelp,
  run: (context) =>
    withApp(context, 'hms rollback <app> [release]', async (app, connected) => {
      const release = context.args[1];
      const restoreDatabase = context.flags.restoreDatabase === true;
      const question = `Roll ${app} on ${connected.name} back to ${release ?? 'the previous release'}?`;
      const asked = restoreDatabase ? await databaseRollbackQuestion(connected, app, question) : question;
      if (!(await context.confirm(asked))) {
        return { data: { app, done: false }, human: 'Nothing done.', exitCode: 1 };
      }
      const result = await rollback(connected.client, app, {
        ...(release ? { release } : {}),
        ...(context.flags.reason ? { reason: context.flags.reason } : {}),
        ...(restoreDatabase ? { restoreDatabase } : {}),
      });
      if (!result.ok && !context.flags.json)
        throw new HmsError(rollbackSummary(result), { hint: result.hint ?? `See \`hms logs ${app}\`.` });
      return { data: result, human: rollbackSummary(result), exitCode: result.ok ? 0 : 1 };
    }),
};

export const lockCommand: Command = {
  ...lockHelp,
  run: (context) =>
    withApp(context, 'hms lock <app> --reason TEXT', async (app, connected) => {
      const status = context.flags.reason
        ? await lock(connected.client, app, context.flags.reason)
        : await lockStatus(connected.client, app);
      return { data: status, human: lockLine(app, status.lock) };
    }),
};

export const unlockCommand: Command = {
  ...unlockHelp,
  run: (context) =>
    withApp(context, 'hms unlock <app>', async (app, connected) => {
      const result = await unlock(connected.client, app);
      return { data: result, human: unlockedLine(app, result.lock) };
    }),
};

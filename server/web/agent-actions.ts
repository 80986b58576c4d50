/**
 * The browser's side of the agent's self-update: a release uploaded from the form
 * (the bundle alone, staged by the same service as the API's upload) and the switch
 * to a kept release. Each returns the notice for the page it redirects to.
 */
import type { BodyData } from 'hono/utils/body';
import { releaseIdSchema } from '../../src/api/agent.js';
import type { AgentDeps } from '../env.js';
import { ApiError, unknownName } from '../errors.js';
import { activateAgentRelease, listAgentReleases, MAX_BUNDLE_BYTES, stageAgentBundle } from '../services/agent/index.js';

/** A release id from the URL that names a kept release; anything else is a 404 naming the kept ones. */
export async function keptRelease(deps: AgentDeps, id: string) {
  const info = await listAgentReleases(deps);
  const kept = info.releases.map((release) => release.id);
  if (!releaseIdSchema.safeParse(id).success || !kept.includes(id)) throw unknownName('release', id, kept);
  return { release: id, info };
}

/** Starts the switch (health-checked, rolled back by the activator); the page then follows it. */
export async function switchRelease(options: { deps: AgentDeps; id: string; actor: string }): Promise<string> {
  const { release, info } = await keptRelease(options.deps, options.id);
  if (info.current === release && info.running === release) return `The agent already runs ${release}; nothing changed.`;
  const started = await activateAgentRelease(options.deps, release, options.actor);
  return `Switching from ${started.from ?? '–'} to ${release}.`;
}

/** The multipart form's file: a browser sends an empty, nameless part when none was chosen. */
async function bundleOf(value: BodyData[string] | undefined): Promise<Buffer> {
  // No `instanceof File`: Node 18 has no global File (undici's is used for form data).
  if (value === undefined || typeof value === 'string' || Array.isArray(value) || (value.size === 0 && value.name === '')) {
    throw new ApiError(400, 'No file was chosen.', { hint: 'Choose dist/hms-agent.mjs, made by `npm run build`.' });
  }
  if (value.size > MAX_BUNDLE_BYTES) {
    throw new ApiError(413, `${value.name} is ${value.size} bytes; the bundle may be at most ${MAX_BUNDLE_BYTES} bytes.`, {
      hint: 'Choose dist/hms-agent.mjs, made by `npm run build`.',
    });
  }
  return Buffer.from(await value.arrayBuffer());
}

/** The form's fields as typed, for showing them again when the upload is refused. */
export function typedVersion(body: BodyData): string | undefined {
  return typeof body.version === 'string' ? body.version.slice(0, 100) : undefined;
}

/** POST /agent/releases: stages the bundle with the current release's tools; "Upload and switch" also starts the switch. */
export async function uploadFromForm(options: { deps: AgentDeps; body: BodyData; actor: string }): Promise<string> {
  const { deps, body, actor } = options;
  const bundle = await bundleOf(body.bundle);
  const staged = await stageAgentBundle(deps, { version: typedVersion(body) ?? '', bundle }, actor);
  const uploaded =
    `${staged.created ? 'Uploaded' : 'Already kept:'} release ${staged.release} ` +
    `(the bundle, with ${staged.tools} remote-cli-tools copied from ${staged.from}).`;
  if (body.then !== 'switch') return `${uploaded} Switch to it from the list when ready.`;
  return `${uploaded} ${await switchRelease({ deps, id: staged.release, actor })}`;
}

import { Hono } from 'hono';
import type { z } from 'zod';
import {
  FOLLOW_BATCH_HEADER,
  logFollowQuerySchema,
  logQuerySchema,
  type LogLinesResponse,
  type LogSourcesResponse,
} from '../../src/api/logs.js';
import type { AgentDeps, AgentEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { credentialOf, listLogSources, planFollow, readLog, searchSlots, streamFollow } from '../services/logs/index.js';
import { openEventStream } from '../event-stream.js';

/** /api/logs — the allow-listed logs: list, read (tail, grep, time window), follow (SSE). */
export function logsApi(deps: AgentDeps): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();

  app.get('/', async (c) => c.json({ sources: await listLogSources(deps.config) } satisfies LogSourcesResponse));

  app.get('/:source', async (c) =>
    c.json(
      (await readLog({
        deps,
        source: c.req.param('source'),
        query: parseQuery(logQuerySchema, c.req.query()),
        credential: credentialOf(c.get('actor')),
      })) satisfies LogLinesResponse,
    ),
  );

  app.get('/:source/follow', async (c) => {
    const plan = await planFollow({
      config: deps.config,
      source: c.req.param('source'),
      query: parseQuery(logFollowQuerySchema, c.req.query()),
    });
    const release = searchSlots(deps).follows.take(credentialOf(c.get('actor')));
    return openEventStream(c, (stream) =>
      streamFollow(stream, {
        exec: deps.exec,
        plan,
        requestSignal: c.req.raw.signal,
        batched: c.req.header(FOLLOW_BATCH_HEADER) === '1',
      }).finally(release),
    );
  });

  return app;
}

/** A 400 naming the parameter: "Invalid query parameter lines: lines must be a whole number from 1 to 10000." */
function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.output<T> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const message =
    keys.length > 0
      ? `Unknown query parameter ${keys.map((key) => `"${key.slice(0, 40)}"`).join(', ')}.`
      : `Invalid query parameter ${issue.path.join('.')}: ${issue.message}.`;
  throw new ApiError(400, message, { hint: `Known parameters: ${Object.keys(queryShape(schema)).join(', ')}.` });
}

function queryShape(schema: z.ZodType): Record<string, unknown> {
  return 'shape' in schema ? (schema.shape as Record<string, unknown>) : {};
}

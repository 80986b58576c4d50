/**
 * The agent's Server-Sent Event streams: for each, its event names and the shape of
 * each event's payload. A payload that is a string (a script's output) travels as the
 * data lines themselves, exactly as it came; every other payload as one line of JSON.
 *
 *   GET  /api/logs/:source/follow   LOG_FOLLOW_EVENTS; a `: ping` comment every 15 s
 *   POST /api/deploys/:app          DEPLOY_EVENTS; a `: keep-alive` comment every 15 s
 *   POST /api/scripts/:name/run     SCRIPT_RUN_EVENTS
 *   POST /api/schedules/:app/:name/run  SCRIPT_RUN_EVENTS (the run's journal lines as stdout)
 *   POST /api/backups/:app/restore  RESTORE_EVENTS (asked with Accept: text/event-stream; JSON otherwise)
 *
 * The agent only imports the types below: the laptop validates what it receives,
 * the agent's compiler checks what it sends.
 */
import { z } from 'zod';
import { lazy } from './lazy.js';
import { restoreResultSchema } from './backups.js';
import { doneEventSchema, outputEventSchema, stepEventSchema } from './deploys.js';
import { logLineSchema, logLinesEventSchema } from './logs.js';
import { scriptExitSchema } from './scripts.js';

/** `dropped`: the client read too slowly and the agent left out this many lines. */
export const logFollowDroppedSchema = lazy(() => z.object({ count: z.number().int() }));
/** `end`: the log's reader stopped (tail exited, the file went away). */
export const logFollowEndSchema = lazy(() => z.object({ reason: z.string() }));

/**
 * `line` events carry a LogLine, oldest first: the backlog asked for, then new lines; `lines`
 * events (many at once) replace them for a client that sent FOLLOW_BATCH_HEADER (logs.ts).
 */
export const LOG_FOLLOW_EVENTS = {
  line: logLineSchema,
  lines: logLinesEventSchema,
  dropped: logFollowDroppedSchema,
  end: logFollowEndSchema,
} as const;

/** `step` as each step starts and ends, `output` as its commands print, then one `done`. */
export const DEPLOY_EVENTS = { step: stepEventSchema, output: outputEventSchema, done: doneEventSchema } as const;

/** `error`: the script could not be started at all. */
export const scriptStartErrorSchema = lazy(() => z.object({ error: z.string(), hint: z.string().optional() }));

/** `stdout` and `stderr` text as it comes, then one `exit` (or one `error`). */
export const SCRIPT_RUN_EVENTS = { stdout: z.string(), stderr: z.string(), exit: scriptExitSchema, error: scriptStartErrorSchema } as const;

/**
 * `step`: what the restore starts (`doing`) or has done, as it goes; then one `done`, the whole result, or
 * one `error` when it was refused before anything changed (the HTTP status it would have had, why, what to do).
 */
export const restoreStepSchema = lazy(() => z.object({ line: z.string(), doing: z.boolean().optional() }));
export const restoreRefusedSchema = lazy(() => z.object({ status: z.number().int(), error: z.string(), hint: z.string().optional() }));
export const RESTORE_EVENTS = { step: restoreStepSchema, done: restoreResultSchema, error: restoreRefusedSchema } as const;

/** A stream's event names, each with its payload's schema. */
export type EventMap = Readonly<Record<string, z.ZodType>>;
export type EventName<M extends EventMap> = keyof M & string;
export type EventData<M extends EventMap, E extends EventName<M>> = z.output<M[E]>;
/** One event of a stream: a name and its payload, a pair the compiler keeps together. */
export type StreamEvent<M extends EventMap> = { [E in EventName<M>]: { event: E; data: EventData<M, E> } }[EventName<M>];

export type LogFollowEvents = typeof LOG_FOLLOW_EVENTS;
export type DeployEvents = typeof DEPLOY_EVENTS;
export type ScriptRunEvents = typeof SCRIPT_RUN_EVENTS;
export type RestoreEvents = typeof RESTORE_EVENTS;
export type RestoreStep = z.infer<typeof restoreStepSchema>;

import type { CommandContext } from './command.js';
import { connect, connectEach, connectServer, type Connected } from '../client/connect.js';
import { reachSeconds, reachWithin, UnreachableError } from '../client/reach.js';

export interface ServerResult<T> {
  server: string;
  ok: boolean;
  data?: T;
  error?: { message: string; hint?: string | undefined };
  /** The server did not answer SSH within the --all wait (connection.reachSeconds). */
  unreachable?: boolean;
}

/**
 * Runs `task` on the one server the flags pick, or with --all on every server
 * concurrently, each with its own result: one unreachable server does not hide
 * the others, nor hold them longer than the bounded wait of src/client/reach.ts.
 */
export async function onServers<T>(given: CommandContext, task: (connected: Connected) => Promise<T>): Promise<ServerResult<T>[]> {
  // Read once: choosing the servers and connecting each would read and parse it again.
  const loaded = given.loadConfig();
  const context: CommandContext = { ...given, loadConfig: () => loaded };
  const names = await connectEach(context);
  if (!names) {
    const connected = await connect(context);
    try {
      return [{ server: connected.name, ok: true, data: await task(connected) }];
    } finally {
      await connected.close();
    }
  }
  const config = (await context.loadConfig())!;
  const seconds = reachSeconds(config);
  return Promise.all(
    names.map(async (server): Promise<ServerResult<T>> => {
      let connected: Connected | undefined;
      let late = false;
      try {
        connected = await connectServer(context, config, server);
        await reachWithin(connected, seconds);
        return { server, ok: true, data: await task(connected) };
      } catch (error) {
        const e = error as Error & { hint?: string };
        late = error instanceof UnreachableError;
        return { server, ok: false, error: { message: e.message, hint: e.hint }, ...(late ? { unreachable: true } : {}) };
      } finally {
        // A handshake still under way ends by its own timeout; the answers of the others are not held for it.
        if (late) void connected?.close().catch(() => undefined);
        else await connected?.close();
      }
    }),
  );
}

/** The last line of an --all answer: how many servers answered, and which did not (`10 servers: 9 answered; unreachable: s10`). */
export function serversSummary(results: ServerResult<unknown>[]): string {
  const answered = results.filter((r) => r.ok).length;
  const unreachable = results.filter((r) => r.unreachable).map((r) => r.server);
  const failed = results.filter((r) => !r.ok && !r.unreachable).map((r) => r.server);
  return [
    `${results.length} servers: ${answered} answered`,
    ...(unreachable.length > 0 ? [`unreachable: ${unreachable.join(', ')}`] : []),
    ...(failed.length > 0 ? [`failed: ${failed.join(', ')}`] : []),
  ].join('; ');
}

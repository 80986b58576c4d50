import type { CommandContext } from './command.js';
import { connect, connectEach, connectServer, type Connected } from '../client/connect.js';

export interface ServerResult<T> {
  server: string;
  ok: boolean;
  data?: T;
  error?: { message: string; hint?: string | undefined };
}

/**
 * Runs `task` on the one server the flags pick, or with --all on every server
 * concurrently, each with its own result: one unreachable server does not hide
 * the others.
 */
export async function onServers<T>(context: CommandContext, task: (connected: Connected) => Promise<T>): Promise<ServerResult<T>[]> {
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
  return Promise.all(
    names.map(async (server): Promise<ServerResult<T>> => {
      let connected: Connected | undefined;
      try {
        connected = await connectServer(context, config, server);
        return { server, ok: true, data: await task(connected) };
      } catch (error) {
        const e = error as Error & { hint?: string };
        return { server, ok: false, error: { message: e.message, hint: e.hint } };
      } finally {
        await connected?.close();
      }
    }),
  );
}

/** The `<app>` argument of the commands about one app, and its connection to the app's server for one run. */
import { connectForApp, type Connected } from '../client/connect.js';
import { UsageError } from '../core/errors.js';
import type { CommandContext } from './command.js';

export function appArgument(context: CommandContext, usage: string): string {
  const name = context.args[0];
  if (!name) throw new UsageError(`Which app? \`${usage}\`.`, 'Run `hms status` to see the names.');
  return name;
}

/** Runs `body` connected to the server of the app named in the arguments; the connection is closed after. */
export async function withApp<T>(
  context: CommandContext,
  usage: string,
  body: (app: string, connected: Connected) => Promise<T>,
): Promise<T> {
  const app = appArgument(context, usage);
  const connected = await connectForApp(context, app);
  try {
    return await body(app, connected);
  } finally {
    await connected.close();
  }
}

/**
 * The servers the control center shows and one connection to each, opened on first
 * use and shared by every hook. A connection that failed to open is forgotten, so
 * the next use tries again; one that opened reconnects by itself (the SSH pool
 * reopens a dropped tunnel on the next request). A server whose SSH does not answer
 * within connection.reachSeconds counts as failed to open ("unreachable (timed out
 * after 5 s)"), so its row says so soon while the others' rows go on.
 */
import { setFlagsFromString } from 'node:v8';
import { connectLocal, connectServer, type ClientContext, type Connected } from '../src/client/connect.js';
import { reachSeconds, reachWithin } from '../src/client/reach.js';
import { pickServer } from '../src/client/server-target.js';
import type { Config } from '../src/config/schema.js';
import type { AppsResponse } from '../src/api/apps.js';
import { appsContract } from '../src/client/contracts.js';
import { apiPaths } from '../src/api/paths.js';

const noop = (): void => undefined;

export interface ServerPlan {
  /** Every server shown: all configured ones, the one --server names, or `local`. */
  names: string[];
  /** The one logs, configs, scripts and the palette act on first. */
  current: string;
  local: boolean;
}

/** Which servers, from the flags and the configuration (a bad --server fails here, before the screen opens). */
export function planServers(context: ClientContext, config: Config | undefined): ServerPlan {
  if (context.flags.local || !config || Object.keys(config.servers).length === 0)
    return { names: ['local'], current: 'local', local: true };
  if (context.flags.server) {
    const { name } = pickServer(config, context.flags.server);
    return { names: [name], current: name, local: false };
  }
  const names = Object.keys(config.servers);
  return { names, current: names[0]!, local: false };
}

export class ServerConnections {
  private readonly open = new Map<string, Promise<Connected>>();

  constructor(
    private readonly context: ClientContext,
    private readonly config: Config | undefined,
    readonly plan: ServerPlan,
  ) {}

  private readonly early = new Map<string, Promise<AppsResponse>>();
  /** The prefetched answers that are in already, for the overview's first frame. */
  private readonly arrived = new Map<string, AppsResponse>();

  /**
   * Connects to every server and asks for its apps now, while the control center's code still loads
   * (React, Ink): the overview's first poll takes these answers (firstApps) instead of asking again.
   */
  prefetch(): void {
    for (const name of this.plan.names) {
      // appsContract: checked without zod in the build, so zod (~26 ms CPU) does not load before the first request.
      const answer = this.get(name).then(({ client }) =>
        client.call(appsContract, apiPaths.apps.list(), { signal: AbortSignal.timeout(10_000) }),
      );
      // A failure: the first poll reports it.
      answer.then(
        (apps) => this.arrived.set(name, apps),
        () => undefined,
      );
      this.early.set(name, answer);
    }
  }

  /**
   * The prefetched answer if it came while the code loaded (usual with a warm connection): the
   * overview draws its first frame with it, one render of the whole screen instead of two.
   * Undefined when it has not come (yet), failed, or was taken by firstApps.
   */
  arrivedApps(name: string): AppsResponse | undefined {
    return this.early.has(name) ? this.arrived.get(name) : undefined;
  }

  /**
   * Resolves once every prefetched answer has come (or failed), or after `ms`, whichever is first. The
   * overview waits this long before its first frame: the header line is on screen (tui/splash.ts), and a
   * first frame drawn with the apps is one render of the whole screen where one without them is two, with
   * the other feeds' first answers (incidents, backups, the connection) re-rendering it in between.
   */
  async prefetched(ms: number): Promise<void> {
    const answers = [...this.early.values()].map((answer) => answer.then(noop, noop));
    if (answers.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    await Promise.race([Promise.all(answers), late]);
    clearTimeout(timer);
  }

  /** The answer prefetch asked for, once; undefined when there is none (left) for this server. */
  firstApps(name: string): Promise<AppsResponse> | undefined {
    const answer = this.early.get(name);
    this.early.delete(name);
    this.arrived.delete(name);
    return answer;
  }

  get(name: string): Promise<Connected> {
    const existing = this.open.get(name);
    if (existing) return existing;
    const opening = (this.plan.local ? connectLocal(this.context) : this.reach(name)).catch((error: unknown) => {
      this.open.delete(name);
      throw error;
    });
    this.open.set(name, opening);
    return opening;
  }

  private async reach(name: string): Promise<Connected> {
    const connected = await connectServer(this.context, this.config!, name);
    try {
      await reachWithin(connected, reachSeconds(this.config));
      return connected;
    } catch (error) {
      // The handshake still under way ends by its own timeout; nothing waits for it.
      void connected.close().catch(() => undefined);
      throw error;
    }
  }

  /** Closes every connection; one that hangs is given up on after `timeoutMs`. */
  async closeAll(timeoutMs = 3000): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    const closing = Promise.all(
      all.map((opening) =>
        opening.then(
          (connected) => connected.close(),
          () => undefined,
        ),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([closing.catch(() => undefined), timeout]);
    clearTimeout(timer);
  }
}

/** What the control center starts from: the configuration, the servers it shows, and their connections. */
export interface PreparedTui {
  config: Config | undefined;
  plan: ServerPlan;
  connections: ServerConnections;
}

/**
 * Reads the configuration and starts connecting (and asking each server for its apps) before the
 * TUI's code loads, so the first live data does not wait for React and Ink. Local mode starts its
 * in-process agent when the overview first asks, as before.
 */
export async function prepareTui(context: ClientContext): Promise<PreparedTui> {
  // hms's shebang holds WebAssembly at its first tier so a one-shot command need not wait at exit for V8
  // to optimise undici's HTTP parser; the control center runs for hours and follows logs at 50,000 lines/s:
  // V8's default budget again, set before the parser is first compiled (by the first connection below).
  setFlagsFromString('--wasm-tiering-budget=1800000');
  const config = await context.loadConfig();
  const plan = planServers(context, config);
  const connections = new ServerConnections(context, config, plan);
  if (!plan.local) connections.prefetch();
  return { config, plan, connections };
}

/**
 * The typed client of the agent's API, over either transport. The CLI and the TUI
 * use this and nothing else to talk to a server.
 */
import type { z } from 'zod';
import {
  appActionResponseSchema,
  appResponseSchema,
  appsResponseSchema,
  type AppAction,
  type MaintenanceRequest,
  maintenanceStateSchema,
} from '../api/apps.js';
import { ACTOR_HEADER, auditResponseSchema, healthSchema, whoamiSchema } from '../api/core.js';
import { laptopActor } from './actor.js';
import { apiPaths } from '../api/paths.js';
import { json, send, sendWhole, type CallOptions } from './http.js';
import type { Transport } from './transport.js';

export class ApiClient {
  constructor(
    readonly server: string,
    readonly transport: Transport,
    private readonly token: string,
    /** Who is acting, recorded by the agent beside the token (`alice@laptop (api-token)`). */
    readonly actor: string = laptopActor(),
  ) {}

  /** A raw request (streams, ETags): the caller reads the body. */
  send(path: string, options: CallOptions = {}) {
    return send(this.transport, this.token, this.server, path, this.withActor(options));
  }

  /** A JSON request, its answer checked against its contract schema. */
  async call<T>(schema: z.ZodType<T>, path: string, options: CallOptions = {}): Promise<T> {
    return json(await sendWhole(this.transport, this.token, this.server, path, this.withActor(options)), schema, this.server);
  }

  private withActor(options: CallOptions): CallOptions {
    return { ...options, headers: { [ACTOR_HEADER]: this.actor, ...options.headers } };
  }

  health() {
    return this.call(healthSchema, apiPaths.health());
  }

  whoami() {
    return this.call(whoamiSchema, apiPaths.whoami());
  }

  apps() {
    return this.call(appsResponseSchema, apiPaths.apps.list());
  }

  app(name: string) {
    return this.call(appResponseSchema, apiPaths.apps.one(name));
  }

  appAction(name: string, action: AppAction) {
    return this.call(appActionResponseSchema, apiPaths.apps.action(name, action), { method: 'POST' });
  }

  /** The app's maintenance (503 page) state; with a request, turns it on (with its message) or off. */
  maintenance(name: string, request?: MaintenanceRequest) {
    const path = apiPaths.apps.maintenance(name);
    return this.call(maintenanceStateSchema, path, request ? { method: 'PUT', body: request } : {});
  }

  // The metrics' and certificates' schemas are built when first asked for, not with every command that
  // makes a client (hms status needs neither: ~10 ms of zod at start).
  async metrics(minutes?: number) {
    const { metricsResponseSchema } = await import('../api/metrics.js');
    return this.call(metricsResponseSchema, apiPaths.metrics(minutes));
  }

  async certificates() {
    const { certificatesResponseSchema } = await import('../api/certificates.js');
    return this.call(certificatesResponseSchema, apiPaths.certificates());
  }

  audit(limit = 50) {
    return this.call(auditResponseSchema, apiPaths.audit(limit));
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

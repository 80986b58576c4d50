/**
 * The typed client of the agent's API, over either transport. The CLI and the TUI
 * use this and nothing else to talk to a server.
 */
import type { z } from 'zod';
import type { AppAction, MaintenanceRequest } from '../api/apps.js';
import { ACTOR_HEADER } from '../api/actor.js';
import { laptopActor } from './actor.js';
import { apiPaths } from '../api/paths.js';
import { appsContract, backupOverviewContract, contract, type Contract } from './contracts.js';
import { json, send, sendWhole, type CallOptions } from './http.js';
import type { Transport } from './transport.js';

// The schemas load with the first answer they check: zod is not part of every command's start, and
// `hms status` checks its answers without it (contracts.ts).
const apps = () => import('../api/apps.js');
const core = () => import('../api/core.js');
const appContract = contract(async () => (await apps()).appResponseSchema);
const appActionContract = contract(async () => (await apps()).appActionResponseSchema);
const maintenanceContract = contract(async () => (await apps()).maintenanceStateSchema);
const healthContract = contract(async () => (await core()).healthSchema);
const whoamiContract = contract(async () => (await core()).whoamiSchema);
const auditContract = contract(async () => (await core()).auditResponseSchema);

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
  async call<T>(schema: z.ZodType<T> | Contract<T>, path: string, options: CallOptions = {}): Promise<T> {
    return json(await sendWhole(this.transport, this.token, this.server, path, this.withActor(options)), schema, this.server);
  }

  private withActor(options: CallOptions): CallOptions {
    return { ...options, headers: { [ACTOR_HEADER]: this.actor, ...options.headers } };
  }

  health() {
    return this.call(healthContract, apiPaths.health());
  }

  whoami() {
    return this.call(whoamiContract, apiPaths.whoami());
  }

  apps() {
    return this.call(appsContract, apiPaths.apps.list());
  }

  /** The apps and the backups overview in one answer; an older agent answers the apps alone (no `backups`, no `backupsError`). */
  appsWithBackups() {
    return this.call(appsContract, apiPaths.apps.withBackups());
  }

  app(name: string) {
    return this.call(appContract, apiPaths.apps.one(name));
  }

  appAction(name: string, action: AppAction) {
    return this.call(appActionContract, apiPaths.apps.action(name, action), { method: 'POST' });
  }

  /** The app's maintenance (503 page) state; with a request, turns it on (with its message) or off. */
  maintenance(name: string, request?: MaintenanceRequest) {
    const path = apiPaths.apps.maintenance(name);
    return this.call(maintenanceContract, path, request ? { method: 'PUT', body: request } : {});
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

  /** The backups overview of every app (hms status, the TUI): checked without zod in the build. */
  backupOverview(signal?: AbortSignal) {
    return this.call(backupOverviewContract, apiPaths.backups.overview(), signal ? { signal } : {});
  }

  audit(limit = 50) {
    return this.call(auditContract, apiPaths.audit(limit));
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

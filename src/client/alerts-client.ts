/** /api/alerts for the laptop: incidents, channels and deliveries; a test send; mutes. */
import { alertsResponseSchema, alertTestResponseSchema, muteResponseSchema, unmuteResponseSchema } from '../api/alerts.js';
import { apiPaths } from '../api/paths.js';
import type { ApiClient } from './api-client.js';

export const listAlerts = (client: ApiClient, signal?: AbortSignal) =>
  client.call(alertsResponseSchema, apiPaths.alerts.list(), signal ? { signal } : {});

/** One test delivery to `channel`, or to every channel; answered after each one's first attempt. */
export const testAlerts = (client: ApiClient, channel?: string) =>
  client.call(alertTestResponseSchema, apiPaths.alerts.test(), { method: 'POST', body: channel ? { channel } : {} });

/** Holds back a rule's or an app's incidents from the channels for `minutes` (they are still opened and listed). */
export const muteAlerts = (client: ApiClient, target: string, minutes: number) =>
  client.call(muteResponseSchema, apiPaths.alerts.mutes(), { method: 'POST', body: { target, minutes } });

export const unmuteAlerts = (client: ApiClient, target: string) =>
  client.call(unmuteResponseSchema, apiPaths.alerts.mute(target), { method: 'DELETE' });

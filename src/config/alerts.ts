/**
 * What hms.config.json's `alerts` must hold together beyond each value's own range, and
 * an e-mail channel without STARTTLS only to a relay on the server itself.
 */
import type { z } from 'zod';
import type { AlertsConfig } from '../core/alert-settings.js';

export function checkAlerts(alerts: AlertsConfig | undefined, ctx: z.RefinementCtx): void {
  if (!alerts) return;
  const { disk, certificate } = alerts.rules;
  if (disk.warningPercent >= disk.criticalPercent) {
    ctx.addIssue({
      code: 'custom',
      path: ['alerts', 'rules', 'disk', 'warningPercent'],
      message: `must be below criticalPercent (${disk.criticalPercent})`,
    });
  }
  if (certificate.criticalDays >= certificate.days) {
    ctx.addIssue({
      code: 'custom',
      path: ['alerts', 'rules', 'certificate', 'criticalDays'],
      message: `must be fewer than days (${certificate.days})`,
    });
  }
  for (const [name, channel] of Object.entries(alerts.channels)) {
    if (channel.type === 'email' && !channel.starttls && !LOOPBACK.test(channel.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['alerts', 'channels', name, 'starttls'],
        message: 'may be false only for a relay on the server itself (127.0.0.1, ::1, localhost): mail would cross the network in clear',
      });
    }
  }
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/;

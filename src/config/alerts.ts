/** What hms.config.json's `alerts` must hold together beyond each value's own range. */
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
}

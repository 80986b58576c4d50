import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fillTemplate, templatesDir, type TemplateValues } from './templates.js';

export const TEMPLATE_NAMES = [
  'puma/puma.rb',
  'nginx/app.conf',
  'nginx/hosting.conf',
  'nginx/default.conf',
  'nginx/tls.conf',
  'certbot/deploy-hook',
  'systemd/app.service',
  'systemd/app.socket',
  'systemd/web-start',
  'systemd/process.service',
  'systemd/process-start',
  'systemd/hms-agent.service',
  'systemd/hms-backup.service',
  'systemd/hms-backup.timer',
  'systemd/schedule.service',
  'systemd/schedule.timer',
  'systemd/schedule-run',
  'logrotate/hms',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** Every template, read once, filled synchronously while the plan is built. */
export interface Templates {
  fill(name: TemplateName, values: TemplateValues): string;
}

export async function loadTemplates(): Promise<Templates> {
  const dir = templatesDir();
  const texts = new Map(
    await Promise.all(TEMPLATE_NAMES.map(async (name) => [name, await readFile(path.join(dir, name), 'utf8')] as const)),
  );
  return { fill: (name, values) => fillTemplate(name, texts.get(name)!, values) };
}

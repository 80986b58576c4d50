/**
 * Generated log lines and server layouts for the parse_logs.sh tests: Rails, nginx
 * error and nginx access lines at a given time, and the report parse_logs.sh prints
 * with --json.
 */
import path from 'node:path';
import { accessTime, nginxErrorTime, railsTime } from './helpers.js';

export interface FileReport {
  path: string;
  type: string;
  errors: number;
  severe: number;
  truncated: boolean;
  top: { count: number; message: string }[];
}
export interface Report {
  status: string;
  exit_code: number;
  total_errors: number;
  total_severe: number;
  files: FileReport[];
  skipped: { path: string; reason: string }[];
}

export const ago = (minutes: number): Date => new Date(Date.now() - minutes * 60_000);

export function railsLine(sev: 'I' | 'W' | 'E' | 'F', when: Date, message: string, reqId = 'a1b2c3d4-0000-4000-8000-123456789abc'): string {
  const level = { I: 'INFO', W: 'WARN', E: 'ERROR', F: 'FATAL' }[sev];
  return `${sev}, [${railsTime(when)}.123456 #4242] ${level.padStart(5)} -- : [${reqId}] ${message}\n`;
}
export function nginxErrorLine(level: string, when: Date, message: string): string {
  return (
    `${nginxErrorTime(when)} [${level}] 811#811: *${Math.floor(Math.random() * 1e6)} ${message}, client: ` +
    `203.0.113.7, server: cigar.example, request: "GET /orders/12 HTTP/1.1", host: "cigar.example"\n`
  );
}
export function accessLine(when: Date, request: string, status: number, bytes = 512): string {
  return `203.0.113.7 - - [${accessTime(when)}] "${request}" ${status} ${bytes} "-" "Mozilla/5.0 (X11; Linux x86_64)"\n`;
}

/** A server layout: $root/www/<app>/shared/log/production.log and $root/nginx/*.log */
export function layout(root: string) {
  return {
    appRoot: path.join(root, 'www'),
    nginxDir: path.join(root, 'nginx'),
    appLog: (app: string, dir = 'shared') => path.join(root, 'www', app, dir, 'log', 'production.log'),
    env: { HMS_APP_ROOT: path.join(root, 'www'), HMS_NGINX_LOG_DIR: path.join(root, 'nginx'), HMS_APPS: 'cigar tobacco' },
  };
}

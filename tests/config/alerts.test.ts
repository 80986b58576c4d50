import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';

const parse = (alerts: object) =>
  parseConfig(JSON.stringify({ servers: { web1: { host: 'example.test' } }, alerts }), '/tmp/hms.config.json');

describe("hms.config.json's alerts", () => {
  it('Given alerts with a channel, When loaded, Then the settings reach the configuration with their defaults', () => {
    const config = parse({ reminderMinutes: 60, channels: { ops: { type: 'webhook', url: 'https://hooks.example.test/x' } } });
    expect(config.alerts).toMatchObject({ enabled: true, reminderMinutes: 60, cooldownMinutes: 10 });
    expect(config.alerts!.channels.ops).toEqual({ type: 'webhook', url: 'https://hooks.example.test/x' });
  });

  it('Given a disk warning at or over its critical threshold, When loaded, Then it is refused at the warning, naming the critical', () => {
    expect(() => parse({ rules: { disk: { warningPercent: 95 } } })).toThrow(
      /alerts\.rules\.disk\.warningPercent.*must be below criticalPercent \(95\)/,
    );
  });

  it('Given certificate criticalDays not under days, When loaded, Then it is refused', () => {
    expect(() => parse({ rules: { certificate: { days: 5, criticalDays: 5 } } })).toThrow(/criticalDays.*must be fewer than days \(5\)/);
  });

  it('Given an unknown key or channel type, When loaded, Then it is refused by the schema', () => {
    expect(() => parse({ channels: { ops: { type: 'pager' } } })).toThrow(/alerts\.channels\.ops/);
    expect(() => parse({ reminder: 60 })).toThrow(/reminder/);
  });

  it('Given an e-mail channel without STARTTLS, When loaded, Then it is accepted to a loopback relay only', () => {
    const mail = (host: string) => ({ type: 'email', host, port: 25, starttls: false, from: 'a@example.test', to: ['b@example.test'] });
    for (const host of ['127.0.0.1', 'localhost', '::1'])
      expect(parse({ channels: { mail: mail(host) } }).alerts!.channels.mail).toBeDefined();
    expect(() => parse({ channels: { mail: mail('smtp.example.test') } })).toThrow(
      /alerts\.channels\.mail\.starttls.*may be false only for a relay on the server itself/,
    );
  });
});

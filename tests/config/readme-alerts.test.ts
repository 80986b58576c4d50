/**
 * The README's Alerts section stays true: its configuration example loads with hms's own
 * schema, and its receiver snippet, run as written, accepts a body signed as the contract
 * says (src/api/alerts.ts) and refuses a changed body or a wrong secret.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/api/alerts.js';
import { parseConfig } from '../../src/config/load.js';
import { secretsSchema } from '../../src/secrets/schema.js';

async function section(): Promise<string> {
  const text = await readFile(path.resolve('README.md'), 'utf8');
  const start = text.indexOf('### Alerts');
  expect(start).toBeGreaterThan(0);
  return text.slice(start, text.indexOf('\n### ', start + 1));
}
const blocks = (text: string, lang: string): string[] =>
  [...text.matchAll(new RegExp(`^( *)\`\`\`${lang}\\n([\\s\\S]*?)^\\1\`\`\``, 'gm'))].map((m) =>
    m[2]!.replace(new RegExp(`^${m[1]}`, 'gm'), ''),
  );

describe("the README's Alerts section", () => {
  it('Given its hms.config.json and .secrets.json examples, When loaded, Then both are valid, with each channel type', async () => {
    const [config, secrets] = blocks(await section(), 'json');
    const loaded = parseConfig(`{ "servers": { "prod": { "host": "example.test" } }, ${config} }`, '/tmp/hms.config.json');
    expect(Object.values(loaded.alerts!.channels).map((c) => c.type)).toEqual(['webhook', 'slack', 'email']);
    expect(loaded.alerts!.channels.mail).toMatchObject({ starttls: true, port: 587 });
    expect(Object.keys(secretsSchema.parse(JSON.parse(`{ ${secrets} }`)).alert_channels)).toEqual(['ops', 'chat', 'mail']);
  });

  it('Given its receiver snippet, When run on a signed body, Then it accepts it; a changed body or secret it refuses', async () => {
    const [snippet] = blocks(await section(), 'js');
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-readme-'));
    try {
      const file = path.join(dir, 'receiver.mjs');
      await writeFile(file, `${snippet}\nexport { signedByHms };\n`);
      const { signedByHms } = (await import(file)) as { signedByHms: (h: object, body: string, secret: string) => boolean };
      const body = JSON.stringify({ event: 'test', server: 'prod', text: '[hms prod] test' });
      const timestamp = '1796640000';
      const signature = `sha256=${createHmac('sha256', 'k3y').update(`${timestamp}.${body}`).digest('hex')}`;
      const headers = { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp };
      expect(signedByHms(headers, body, 'k3y')).toBe(true);
      expect(signedByHms(headers, body.replace('prod', 'edge'), 'k3y')).toBe(false);
      expect(signedByHms(headers, body, 'other')).toBe(false);
      expect(signedByHms({ [TIMESTAMP_HEADER]: timestamp }, body, 'k3y')).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { agentAppSchema, agentConfigSchema, exampleAgentConfig, parseAgentConfig } from '../../server/config.js';

describe("the agent's configuration (agent.json)", () => {
  it('Given an empty object, When parsed, Then every default is filled in', () => {
    const config = parseAgentConfig('{}', '/etc/hosting-api/agent.json');
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8790 });
    expect(config.nginx.sites).toEqual([]);
    expect(config.backups.keep).toEqual({ daily: 7, weekly: 4, monthly: 6 });
    expect(config.apps).toEqual({});
  });

  it('Given an app, When parsed, Then its own defaults are filled in', () => {
    const config = parseAgentConfig(JSON.stringify({ apps: { cigar: { unit: 'cigar.service', root: '/var/www/cigar' } } }), 'agent.json');
    expect(config.apps.cigar).toMatchObject({ keepReleases: 5, sharedDirs: ['log', 'tmp', 'storage'], processes: {} });
  });

  it('Given wrong values and an unknown key, When parsed, Then the error names the file and each key path', () => {
    const text = JSON.stringify({ listen: { port: 'x' }, apps: { cigar: { unit: 'cigar', root: 'relative' } }, extra: 1 });
    const parse = () => parseAgentConfig(text, '/etc/hosting-api/agent.json');
    expect(parse).toThrow(/\/etc\/hosting-api\/agent\.json: listen\.port: expected number/);
    expect(parse).toThrow(/agent\.json: apps\.cigar\.unit: must be a systemd unit name/);
    expect(parse).toThrow(/agent\.json: apps\.cigar\.root: must be an absolute path/);
    expect(parse).toThrow(/agent\.json: \(top level\): Unrecognized key: "extra"/);
  });

  it('Given the schemas, When used as zod schemas, Then they parse, refuse and nest as the schemas they build', () => {
    expect(agentConfigSchema).toBeInstanceOf(z.ZodObject);
    expect(agentConfigSchema.safeParse({ listen: { host: '0.0.0.0' } }).success).toBe(false);
    expect(z.object({ app: agentAppSchema }).parse({ app: { unit: 'a.service', root: '/a' } }).app.keepReleases).toBe(5);
    expect(exampleAgentConfig().apps.cigar?.unit).toBe('cigar.service');
  });

  it('Given the schema read twice, When compared, Then each read built its own (none is kept for the life of the agent)', () => {
    expect(agentConfigSchema.shape).not.toBe(agentConfigSchema.shape);
  });
});

/**
 * shape-check.ts against zod itself: the JSON Schemas the build writes (contracts.ts jsonSchemas) must
 * accept what zod accepts, refuse what zod refuses, and give the same data (unknown keys left out,
 * defaults filled in), for the answers of `hms status`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { appsResponseSchema } from '../../src/api/apps.js';
import { backupOverviewSchema } from '../../src/api/backups.js';
import { jsonSchemas } from '../../src/client/contracts.js';
import { checkShape, type JsonSchema, unknownKeywords } from '../../src/client/shape-check.js';

const unit = (name: string) => ({
  unit: `${name}.service`,
  description: `${name} (puma)`,
  loadState: 'loaded',
  activeState: 'active',
  subState: 'running',
  since: '2026-12-07T15:32:28.000Z',
  mainPid: 3515,
  memoryBytes: 65425408,
  restarts: 0,
  result: 'success',
  controlGroup: `/system.slice/${name}.service`,
});

const apps = {
  hostname: 'web1',
  version: '0.1.0',
  at: '2026-12-07T15:34:07.904Z',
  apps: [
    {
      name: 'cigar',
      kind: 'app',
      state: unit('cigar'),
      health: { ok: true, via: 'socket', status: 200, ms: 6.5, error: null },
      currentRelease: '20260101000000',
      maintenance: false,
    },
    {
      name: 'agent',
      kind: 'agent',
      state: { ...unit('hms-agent'), since: null, mainPid: null, controlGroup: null },
      health: null,
      currentRelease: null,
      problem: 'no systemd',
    },
  ],
};

const overview = {
  schedule: { onCalendar: '*-*-* 03:00', overdueAfterHours: 26 },
  check: { at: '2026-12-07T03:00:00Z', ok: true, subset: '3/12' },
  apps: [
    {
      app: 'cigar',
      state: 'ok',
      message: 'last backup 2 h ago',
      last: { id: 'a'.repeat(64), shortId: 'aaaaaaaa', time: '2026-12-07T03:00:00Z', kind: 'scheduled' },
      drill: { ok: true, at: '2026-12-07T04:00:00Z', seconds: 3.2 },
    },
  ],
};

/** The sample changed at one place: `change` gets a deep copy to change. */
function variant<T>(sample: T, change: (copy: any) => void): T {
  const copy = structuredClone(sample);
  change(copy);
  return copy;
}

const appsVariants: Array<[string, unknown]> = [
  ['as sent', apps],
  [
    'an unknown key at the top and in an app',
    variant(apps, (a) => Object.assign(a, { extra: 1 }, { apps: [{ ...a.apps[0], later: 'x' }] })),
  ],
  ['no apps', variant(apps, (a) => (a.apps = []))],
  ['a hostname missing', variant(apps, (a) => delete a.hostname)],
  ['an app name that is a number', variant(apps, (a) => (a.apps[0].name = 42))],
  ['an unknown kind', variant(apps, (a) => (a.apps[0].kind = 'cron'))],
  ['a pid that is not an integer', variant(apps, (a) => (a.apps[0].state.mainPid = 1.5))],
  ['a null description (not nullable)', variant(apps, (a) => (a.apps[0].state.description = null))],
  ['health with a string ms', variant(apps, (a) => (a.apps[0].health.ms = '6'))],
  ['apps that is an object', variant(apps, (a) => (a.apps = {}))],
  ['the answer that is an array', []],
  ['the answer that is null', null],
];

const overviewVariants: Array<[string, unknown]> = [
  ['as sent', overview],
  ['a drill without mismatches (the default fills in)', variant(overview, (o) => delete o.apps[0].drill.mismatches)],
  ['no schedule, no check', variant(overview, (o) => (delete o.schedule, delete o.check))],
  ['overdueAfterHours 0 (must be above)', variant(overview, (o) => (o.schedule.overdueAfterHours = 0))],
  ['a negative drill time', variant(overview, (o) => (o.apps[0].drill.seconds = -1))],
  ['an unknown state', variant(overview, (o) => (o.apps[0].state = 'lost'))],
  ['a missing message', variant(overview, (o) => delete o.apps[0].message)],
];

describe('shape-check: the contracts of hms status without zod', () => {
  let schemas: Record<string, JsonSchema>;
  beforeAll(async () => {
    schemas = await jsonSchemas();
  });

  it('Given the JSON Schemas zod writes of the contracts, Then every keyword in them is known to the checker', () => {
    expect(Object.keys(schemas).sort()).toEqual(['appsResponse', 'backupOverview']);
    for (const schema of Object.values(schemas)) expect(unknownKeywords(schema)).toEqual([]);
    expect(unknownKeywords({ type: 'string', pattern: '^a', properties: { a: { format: 'email' } } } as JsonSchema)).toEqual([
      'format',
      'pattern',
    ]);
  });

  for (const [name, zodSchema, variants] of [
    ['appsResponse', appsResponseSchema, appsVariants],
    ['backupOverview', backupOverviewSchema, overviewVariants],
  ] as const) {
    it(`Given ${name} answers (${variants.length}), When checked, Then the verdict and the data are zod's`, () => {
      for (const [label, value] of variants) {
        const ours = checkShape(schemas[name]!, value);
        const theirs = zodSchema.safeParse(value);
        expect({ label, success: ours.success }).toEqual({ label, success: theirs.success });
        if (ours.success && theirs.success) expect(ours.data).toEqual(theirs.data);
        if (!ours.success) expect(ours.error.message).toMatch(/: /);
      }
    });
  }

  it('Given a mismatch deep in the answer, Then the message says where', () => {
    const result = checkShape(
      schemas.appsResponse!,
      variant(apps, (a) => (a.apps[1].state.mainPid = 'x')),
    );
    expect(result.success).toBe(false);
    expect((result as { error: Error }).error.message).toMatch(/^apps\[1\]\.state\.mainPid: /);
  });
});

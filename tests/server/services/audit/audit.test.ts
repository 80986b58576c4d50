import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../../server/services/audit/audit.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-audit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the audit log', () => {
  it('Given no audit file yet, When the recent entries are asked for, Then there are none', async () => {
    expect(await new AuditLog(path.join(dir, 'empty')).recent()).toEqual([]);
  });

  it(
    'Given entries, a broken line and one entry far longer than a log line, ' +
      'When the newest are asked for, Then they come newest first, whole',
    async () => {
      const audit = new AuditLog(path.join(dir, 'busy'), () => new Date('2026-11-25T18:00:00Z'));
      await audit.record({ actor: 'alice', action: 'deploy', target: 'cigar', result: 'ok' });
      await appendFile(audit.file, '{"cut in ha\n');
      const long = 'x'.repeat(200 * 1024);
      await audit.record({ actor: 'bob', action: 'config.update', target: 'cigar', result: 'ok', detail: long });
      await audit.record({ actor: 'carol', action: 'rollback', target: 'cigar', result: 'refused' });

      const entries = await audit.recent(10);
      expect(entries.map((entry) => entry.actor)).toEqual(['carol', 'bob', 'alice']);
      expect(entries[1]!.detail).toBe(long);
      expect((await audit.recent(2)).map((entry) => entry.actor)).toEqual(['carol', 'bob']);
    },
  );
});

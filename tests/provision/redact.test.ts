import { describe, expect, it } from 'vitest';
import { fileDiff, redact } from '../../src/provision/redact.js';

describe('diffs of the files provisioning writes', () => {
  it(
    'Given an env file whose branch-like value and secret changed, ' + 'When diffed, Then the plain change shows and no secret value does',
    () => {
      const before = 'RAILS_ENV=staging\nSECRET_KEY_BASE=aaaa1111\nDATABASE_PASSWORD=old-pass\nAPI_TOKEN=t0k\n';
      const after = 'RAILS_ENV=production\nSECRET_KEY_BASE=bbbb2222\nDATABASE_PASSWORD=new-pass\nAPI_TOKEN=t1k\n';
      const diff = fileDiff('/etc/hosting-api/env/cigar.env', before, after, 'env').join('\n');
      expect(diff).toContain('-RAILS_ENV=staging');
      expect(diff).toContain('+RAILS_ENV=production');
      for (const secret of ['aaaa1111', 'bbbb2222', 'old-pass', 'new-pass', 't0k', 't1k']) expect(diff).not.toContain(secret);
      expect(diff).toMatch(/^--- \/etc\/hosting-api\/env\/cigar.env \(server\)$/m);
    },
  );

  it('Given only a secret changed, When diffed, Then it says so without a value', () => {
    expect(fileDiff('/x.env', 'SECRET_KEY_BASE=a\n', 'SECRET_KEY_BASE=b\n', 'env')).toEqual(['(only secret values differ; not shown)']);
    expect(fileDiff('/k', 'KEY-A\n', 'KEY-B\n', 'whole')).toEqual(['(only secret values differ; not shown)']);
  });

  it("Given the agent's secrets file, When redacted, Then every value is *** and the keys stay", () => {
    const text = JSON.stringify({ hosting_management: { admin_username: 'admin', api_token: 'abc\\"def' } }, null, 2);
    expect(redact(text, 'json')).toBe(JSON.stringify({ hosting_management: { admin_username: '***', api_token: '***' } }, null, 2));
  });

  it('Given agent.json with a changed branch, When diffed, Then the diff has the old and new branch lines', () => {
    const diff = fileDiff('/etc/hosting-api/agent.json', '{\n  "branch": "main"\n}\n', '{\n  "branch": "release"\n}\n').join('\n');
    expect(diff).toMatch(/^-  "branch": "main"$/m);
    expect(diff).toMatch(/^\+  "branch": "release"$/m);
  });
});

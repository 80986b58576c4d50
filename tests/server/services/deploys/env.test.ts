/** The unit's environment as rake tasks get it, from systemd 252's `systemctl show` format. */
import { describe, expect, it } from 'vitest';
import { parseEnvFile, parseUnitEnvironment } from '../../../../server/services/deploys/env.js';

describe('deploy environment', () => {
  it(
    'Given `systemctl show -p Environment -p EnvironmentFiles`, ' +
      'When parsed, Then inline variables and files (optional or not) come out',
    () => {
      const shown =
        'Environment=RAILS_ENV=production RACK_ENV=production "GREETING=hello world"\n' +
        'EnvironmentFiles=/etc/hosting-api/env/cigar.env (ignore_errors=yes)\nEnvironmentFiles=/etc/cigar.env (ignore_errors=no)\n';
      expect(parseUnitEnvironment(shown)).toEqual({
        inline: { RAILS_ENV: 'production', RACK_ENV: 'production', GREETING: 'hello world' },
        files: [
          { path: '/etc/hosting-api/env/cigar.env', optional: true },
          { path: '/etc/cigar.env', optional: false },
        ],
      });
    },
  );

  it('Given an EnvironmentFile, When parsed, Then comments and bad names are skipped and quotes removed', () => {
    expect(
      parseEnvFile('# secrets\n; also a comment\nSECRET_KEY_BASE=abc\nDATABASE_URL="postgres://x y"\nEMPTY=\n1BAD=x\nnot a line\n'),
    ).toEqual({
      SECRET_KEY_BASE: 'abc',
      DATABASE_URL: 'postgres://x y',
      EMPTY: '',
    });
  });
});

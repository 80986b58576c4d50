import { describe, expect, it } from 'vitest';
import { envText } from '../../src/commands/env.js';
import { MASKED } from '../../src/provision/env-report.js';

describe('`hms env` for people', () => {
  it(
    'Given rows of every source and state, When printed, ' + 'Then a table names each source, masks secrets and ends with the next step',
    () => {
      const text = envText({
        app: 'cigar',
        server: 'prod',
        file: '/etc/hosting-api/env/cigar.env',
        inSync: false,
        next: "Run `hms provision prod` to apply; it restarts cigar's processes.",
        rows: [
          { name: 'RAILS_ENV', source: 'hms', value: 'production', secret: false, state: 'same' },
          { name: 'REDIS_URL', source: 'hms', value: MASKED, secret: true, state: 'missing on server' },
          { name: 'GREETING', source: 'config', value: 'bonjour', secret: false, state: 'differs' },
          { name: 'API_TOKEN', source: 'secret', value: MASKED, secret: true, state: 'same' },
          { name: 'OLD_FLAG', source: 'server', value: MASKED, secret: true, state: 'only on server' },
        ],
      });
      const lines = text.split('\n');
      expect(lines[0]).toBe('cigar on prod (/etc/hosting-api/env/cigar.env)');
      expect(lines[2]).toMatch(/^NAME\s+SOURCE\s+VALUE\s+SERVER$/);
      expect(text).toMatch(/^GREETING\s+config \(apps\.cigar\.env\)\s+bonjour\s+differs$/m);
      expect(text).toMatch(/^API_TOKEN\s+secret \(app_env\.cigar\)\s+••••\s+same$/m);
      expect(text).toMatch(/^OLD_FLAG\s+server only\s+••••\s+only on server$/m);
      expect(lines.at(-1)).toBe("Run `hms provision prod` to apply; it restarts cigar's processes.");
    },
  );
});

/** hms monitor's words: which log it follows, how lines and notes read, the status line. */
import { describe, expect, it } from 'vitest';
import { appsResponseSchema, type AppsResponse } from '../../../src/api/apps.js';
import { AgentError } from '../../../src/client/http.js';
import { errorText, foldLine, logLineText, logSourceFor, noteText, statusText } from '../../../tui/monitor/log-view.js';

const state = {
  unit: 'x.service',
  description: '',
  loadState: 'loaded',
  activeState: 'active',
  subState: 'running',
  since: null,
  mainPid: 1,
  memoryBytes: null,
  restarts: 0,
  result: null,
};

function snapshot(apps: Array<{ name: string; kind: 'app' | 'nginx' | 'agent' }>): AppsResponse {
  return appsResponseSchema.parse({
    hostname: 'web-1',
    version: '0.1.0',
    at: '2026-11-25T18:02:11.000Z',
    apps: apps.map((a) => ({ ...a, state, health: null, currentRelease: null })),
  });
}

describe('the followed log', () => {
  it("Given `hms monitor cigar`, When choosing, Then it is cigar's production log, before the apps are even known", () => {
    expect(logSourceFor(['cigar'], undefined)).toBe('cigar:production');
    expect(logSourceFor(['journal:agent'], undefined)).toBe('journal:agent');
  });

  it("Given no argument and a server with apps, When the apps arrive, Then it is the first app's production log", () => {
    expect(logSourceFor([], undefined)).toBeUndefined();
    expect(
      logSourceFor(
        [],
        snapshot([
          { name: 'nginx', kind: 'nginx' },
          { name: 'cigar', kind: 'app' },
          { name: 'tobacco', kind: 'app' },
        ]),
      ),
    ).toBe('cigar:production');
  });

  it("Given no argument and no apps (a laptop in local mode), When choosing, Then it is nginx's error log", () => {
    expect(
      logSourceFor(
        [],
        snapshot([
          { name: 'nginx', kind: 'nginx' },
          { name: 'agent', kind: 'agent' },
        ]),
      ),
    ).toBe('nginx:error');
  });
});

describe('panel lines', () => {
  it('Given a log line, When shown, Then it starts with its UTC time, and terminal escapes in it are shown, not obeyed', () => {
    expect(logLineText({ text: 'Started GET "/" \u001b[31mred', ts: '2026-11-25T18:02:11.250Z' })).toBe(
      '2026-11-25 18:02:11  Started GET "/" \\x1b[31mred',
    );
    expect(logLineText({ text: 'no time here' })).toBe('-                    no time here');
  });

  it("Given hms's own news, When shown, Then it is stamped and marked as hms's", () => {
    expect(noteText(new Date('2026-11-25T18:02:11Z'), 'following cigar:production')).toBe(
      '2026-11-25 18:02:11  hms: following cigar:production',
    );
  });

  it('Given a long line, When folded to the panel, Then it breaks between words, indents past the time, and ends in … when cut', () => {
    const line = `2026-11-25 18:02:11  ${'word '.repeat(30).trim()}`;
    const rows = foldLine(line, 60, 2);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toBe('2026-11-25 18:02:11  word word word word word word word word');
    expect(rows[1]!.startsWith(`${' '.repeat(21)}word`)).toBe(true);
    expect(rows[1]!.endsWith('…')).toBe(true);
    expect(Math.max(...rows.map((r) => r.length))).toBeLessThanOrEqual(60);
    expect(foldLine('short', 60)).toEqual(['short']);
  });
});

describe('errors and the status line', () => {
  it('Given an error from the agent, When shown, Then what went wrong comes with what to do next', () => {
    const refused = new AgentError(401, 'prod: Invalid API token', 'Run `hms login prod` to store the current one.', undefined);
    expect(errorText(refused)).toBe('prod: Invalid API token Run `hms login prod` to store the current one.');
    expect(errorText(new Error('socket hang up'))).toBe('socket hang up');
  });

  it('Given a working connection, When the status is drawn, Then it names the server and host and when it was updated', () => {
    expect(statusText({ server: 'prod', hostname: 'web-1', refreshMs: 2000, updatedAt: '2026-11-25T18:02:11.000Z' })).toBe(
      'prod (web-1) ● updated 18:02:11 UTC, every 2 s · q quit',
    );
  });

  it(
    'Given a failing connection, When the status is drawn, ' + 'Then the retry and the keys come before the error, which may be cut off',
    () => {
      expect(
        statusText({ server: 'prod', refreshMs: 2000, error: 'Cannot reach the agent on prod via ssh (ECONNREFUSED).', retryInMs: 4000 }),
      ).toBe('prod ✗ retrying in 4 s · q quit · Cannot reach the agent on prod via ssh (ECONNREFUSED).');
    },
  );
});

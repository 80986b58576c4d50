import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { LogsScreen } from '../../../tui/screens/logs-screen.js';
import { logEntry } from '../../../tui/state/log-view.js';

const sources = ['cigar:production', 'nginx:access'];

describe('the logs screen', () => {
  it('Given lines from puma and nginx, When drawn, Then each is tagged with its log and time', () => {
    const lines = [
      logEntry('cigar:production', 'Started GET "/"', '2026-01-01T10:00:01.250Z'),
      logEntry('nginx:access', '127.0.0.1 - - "GET / HTTP/1.1" 200', '2026-01-01T10:00:01.300Z'),
    ];
    const { lastFrame } = render(
      <LogsScreen
        title="cigar on prod"
        sources={sources}
        streams={{ 'cigar:production': { state: 'following' } }}
        lines={lines}
        paused={false}
        newLines={0}
        more={false}
        filter=""
        timestamps
        total={2}
        height={10}
      />,
    );
    expect(lastFrame()).toMatch(/10:00:01\.250 cigar:production Started GET "\/"/);
    expect(lastFrame()).toMatch(/10:00:01\.300 nginx:access\s+127\.0\.0\.1/);
    expect(lastFrame()).toContain('following');
  });

  it('Given a paused view with new lines waiting and an inverse filter, When drawn, Then the header says so', () => {
    const { lastFrame } = render(
      <LogsScreen
        title="cigar on prod"
        sources={sources}
        streams={{}}
        lines={[]}
        paused
        newLines={37}
        more={false}
        filter="!/up"
        timestamps={false}
        total={0}
        height={10}
      />,
    );
    expect(lastFrame()).toContain('PAUSED +37 new');
    expect(lastFrame()).toContain('/!/up');
    expect(lastFrame()).toContain('No line matches the filter yet.');
  });
});

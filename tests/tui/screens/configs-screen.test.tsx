import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../../src/client/http.js';
import { ConfigsScreen, type ConfigsScreenProps } from '../../../tui/screens/configs-screen.js';
import { configProblem, type Draft } from '../../../tui/state/config-review.js';
import { lineDiff } from '../../../src/core/diff.js';

const content = 'server {\n    listen 80;\n    server_name cigar.test;\n}\n';
const base: ConfigsScreenProps = { server: 'prod', sites: [], selected: 0, scroll: 0, height: 20, now: Date.now() };

describe('the configs screen', () => {
  it('Given a site, When viewed, Then its lines are numbered', () => {
    const { lastFrame } = render(<ConfigsScreen {...base} site="cigar" live={{ name: 'cigar', content, etag: '"abc123"' }} />);
    expect(lastFrame()).toMatch(/1 │ server \{/);
    expect(lastFrame()).toMatch(/3 │ {5}server_name cigar\.test;/);
  });

  it('Given an edit nginx refused (422), When reviewed, Then the diff and nginx own words show in place', () => {
    const edited = content.replace('listen 80;', 'listen eighty;');
    const problem = configProblem(
      new AgentError(422, 'prod: nginx -t rejected the new cigar config: invalid port', undefined, {
        stderr: 'nginx: [emerg] invalid port in "eighty" of the "listen" directive in /etc/nginx/sites-enabled/cigar:2',
      }),
    );
    const draft: Draft = {
      server: 'prod',
      site: 'cigar',
      file: '/tmp/hms-edit-x/cigar',
      original: content,
      etag: '"abc123"',
      edited,
      diff: lineDiff(content, edited),
      applying: false,
      problem,
    };
    const frame = render(<ConfigsScreen {...base} site="cigar" draft={draft} />).lastFrame()!;
    expect(frame).toContain('nginx -t refused it (422)');
    expect(frame).toContain('invalid port in "eighty"');
    expect(frame).toContain('-    listen 80;');
    expect(frame).toContain('+    listen eighty;');
    expect(frame).toContain('/tmp/hms-edit-x/cigar');
  });

  it('Given a conflict (412), When reviewed, Then it says nothing was applied and how to go on', () => {
    const problem = configProblem(new AgentError(412, 'prod: Site "cigar" changed since you read it', undefined, { etag: '"new"' }));
    const draft: Draft = {
      server: 'prod',
      site: 'cigar',
      file: '/tmp/x/cigar',
      original: content,
      etag: '"abc"',
      edited: `${content}# x\n`,
      diff: lineDiff(content, `${content}# x\n`),
      applying: false,
      problem,
    };
    const frame = render(<ConfigsScreen {...base} site="cigar" draft={draft} />).lastFrame()!;
    expect(frame).toContain('CONFLICT (412)');
    expect(frame).toContain('nothing was applied');
    expect(frame).toContain('Press u');
  });
});

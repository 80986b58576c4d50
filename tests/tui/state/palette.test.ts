import { describe, expect, it } from 'vitest';
import { paletteHints, parsePalette } from '../../../tui/state/palette.js';

const words = { apps: ['cigar', 'tobacco', 'nginx', 'agent'], servers: ['prod', 'staging'] };

describe('the : command palette', () => {
  it('Given `:restart tobacco`, When parsed, Then it is a restart of tobacco', () => {
    expect(parsePalette(':restart tobacco', words)).toEqual({
      ok: true,
      command: { kind: 'app-action', action: 'restart', app: 'tobacco' },
    });
  });

  it('Given the k9s-style commands, When parsed, Then each names its screen or action', () => {
    expect(parsePalette('logs cigar', words)).toEqual({ ok: true, command: { kind: 'logs', app: 'cigar' } });
    expect(parsePalette('server prod', words)).toEqual({ ok: true, command: { kind: 'server', name: 'prod' } });
    expect(parsePalette('overview', words)).toEqual({ ok: true, command: { kind: 'screen', screen: 'overview' } });
    expect(parsePalette('configs', words)).toEqual({ ok: true, command: { kind: 'screen', screen: 'configs' } });
    expect(parsePalette('scripts', words)).toEqual({ ok: true, command: { kind: 'screen', screen: 'scripts' } });
    expect(parsePalette('audit', words)).toEqual({ ok: true, command: { kind: 'screen', screen: 'audit' } });
    expect(parsePalette('q', words)).toEqual({ ok: true, command: { kind: 'quit' } });
    expect(parsePalette('logs', words)).toEqual({ ok: true, command: { kind: 'logs' } });
  });

  it('Given mistakes, When parsed, Then the error says what is known', () => {
    expect(parsePalette('restart', words)).toMatchObject({ ok: false, error: expect.stringContaining('cigar, tobacco') });
    expect(parsePalette('restart cigarr', words)).toMatchObject({ ok: false, error: expect.stringContaining('Unknown app "cigarr"') });
    expect(parsePalette('deplyo cigar', words)).toMatchObject({ ok: false, error: expect.stringContaining('Unknown command "deplyo"') });
    expect(parsePalette('server', words)).toMatchObject({ ok: false, error: expect.stringContaining('prod, staging') });
    expect(parsePalette('audit cigar', words)).toMatchObject({ ok: false, error: expect.stringContaining('no argument') });
  });

  it('Given :run with a script named with or without .sh, When parsed, Then it is a run of the listed script', () => {
    const withScripts = { ...words, scripts: ['check_status', 'parse_logs'] };
    expect(parsePalette('run check_status.sh', withScripts)).toEqual({ ok: true, command: { kind: 'run-script', script: 'check_status' } });
    expect(parsePalette('run check_status', withScripts)).toEqual({ ok: true, command: { kind: 'run-script', script: 'check_status' } });
    expect(parsePalette('run', withScripts)).toEqual({ ok: true, command: { kind: 'screen', screen: 'scripts' } });
    expect(parsePalette('run nosuch.sh', withScripts)).toMatchObject({
      ok: false,
      error: expect.stringContaining('Unknown script "nosuch.sh". Known: check_status, parse_logs'),
    });
    expect(paletteHints('run p', withScripts)).toEqual({ completion: 'run parse_logs', hints: ['parse_logs'] });
  });

  it('Given :run before the scripts are listed, When parsed, Then the name goes to the agent to judge', () => {
    expect(parsePalette('run check_status.sh', words)).toEqual({ ok: true, command: { kind: 'run-script', script: 'check_status.sh' } });
  });

  it('Given a partial command, When hinted, Then Tab completes as far as it is unambiguous', () => {
    expect(paletteHints('re', words)).toEqual({ completion: 'restart ', hints: ['restart'] });
    expect(paletteHints('s', words).hints).toEqual(['scripts', 'schedules', 'stop', 'start', 'server']);
    expect(paletteHints('st', words)).toEqual({ completion: 'st', hints: ['stop', 'start'] });
    expect(paletteHints('restart t', words)).toEqual({ completion: 'restart tobacco', hints: ['tobacco'] });
    expect(paletteHints('logs ', words).hints).toEqual(['cigar', 'tobacco', 'nginx', 'agent']);
    expect(paletteHints('server p', words).completion).toBe('server prod');
  });
});

import { describe, expect, it } from 'vitest';
import { errorShape, rebuildError } from '../../src/holder/protocol.js';
import { isRetryable } from '../../src/client/retry.js';
import { HmsError } from '../../src/core/errors.js';
import { HostKeyError } from '../../src/ssh/errors.js';

describe('errors across the holder socket', () => {
  it('Given a refused channel (the agent restarting), When sent and rebuilt, Then the same message and hint, still retryable', () => {
    const channel = Object.assign(new Error('(SSH) Channel open failure: Connection refused'), { reason: 2 });
    const error = new HmsError('Could not reach 127.0.0.1:8790 on h through SSH: (SSH) Channel open failure: Connection refused', {
      hint: 'Is the agent running there?',
      cause: channel,
    });
    const rebuilt = rebuildError(JSON.parse(JSON.stringify(errorShape(error))));
    expect([rebuilt.message, rebuilt.hint]).toEqual([error.message, error.hint]);
    expect(isRetryable(error)).toBe(true);
    expect(isRetryable(rebuilt)).toBe(true);
  });

  it('Given a changed host key, When sent and rebuilt, Then a HostKeyError of the same kind, not retryable', () => {
    const error = new HostKeyError('THE HOST KEY OF h HAS CHANGED', 'changed', 'SHA256:abc', 'ssh-keygen -R h');
    const rebuilt = rebuildError(JSON.parse(JSON.stringify(errorShape(error))));
    expect(rebuilt).toBeInstanceOf(HostKeyError);
    expect([rebuilt.message, rebuilt.hint, (rebuilt as HostKeyError).presentedFingerprint]).toEqual([
      error.message,
      error.hint,
      'SHA256:abc',
    ]);
    expect(isRetryable(rebuilt)).toBe(false);
  });

  it('Given a timed-out SSH connection (ssh2 level client-timeout), When rebuilt, Then retryable as it was', () => {
    const error = new HmsError('SSH connection to root@h:22 timed out.', {
      cause: Object.assign(new Error('Timed out'), { level: 'client-timeout' }),
    });
    expect(isRetryable(rebuildError(JSON.parse(JSON.stringify(errorShape(error)))))).toBe(true);
  });
});

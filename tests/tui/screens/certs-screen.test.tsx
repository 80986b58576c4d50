import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { CertRecord } from '../../../src/core/certificates.js';
import { CertsScreen, type CertsScreenProps } from '../../../tui/screens/certs-screen.js';
import { parsePalette } from '../../../tui/state/palette.js';

const cert = (site: string, daysLeft: number, extra: Partial<CertRecord> = {}): CertRecord => ({
  site,
  domain: `${site}.example.org`,
  names: [`${site}.example.org`],
  issuer: 'R11',
  serial: '01',
  notAfter: '2027-03-01T00:00:00.000Z',
  daysLeft,
  selfSigned: false,
  grade: daysLeft < 7 ? 'critical' : daysLeft < 21 ? 'warning' : 'ok',
  ...extra,
});

const base: CertsScreenProps = { server: 'prod', certificates: [], loaded: true, selected: 0, height: 12 };
const frame = (props: Partial<CertsScreenProps>) => render(<CertsScreen {...base} {...props} />).lastFrame() ?? '';

describe('the certificates screen', () => {
  it('Given three sites, When drawn, Then each shows its days left, names, issuer and last renewal', () => {
    const failed = { at: '2026-12-07T02:00:00Z', ok: false, message: 'the CA could not fetch the challenge. Open port 80' };
    const text = frame({
      certificates: [
        cert('cigar', 80, { lastAttempt: { at: '2026-12-07T02:00:00Z', ok: true } }),
        cert('hosting', 10, { installedByHand: true }),
        cert('tobacco', 60, { lastAttempt: failed, grade: 'critical' }),
      ],
      selected: 2,
    });
    expect(text).toContain('Certificates on prod');
    expect(text).toMatch(/^ {2}cigar +80 days cigar\.example\.org +R11 +ok 2026-12-07 02:00$/m);
    expect(text).toMatch(/hosting +10 days .*installed by hand/);
    expect(text).toMatch(/^▶ tobacco +60 days .*FAILED 2026-12-07 02:00/m);
    expect(text).toContain('Open port 80');
  });

  it('Given no site yet, When drawn, Then it says where the certificates come from', () => {
    expect(frame({})).toMatch(/No sites with certificates/);
    expect(frame({ loaded: false })).toMatch(/Loading/);
  });

  it('Given the palette, When :certs is typed, Then it opens the certificates screen', () => {
    expect(parsePalette('certs', { apps: [], servers: [] })).toEqual({ ok: true, command: { kind: 'screen', screen: 'certs' } });
    expect(parsePalette('tls', { apps: [], servers: [] })).toEqual({ ok: true, command: { kind: 'screen', screen: 'certs' } });
  });
});

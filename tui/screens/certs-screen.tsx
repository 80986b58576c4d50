import { Box, Text } from 'ink';
import type { CertRecord } from '../../src/core/certificates.js';
import { visibleRange } from '../state/scroll.js';

export interface CertsScreenProps {
  server: string;
  certificates: CertRecord[];
  loaded: boolean;
  error?: string | undefined;
  selected: number;
  height: number;
}

const gradeColor = { ok: 'green', warning: 'yellow', critical: 'red' } as const;

function attempt(c: CertRecord): string {
  if (c.installedByHand) return 'installed by hand';
  if (!c.lastAttempt) return '–';
  return `${c.lastAttempt.ok ? 'ok' : 'FAILED'} ${c.lastAttempt.at.replace('T', ' ').slice(0, 16)}`;
}

/**
 * Each site's certificate: days left (yellow under 21, red under 7 or after a failed renewal),
 * issuer, last renewal; below, why the selected one's last renewal failed.
 */
export function CertsScreen({ server, certificates, loaded, error, selected, height }: CertsScreenProps) {
  const { start, end } = visibleRange(certificates.length, selected, height - 4);
  const failure = certificates[selected]?.lastAttempt?.ok === false ? certificates[selected]!.lastAttempt!.message : undefined;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold>
        Certificates on {server}
        <Text dimColor> days left · renew with `hms certs renew [site]`</Text>
      </Text>
      {error ? <Text color="red">{error}</Text> : !loaded ? <Text dimColor>Loading…</Text> : null}
      {loaded && certificates.length === 0 ? <Text dimColor>No sites with certificates (hms provision writes them).</Text> : null}
      {certificates.slice(start, end).map((c, i) => (
        <Text key={c.site} wrap="truncate" inverse={start + i === selected}>
          {`${start + i === selected ? '▶' : ' '} ${c.site.padEnd(12)} `}
          <Text color={gradeColor[c.grade]}>{`${String(c.daysLeft).padStart(4)} days `}</Text>
          {`${(c.names.join(' ') || '–').padEnd(24)} ${(c.selfSigned ? `${c.issuer} (self-signed)` : c.issuer).slice(0, 24).padEnd(24)} `}
          <Text color={c.lastAttempt?.ok === false ? 'red' : undefined}>{attempt(c)}</Text>
        </Text>
      ))}
      {failure ? (
        <Text color="red" wrap="wrap">
          {failure}
        </Text>
      ) : null}
    </Box>
  );
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { laptopActor } from '../client/actor.js';
import { pickServer } from '../client/server-target.js';
import type { CertRecord } from '../core/certificates.js';
import { HmsError } from '../core/errors.js';
import { formatTime } from '../core/format.js';
import { table } from '../core/table.js';
import { installCertificate } from '../provision/certs/install.js';
import { readCertificates } from '../provision/certs/inventory.js';
import { renewCertificates } from '../provision/certs/renew.js';
import { gatherInput } from '../provision/gather.js';
import type { ProvisionInput } from '../provision/input.js';
import { openProvisionSession } from '../provision/session.js';
import { acmeSites } from '../provision/steps/acme.js';
import type { Host } from '../provision/host.js';
import { secretsPathFor } from '../secrets/service.js';
import type { Command, CommandContext, CommandOutput } from './command.js';
import { certsHelp } from './help/index.js';

const GRADE: Record<CertRecord['grade'], string> = { ok: 'ok', warning: 'WARNING', critical: 'CRITICAL' };

export function certsTable(records: CertRecord[]): string {
  const rows = records.map((r) => [
    r.site,
    r.names.join(' ') || r.domain,
    r.selfSigned ? `${r.issuer} (self-signed)` : r.issuer,
    r.notAfter ? formatTime(r.notAfter) : '-',
    String(r.daysLeft),
    r.lastAttempt ? `${formatTime(r.lastAttempt.at)} ${r.lastAttempt.ok ? 'ok' : 'FAILED'}` : r.installedByHand ? 'installed by hand' : '-',
    r.nextAttempt ? formatTime(r.nextAttempt) : '-',
    GRADE[r.grade],
  ]);
  const failures = records.filter((r) => r.lastAttempt?.ok === false).map((r) => `${r.site}: ${r.lastAttempt!.message}`);
  return [table(['SITE', 'NAMES', 'ISSUER', 'NOT AFTER', 'DAYS', 'LAST ATTEMPT', 'NEXT', 'STATE'], rows), ...failures].join('\n');
}

async function withServer<T>(context: CommandContext, act: (host: Host, input: ProvisionInput) => Promise<T>): Promise<T> {
  const config = await context.loadConfig();
  const { name } = pickServer(config, context.flags.server);
  const input = await gatherInput(config!, name, secretsPathFor(config!, context.flags.secrets, context.cwd));
  const session = await openProvisionSession(config!, name);
  try {
    return await act(session.host, input);
  } finally {
    await session.close();
  }
}

async function list(context: CommandContext): Promise<CommandOutput> {
  const certificates = await withServer(context, (host, input) =>
    readCertificates(host, acmeSites(input), input.server.acme?.enabled === true),
  );
  const worst = certificates.some((c) => c.grade === 'critical') ? 2 : certificates.some((c) => c.grade === 'warning') ? 1 : 0;
  return { data: { certificates }, human: certsTable(certificates), exitCode: worst };
}

async function renew(context: CommandContext): Promise<CommandOutput> {
  const results = await withServer(context, (host, input) =>
    renewCertificates(host, input, { site: context.args[1], force: context.flags.force === true, actor: laptopActor() }),
  );
  const failed = results.filter((r) => !r.attempt.ok);
  const lines = results.map((r) => `${r.site} (${r.domain}): ${r.attempt.ok ? 'ok' : `FAILED: ${r.attempt.message}`}`);
  return { data: { results }, human: lines.join('\n') || 'Nothing to renew.', exitCode: failed.length > 0 ? 1 : 0 };
}

async function install(context: CommandContext): Promise<CommandOutput> {
  const site = context.args[1];
  const { cert, key } = context.flags;
  if (!site || !cert || !key) {
    throw new HmsError('hms certs install needs a site, --cert and --key.', {
      hint: 'hms certs install cigar --cert fullchain.pem --key privkey.pem',
    });
  }
  const [certPem, keyPem] = await Promise.all([
    readFile(path.resolve(context.cwd, cert), 'utf8'),
    readFile(path.resolve(context.cwd, key), 'utf8'),
  ]);
  const installed = await withServer(context, (host, input) =>
    installCertificate(host, input, { site, certPem, keyPem, actor: laptopActor() }),
  );
  return {
    data: installed,
    human:
      `${installed.site}: installed (${installed.names.join(', ')}; issuer ${installed.issuer}; ` +
      `expires ${formatTime(installed.notAfter)}).`,
  };
}

export const certsCommand: Command = {
  ...certsHelp,
  run(context) {
    if (context.args[0] === 'renew') return renew(context);
    if (context.args[0] === 'install') return install(context);
    if (context.args.length > 0) {
      throw new HmsError(`Unknown certs subcommand "${context.args[0]}".`, {
        hint: 'hms certs, hms certs renew [site], hms certs install <site>',
      });
    }
    return list(context);
  },
};

import type { CommandHelp } from '../../core/command-help.js';

export const certsHelp: CommandHelp = {
  name: 'certs',
  summary: "Every site's certificate: names, issuer, expiry, renewals; renew or install one",
  usage: ['hms certs [--server NAME] [--json]', 'hms certs renew [site] [--force]', 'hms certs install <site> --cert FILE --key FILE'],
  flags: [
    ['--force', 'renew: request new certificates even when not due'],
    ['--cert FILE', 'install: the certificate, then its chain (PEM)'],
    ['--key FILE', 'install: its private key (PEM, unencrypted; written 0600)'],
  ],
  examples: ['hms certs', 'hms certs renew cigar --force', 'hms certs install hosting --cert fullchain.pem --key privkey.pem'],
};

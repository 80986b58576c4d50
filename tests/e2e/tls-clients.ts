/**
 * Many HTTPS clients at once against one site of a test server, each opening a new
 * TLS connection per request (so each sees the certificate nginx serves at that
 * moment) and trusting only the given CA: what a reload does to real visitors.
 */
import { request } from 'node:https';

export interface ClientsReport {
  ok: number;
  failed: number;
  errors: string[];
  /** Serial numbers of the certificates the clients were shown. */
  serials: Set<string>;
}

function once(address: string, name: string, path: string, ca: string): Promise<{ status: number; serial: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: address, port: 443, servername: name, path, ca, agent: false, timeout: 10_000, headers: { host: name } },
      (res) => {
        const serial = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().serialNumber ?? '';
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, serial }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** `clients` loops of requests for `path` until `during` settles; a non-2xx answer or a TLS error counts as failed. */
export async function clientsDuring<T>(
  options: { address: string; name: string; path: string; ca: string; clients: number },
  during: () => Promise<T>,
): Promise<{ report: ClientsReport; result: T }> {
  const report: ClientsReport = { ok: 0, failed: 0, errors: [], serials: new Set() };
  let done = false;
  const loop = async () => {
    while (!done) {
      try {
        const { status, serial } = await once(options.address, options.name, options.path, options.ca);
        report.serials.add(serial);
        if (status >= 200 && status < 300) report.ok++;
        else {
          report.failed++;
          report.errors.push(`HTTP ${status}`);
        }
      } catch (error) {
        report.failed++;
        report.errors.push((error as Error).message);
      }
    }
  };
  const loops = Array.from({ length: options.clients }, loop);
  try {
    const result = await during();
    return { report, result };
  } finally {
    done = true;
    await Promise.all(loops);
  }
}

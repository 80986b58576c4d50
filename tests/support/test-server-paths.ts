import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Everything lives outside the repo: the rootfs tar and the apt cache must survive
// fresh clones (CI clones anew), and machine copies are far too big for a work tree.
export const CACHE_DIR = '/var/cache/hms-test';
// HMS_TEST_APT_CACHE_DIR points at another (e.g. empty) cache, to measure a cold one.
export const APT_CACHE_DIR = process.env.HMS_TEST_APT_CACHE_DIR || join(CACHE_DIR, 'apt-cacher-ng');
export const MACHINES_DIR = '/var/lib/hms-test/machines';
// /run is a tmpfs: after a reboot no record can point at a PID that was reused.
export const RUN_DIR = '/run/hms-test';
export const TEMP_PREFIX = join(tmpdir(), 'hms-test-');

// Each server gets a /30 out of this /16: host side .1, container .2 of its block.
export const SUBNET_PREFIX = '10.231.';
export const SUBNET_BLOCKS = 16_384;

export function subnetAddresses(index: number): { host: string; container: string } {
  const base = index * 4;
  const net = `${SUBNET_PREFIX}${base >> 8}.`;
  return { host: `${net}${(base & 255) + 1}`, container: `${net}${(base & 255) + 2}` };
}

// "hms-t-" and 6 hex digits: 12 characters, so that ve-NAME fits the kernel's 15.
export const MACHINE_NAME = /^hms-t-[0-9a-f]{6}$/;
export const machineName = (hex6: string): string => `hms-t-${hex6}`;

// The host side of nspawn's veth is "ve-" + machine name, and Linux allows 15 characters.
export function vethName(machine: string): string {
  return `ve-${machine}`;
}

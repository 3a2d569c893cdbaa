/** PoolTrust's rules on a pool mirror as XAPI fills it (hosts, Certificate records) and the real pin store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import type { XapiObject } from '../../../shared/api-client/change-set';
import { FileCertificateStore } from '../stores/file-certificate-store';
import { PinnedTrust } from './pinned-trust';
import { PoolTrust, publishedFingerprints, type PoolMirror } from './pool-trust';

const fp = (byte: string) => Array.from({ length: 32 }, () => byte).join(':');
const MASTER = fp('01');
const MEMBER = fp('02');
const OTHER = fp('03');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function mirror(certificates: Record<string, XapiObject>, masterUrl = 'https://10.0.0.1'): PoolMirror {
  const byClass = new Map<string, Map<string, XapiObject>>([
    ['host', new Map<string, XapiObject>([
      ['OpaqueRef:h1', { address: '10.0.0.1', certificates: ['OpaqueRef:c1'] }],
      ['OpaqueRef:h2', { address: '10.0.0.2', certificates: ['OpaqueRef:c2', 'OpaqueRef:c2-ca'] }],
      ['OpaqueRef:h3', { address: '10.0.0.3:8443', certificates: [] }],
    ])],
    ['Certificate', new Map(Object.entries(certificates))],
  ]);
  return { masterUrl, objects: { records: (cls) => byClass.get(cls) ?? new Map() } };
}

const published: Record<string, XapiObject> = {
  'OpaqueRef:c1': { type: 'host', host: 'OpaqueRef:h1', fingerprint: MASTER },
  // Lower case and without colons: compared all the same.
  'OpaqueRef:c2': { type: 'host', host: 'OpaqueRef:h2', fingerprint: MEMBER.replace(/:/g, '').toLowerCase() },
  'OpaqueRef:c2-ca': { type: 'ca', host: 'OpaqueRef:h2', fingerprint: OTHER },
  // Not listed in host.certificates, but its `host` names h3.
  'OpaqueRef:c3': { type: 'host', host: 'OpaqueRef:h3', fingerprint: OTHER },
};

async function trustWith(pins: Record<string, string>, pool: PoolMirror | undefined, preTrusted?: string): Promise<PoolTrust> {
  const dir = mkdtempSync(`${tmpdir()}/xendeck-pool-trust-`);
  dirs.push(dir);
  const store = new FileCertificateStore(dir);
  for (const [host, pin] of Object.entries(pins)) await store.set(host, pin);
  return new PoolTrust(new PinnedTrust(store, preTrusted), () => pool);
}

describe('PoolTrust', () => {
  it('finds a member by its address, keyed as pins are (the master port when the address has none), and only its host certificates', () => {
    const pool = mirror(published, 'https://10.0.0.1:443');
    expect(publishedFingerprints(pool, '10.0.0.2:443')).toEqual([MEMBER.replace(/:/g, '').toLowerCase()]);
    expect(publishedFingerprints(pool, '10.0.0.3:8443')).toEqual([OTHER]);
    expect(publishedFingerprints(pool, '10.0.0.9:443')).toBeUndefined();
    expect(publishedFingerprints(mirror({}), '10.0.0.2:443')).toEqual([]);
  });

  it('trusts a member by the fingerprint its pool publishes, whatever its case and colons, without pinning it', async () => {
    const trust = await trustWith({ '10.0.0.1:443': MASTER }, mirror(published));
    expect(await trust.check('10.0.0.1:443', MASTER.toLowerCase())).toBe('trusted');
    expect(await trust.check('10.0.0.2:443', MEMBER)).toBe('trusted');
    expect(await trust.fingerprintOf('10.0.0.2:443')).toBe(MEMBER.replace(/:/g, '').toLowerCase());
  });

  it('trusts what the pool publishes over an older pin of the member (a renewed certificate)', async () => {
    const trust = await trustWith({ '10.0.0.2:443': OTHER }, mirror(published));
    expect(await trust.check('10.0.0.2:443', MEMBER)).toBe('trusted');
  });

  it('calls a member showing another certificate than its record changed, naming the published one', async () => {
    const trust = await trustWith({ '10.0.0.1:443': MASTER }, mirror(published));
    expect(await trust.check('10.0.0.2:443', OTHER)).toEqual({ verdict: 'changed', pinnedFingerprint256: MEMBER.replace(/:/g, '').toLowerCase() });
    // A CA certificate of the host is no host certificate.
    expect(await trust.check('10.0.0.2:443', OTHER)).not.toBe('trusted');
  });

  it('keeps asking about hosts that are not pool members, and about anything before the pool is loaded', async () => {
    expect(await (await trustWith({}, mirror(published))).check('10.0.0.9:443', MEMBER)).toBe('unknown');
    expect(await (await trustWith({}, undefined)).check('10.0.0.2:443', MEMBER)).toBe('unknown');
    expect(await (await trustWith({ '10.0.0.9:443': MASTER }, mirror(published))).check('10.0.0.9:443', MEMBER)).toEqual({ verdict: 'changed', pinnedFingerprint256: MASTER });
  });

  it('trusts a member of a server without Certificate records only with the certificate already trusted for the master', async () => {
    const trust = await trustWith({ '10.0.0.1:443': MASTER }, mirror({}));
    expect(await trust.check('10.0.0.2:443', MASTER)).toBe('unknown'); // nothing trusted on this connection yet
    expect(await trust.check('10.0.0.1:443', MASTER)).toBe('trusted');
    expect(await trust.check('10.0.0.2:443', MASTER)).toBe('trusted');
    expect(await trust.check('10.0.0.2:443', MEMBER)).toBe('unknown');
  });
});

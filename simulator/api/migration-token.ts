/**
 * The migration token: host.migrate_receive, called on the destination pool, opens a session there and
 * returns where the destination listens (xapi_host.ml migrate_receive); VM.migrate_send and
 * VM.assert_can_migrate, called on the source pool, reach the destination through it as xapi's
 * remote_of_dest does: the `master` URL names the destination pool's master, `session_id` a session there,
 * `host` the receiving host. A `host` the source pool knows makes the migration intra-pool.
 */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import type { PoolSim, SimHost } from '../core';
import { XapiError } from '../xapi-error';

/** How long a receive session lives unused (xapi expires idle sessions after a day). */
const RECEIVE_SESSION_TTL_MS = 24 * 3600_000;

export interface MigrationDestination {
  kind: 'intra' | 'cross';
  /** The destination pool (the source pool itself for intra-pool). */
  pool: PoolSim;
  host: string;
  /** The receiving host's migration address (xenops URL), as CANNOT_CONTACT_HOST names it. */
  remoteIp: string;
}

/** The URL authority of a host's address on a network: the PIF's IP; the listener's own address for its management IP. */
function authority(h: SimHost | undefined, ip: string): string {
  return h && ip === h.ip ? h.address : ip;
}

export function migrateReceive(call: CallContext, hostRef: string, networkRef: string): Record<string, string> {
  const db = call.db;
  db.get('host', hostRef);
  db.get('network', networkRef);
  const pif = (db.get('network', networkRef).PIFs as string[]).find((p) => db.find('PIF', p)?.host === hostRef);
  if (!pif) throw new XapiError('HOST_CANNOT_ATTACH_NETWORK', [hostRef, networkRef]);
  const rec = db.get('PIF', pif);
  const ip = rec.primary_address_type === 'IPv6' ? String((rec.IPv6 as string[])[0] ?? '').replace(/\/\d+$/, '') : String(rec.IP);
  if (!ip) {
    const mode = rec.primary_address_type === 'IPv6' ? rec.ipv6_configuration_mode : rec.ip_configuration_mode;
    throw new XapiError(mode === 'None' ? 'PIF_HAS_NO_NETWORK_CONFIGURATION' : 'INTERFACE_HAS_NO_IP', [pif]);
  }
  // xapi's login_no_password: a session in this pool for the same subject, handed to the source pool.
  const session = call.pool.sessions.open(call.session?.user ?? 'root', '', hostRef);
  call.clock.setTimeout(() => call.pool.sessions.close(session.ref), RECEIVE_SESSION_TTL_MS);
  const base = `http://${authority(call.pool.host(hostRef), ip)}`;
  const query = `session_id=${session.ref}`;
  return {
    SM: `${base}/services/SM?${query}`,
    host: hostRef,
    xenops: `${base}/services/xenops?${query}`,
    session_id: session.ref,
    master: `http://${call.pool.master.address}`,
  };
}

function tokenValue(dest: Record<string, string>, key: string): string {
  const v = dest[key];
  // xapi looks the keys up with List.assoc: a token that is not migrate_receive's fails inside the server.
  if (typeof v !== 'string') throw new XapiError('INTERNAL_ERROR', [`Not_found: the migration token has no "${key}" key`]);
  return v;
}

function urlAuthority(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    throw new XapiError('INTERNAL_ERROR', [`Cannot extract foreign IP address from: ${url}`]);
  }
}

/** Resolves a migrate_receive token as the source pool's xapi does, with the errors it raises. */
export function resolveDestination(call: CallContext, dest: Record<string, string>): MigrationDestination {
  const masterUrl = tokenValue(dest, 'master');
  const xenopsUrl = tokenValue(dest, 'xenops');
  const hostRef = tokenValue(dest, 'host');
  const sessionRef = tokenValue(dest, 'session_id');
  const remoteIp = new URL(xenopsUrl.startsWith('http') ? xenopsUrl : `http://${xenopsUrl}`).hostname;
  if (call.db.has('host', hostRef)) return { kind: 'intra', pool: call.pool, host: hostRef, remoteIp };
  const master = urlAuthority(masterUrl);
  const target = call.sim.hosts.find((h) => h.address === master || `${h.ip}:${h.port}` === master);
  // xapi opens an RPC connection to the master named in the token; a host that is gone does not answer.
  if (!target || !target.alive) throw new XapiError('CANNOT_CONTACT_HOST', [remoteIp]);
  if (!target.isMaster) throw new XapiError('HOST_IS_SLAVE', [target.pool.master.address]);
  target.pool.sessions.check(sessionRef);
  target.pool.db.get('host', hostRef);
  // The memory and disks stream to the receiving host itself (the xenops and SM URLs).
  if (target.pool.host(hostRef)?.alive === false) throw new XapiError('CANNOT_CONTACT_HOST', [remoteIp]);
  return { kind: 'cross', pool: target.pool, host: hostRef, remoteIp };
}

export function installMigrationTokenApi(api: ApiRegistry): void {
  api.register('host.migrate_receive', (call, host: string, network: string) => migrateReceive(call, host, network));
}

/**
 * The production `OpenConsoleSocket`: finds the VM's RFB console through XAPI and opens it with
 * CONNECT on the host named in its location. What it needs from the connection manager comes
 * through `ConsoleConnectionPort`, so the tunnel never holds credentials of its own.
 */
import type { Duplex } from 'node:stream';
import type { TrustAnswer } from '../connections/node-transport';
import type { OpenConsoleSocket } from './console-tunnel';
import { ConsoleConnectError, connectXapiConsole } from './xapi-console-connect';

/** What the composition root provides from the ConnectionManager (electron/backend/connections/). */
export interface ConsoleConnectionPort {
  /** A XAPI call on the connection's current session (the session argument is added by the port). */
  call(connectionId: string, method: string, params: unknown[]): Promise<unknown>;
  /** The live session, the pinned certificate and the address in use for the connection. */
  endpoint(connectionId: string): Promise<{ sessionId: string; pinnedFingerprint256: string; address: string }>;
  /**
   * Whether the connection trusts `fingerprint256` at `hostKey` (host:port): a VM on a pool member is
   * served with that member's own certificate, trusted by the one the pool publishes. Without it, only
   * the pinned certificate is accepted.
   */
  verifyPeer?(connectionId: string, hostKey: string, fingerprint256: string): Promise<TrustAnswer>;
}

export function xapiConsoleOpener(port: ConsoleConnectionPort, timeoutMs?: number): OpenConsoleSocket {
  return async (connectionId: string, vmRef: string): Promise<Duplex> => {
    const consoles = (await port.call(connectionId, 'VM.get_consoles', [vmRef])) as string[];
    let location: string | undefined;
    for (const ref of consoles) {
      const record = (await port.call(connectionId, 'console.get_record', [ref])) as { protocol?: string; location?: string };
      if (record.protocol === 'rfb' && record.location) {
        location = record.location;
        break;
      }
    }
    // A halted VM has no console: XAPI destroys it with the domain.
    if (!location) throw new ConsoleConnectError('CONSOLE_NOT_FOUND', [vmRef], 'The VM has no graphical console (is it running?)');
    const endpoint = await port.endpoint(connectionId);
    let address = endpoint.address;
    if (/^[a-z]+:\/\/(\/|$)/i.test(location)) {
      // Empty hostname in console.location: use the resident host's address (xo-server proxy-console.mjs).
      const host = (await port.call(connectionId, 'VM.get_resident_on', [vmRef])) as string;
      const hostAddress = (await port.call(connectionId, 'host.get_address', [host])) as string;
      address = withPortOf(hostAddress, endpoint.address);
    }
    const check = port.verifyPeer?.bind(port);
    const verifyPeer = check && ((hostKey: string, fingerprint256: string) => check(connectionId, hostKey, fingerprint256));
    return connectXapiConsole({ location, sessionId: endpoint.sessionId, pinnedFingerprint256: endpoint.pinnedFingerprint256, connectionAddress: address, verifyPeer }, timeoutMs);
  };
}

/** `hostAddress` keeping the port of `connectionAddress` when it has none of its own. */
function withPortOf(hostAddress: string, connectionAddress: string): string {
  const conn = new URL(`https://${connectionAddress.replace(/^https?:\/\//, '').replace(/\/.*$/, '')}`);
  const host = new URL(`https://${hostAddress.includes(':') && !hostAddress.startsWith('[') && hostAddress.split(':').length > 2 ? `[${hostAddress}]` : hostAddress}`);
  return host.port || !conn.port ? host.host : `${host.host}:${conn.port}`;
}

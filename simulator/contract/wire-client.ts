/**
 * One way to call a simulated pool over either wire protocol, for tests that must hold on both: JSON-RPC
 * through the bare caller (json-rpc-client.ts), XML-RPC through Xen Orchestra's xen-api client (an
 * independent encoder). Failures come back as { code, params } either way.
 */
import { Xapi } from 'xen-api';
import { login, rpc, RpcFailure } from './json-rpc-client';
import type { Transport } from './harness';

export interface WireClient {
  transport: Transport;
  session: string;
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export interface Failure { code: string; params: string[] }

export async function wireClient(url: string, transport: Transport, password = 'xendeck'): Promise<WireClient> {
  if (transport === 'json-rpc') {
    const session = await login(url, password);
    return {
      transport, session,
      call: <T>(method: string, ...args: unknown[]) => rpc(url, method, session, ...args) as Promise<T>,
      close: async () => void (await rpc(url, 'session.logout', session)),
    };
  }
  const xapi = new Xapi({ url, auth: { user: 'root', password }, allowUnauthorized: true, transport: 'xml-rpc', watchEvents: false });
  await xapi.connect();
  return {
    transport, session: xapi.sessionId,
    call: <T>(method: string, ...args: unknown[]) => xapi.call(method, ...args) as Promise<T>,
    close: () => xapi.disconnect(),
  };
}

/** The XAPI failure a call ends with; a success is an error, and so is anything that is not an XAPI failure. */
export async function failureOf(p: Promise<unknown>): Promise<Failure> {
  let result: unknown;
  try {
    result = await p;
  } catch (e) {
    if (e instanceof RpcFailure) return { code: e.code, params: e.params };
    const err = e as { code?: unknown; params?: unknown };
    if (typeof err.code === 'string' && Array.isArray(err.params)) return { code: err.code, params: err.params.map(String) };
    throw e;
  }
  throw new Error(`call succeeded with ${JSON.stringify(result)}`);
}

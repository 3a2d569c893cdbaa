/** A bare JSON-RPC caller for tests that look at the wire itself (errors, envelopes), over plain HTTP. */
export class RpcFailure extends Error {
  constructor(readonly code: string, readonly params: string[]) {
    super(`${code}(${params.join(', ')})`);
  }
}

export async function rpc(baseUrl: string, method: string, ...params: unknown[]): Promise<unknown> {
  const res = await fetch(`${baseUrl}/jsonrpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string; data: string[] } };
  if (body.error) throw new RpcFailure(body.error.message, body.error.data);
  return body.result;
}

export async function login(baseUrl: string, password = 'xendeck'): Promise<string> {
  return (await rpc(baseUrl, 'session.login_with_password', 'root', password, '2.21', 'xendeck-tests')) as string;
}

/** The RpcFailure a call ends with; anything else it throws is thrown again, and a success is an error. */
export async function rpcFailure(p: Promise<unknown>): Promise<RpcFailure> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RpcFailure) return e;
    throw e;
  }
  throw new Error('call succeeded');
}

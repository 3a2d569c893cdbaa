/**
 * `host.migrate_receive` answers with the destination's migration token: the host, the master's address,
 * and a session it opened for the move (`session_id`, also in the `SM` and `xenops` URLs). That session is
 * a pool session of the destination, and the renderer never holds one (ARCHITECTURE, rule 1). So the token
 * stays here: the page gets a handle in its place (the host and master, which it may show, plus an opaque
 * id), and passes the handle back as the `dest` argument of `VM.assert_can_migrate` / `VM.migrate_send`
 * exactly where the token goes; the call leaves for the source pool with the real token in it.
 *
 * Tokens are kept for an hour (xapi's session lives longer; XenCenter and Xen Orchestra ask for a fresh one
 * per move anyway), and at most MAX_TOKENS of them.
 */
import { randomUUID } from 'node:crypto';
import { bridgeError } from '../../../shared/bridge';
import { plainMessageName } from '../../../shared/page-xapi-reach';

/** The key of the handle's id in what the page receives instead of the token. */
export const MIGRATION_TOKEN_HANDLE = 'xendeck_migration_token';

const TTL_MS = 60 * 60_000;
const MAX_TOKENS = 1024;

/** host.migrate_receive in any spelling xapi dispatches (Async., InternalAsync., host_migrate_receive, any case). */
export const isMigrateReceive = (method: string) => /^host[._]migrate_receive$/.test(plainMessageName(method));

export class MigrationTokens {
  private readonly tokens = new Map<string, { token: Record<string, string>; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The result the page gets for `method`: a handle for migrate_receive's token, anything else as is. */
  hide(method: string, result: unknown): unknown {
    if (!isMigrateReceive(method) || !isStringMap(result)) return result;
    this.prune();
    const id = randomUUID();
    this.tokens.set(id, { token: result, expires: this.now() + TTL_MS });
    const handle: Record<string, string> = { [MIGRATION_TOKEN_HANDLE]: id };
    // What is not a secret stays readable: which host receives, and its pool's master.
    if (typeof result.host === 'string') handle.host = result.host;
    if (typeof result.master === 'string') handle.master = result.master;
    return handle;
  }

  /** The call's parameters with each handle (a top-level argument) replaced by the token it stands for. */
  reveal(method: string, params: readonly unknown[]): unknown[] {
    return params.map((p) => {
      if (!isStringMap(p) || typeof p[MIGRATION_TOKEN_HANDLE] !== 'string') return p;
      const entry = this.tokens.get(p[MIGRATION_TOKEN_HANDLE]);
      if (!entry || entry.expires < this.now()) {
        throw bridgeError('MIGRATION_TOKEN_EXPIRED', [], 'The destination\u2019s migration token has expired: start the migration again.', method);
      }
      return entry.token;
    });
  }

  private prune(): void {
    const now = this.now();
    for (const [id, entry] of this.tokens) if (entry.expires < now) this.tokens.delete(id);
    // Oldest first (insertion order): a page asking for tokens in a loop cannot grow this without bound.
    while (this.tokens.size >= MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value!);
  }
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

/**
 * For the container tests: host.call_plugin over JSON-RPC as a client makes it, and a deliberately plain
 * reading of docker_ps (regular expressions over xscontainer's fixed layout) that does not share code with the
 * client's parser in shared/, so each checks the other.
 */
import { rpc, rpcFailure, type RpcFailure } from '../contract/json-rpc-client';
import type { TestSimulator } from '../contract/harness';

export type Outcome = { ok: true; result: string } | { ok: false; code: string; params: string[] };

export class PluginClient {
  constructor(readonly url: string, readonly session: string, readonly sim: TestSimulator) {}

  async hostRef(name: string): Promise<string> {
    return ((await rpc(this.url, 'host.get_by_name_label', this.session, name)) as string[])[0];
  }

  async vm(name: string): Promise<{ ref: string; uuid: string; host: string }> {
    const ref = ((await rpc(this.url, 'VM.get_by_name_label', this.session, name)) as string[])[0];
    const rec = (await rpc(this.url, 'VM.get_record', this.session, ref)) as Record<string, string>;
    return { ref, uuid: rec.uuid, host: rec.resident_on };
  }

  async otherConfig(vmRef: string): Promise<Record<string, string>> {
    return (await rpc(this.url, 'VM.get_other_config', this.session, vmRef)) as Record<string, string>;
  }

  /** host.call_plugin, letting simulated time run (Docker stops take seconds) until it answers. */
  async call(host: string, fn: string, args: Record<string, string>, plugin = 'xscontainer'): Promise<Outcome> {
    let settled = false;
    const p = rpc(this.url, 'host.call_plugin', this.session, host, plugin, fn, args).then(
      (r): Outcome => ({ ok: true, result: String(r) }),
      (e: RpcFailure): Outcome => ({ ok: false, code: e.code, params: e.params }),
    ).finally(() => (settled = true));
    for (let i = 0; i < 200 && !settled; i++) {
      await new Promise((r) => setTimeout(r, 5));
      if (!settled) await this.sim.clock.advance(250);
    }
    return p;
  }

  async failure(host: string, fn: string, args: Record<string, string>, plugin = 'xscontainer'): Promise<{ code: string; params: string[] }> {
    const o = await this.call(host, fn, args, plugin);
    if (o.ok) throw new Error(`${fn} succeeded: ${o.result.slice(0, 200)}`);
    return { code: o.code, params: o.params };
  }

  /** A VM call that takes simulated time (VM.start, VM.clean_shutdown…), run to completion. */
  async vmOp(method: string, ...args: unknown[]): Promise<void> {
    const task = (await rpc(this.url, `Async.${method}`, this.session, ...args)) as string;
    for (let i = 0; i < 100; i++) {
      await this.sim.clock.advance(500);
      const t = (await rpc(this.url, 'task.get_record', this.session, task)) as Record<string, unknown>;
      if (t.status === 'success') return;
      if (t.status !== 'pending') throw new Error(`${method}: ${JSON.stringify(t.error_info)}`);
    }
    throw new Error(`${method} did not finish`);
  }
}

export { rpc, rpcFailure };

/** name → status of every container in a docker_ps document. */
export function psStatuses(xml: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of (xml ?? '').split('<entry>').slice(1)) {
    const name = /<names>([^<]*)<\/names>/.exec(entry)?.[1];
    const status = /<status>([^<]*)<\/status>/.exec(entry)?.[1];
    if (name !== undefined) out[name] = status ?? '';
  }
  return out;
}

/** The first value of `tag` in an XML text (no nesting). */
export function xmlValue(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

/**
 * host.call_plugin(host, plugin, fn, args) and the plugins installed on hosts (/etc/xapi.d/plugins/ on a real
 * host). As xapi: the call is run on `host` (HOST_OFFLINE when it is down), a plugin that host does not have
 * is XENAPI_MISSING_PLUGIN [name], and the plugin's own outcome is the result or error (see xenapi-plugin.ts).
 * Plugins register with `sim.plugins.install({ name, installedOn, run })`.
 */
import type { PoolSim, SimHost } from '../core';
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import { XapiError } from '../xapi-error';
import { PluginExit, pluginExitError } from './xenapi-plugin';

/** What a plugin run knows: the call (session, pool) and the host it runs on. */
export interface PluginContext {
  call: CallContext;
  pool: PoolSim;
  /** The host whose dom0 runs the plugin (host.call_plugin's `host`). */
  host: SimHost;
}

export interface HostPlugin {
  name: string;
  /** Whether the host has the plugin (a supplemental pack may be installed on some pools only). */
  installedOn(host: SimHost): boolean;
  /** Runs function `fn`; returns the plugin's string result or throws XapiError / PluginExit. */
  run(ctx: PluginContext, fn: string, args: Record<string, string>): Promise<string>;
}

export class PluginRegistry {
  private plugins = new Map<string, HostPlugin>();

  install(plugin: HostPlugin): void {
    this.plugins.set(plugin.name, plugin);
  }

  get(name: string): HostPlugin | undefined {
    return this.plugins.get(name);
  }
}

/** host.call_plugin as xapi serves it, from any host of the pool (a plugin forwarding to another host uses this too). */
export async function callPlugin(call: CallContext, hostRef: string, plugin: string, fn: string, args: Record<string, string>): Promise<string> {
  const rec = call.db.get('host', hostRef);
  const host = call.pool.host(hostRef);
  const metrics = call.db.find('host_metrics', String(rec.metrics));
  if (!host || !host.alive || metrics?.live === false) throw new XapiError('HOST_OFFLINE', [hostRef]);
  const p = call.sim.plugins.get(plugin);
  if (!p || !p.installedOn(host)) throw new XapiError('XENAPI_MISSING_PLUGIN', [plugin]);
  try {
    return await p.run({ call, pool: call.pool, host }, fn, args);
  } catch (err) {
    if (err instanceof PluginExit) throw pluginExitError(err);
    throw err;
  }
}

export function installPluginApi(api: ApiRegistry): void {
  api.register('host.call_plugin', (call, host: string, plugin: string, fn: string, args: Record<string, string>) => callPlugin(call, host, plugin, fn, args));
}

/**
 * Demo controls: a demo stand fails and restarts hosts of the embedded demo pools from inside the app,
 * through the in-process simulator's fault API (demo-pools.ts), never its HTTP control endpoint. Only the
 * connections the backend made to its own demo pools are served, and only for hosts of that pool: a real
 * server's connection gets DEMO_ONLY, a host of another pool DEMO_HOST_UNKNOWN.
 */
import { bridgeError } from '../../shared/bridge';
import type { DemoHostState, DemoPool, DemoPools } from './demo-pools';

export type DemoHostAction = 'fail' | 'restart';

export class DemoControls {
  private readonly pools = new Map<string, DemoPool>();

  constructor(private readonly demo: DemoPools | undefined) {}

  /** The connection the backend opened to one of its demo pools. */
  register(connectionId: string, pool: DemoPool): void {
    this.pools.set(connectionId, pool);
  }

  /** The pool's hosts with whether each one runs now (a failed host keeps looking alive to XAPI until HA notices). */
  async hosts(connectionId: string): Promise<DemoHostState[]> {
    const { demo, pool } = this.demoPool(connectionId);
    const states = demo.hostStates();
    return pool.hosts.flatMap((h) => states.filter((s) => s.uuid === h.uuid));
  }

  async hostPower(connectionId: string, hostUuid: string, action: DemoHostAction): Promise<void> {
    const { demo, pool } = this.demoPool(connectionId);
    const host = pool.hosts.find((h) => h.uuid === hostUuid);
    if (!host) throw bridgeError('DEMO_HOST_UNKNOWN', [hostUuid, pool.label], `Host ${hostUuid} is not a host of the demo pool ${pool.label}`);
    try {
      await demo.hostPower(host.uuid, action);
    } catch (err) {
      throw bridgeError('DEMO_CONTROL_FAILED', [host.name, err instanceof Error ? err.message : String(err)], `The demo simulator could not ${action} ${host.name}`);
    }
  }

  private demoPool(connectionId: string): { demo: DemoPools; pool: DemoPool } {
    const pool = this.pools.get(connectionId);
    if (!pool || !this.demo) throw bridgeError('DEMO_ONLY', [connectionId], 'Demo controls work only on the embedded demo pools');
    return { demo: this.demo, pool };
  }
}

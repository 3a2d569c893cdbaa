/**
 * What a client of one pool knows from events alone: a full load through event.from with an empty token,
 * then every later batch applied (add/mod replace, del removes). Tests compare it with a fresh
 * get_all_records to prove that the event stream told the whole truth.
 */
import { rpc } from './json-rpc-client';

interface EventRecord { class: string; operation: 'add' | 'mod' | 'del'; ref: string; snapshot: Record<string, unknown> }
interface Batch { events: EventRecord[]; token: string }

/** The classes a migration touches, in both pools. */
export const MIGRATION_CLASSES = ['VM', 'VM_metrics', 'VM_guest_metrics', 'VBD', 'VDI', 'VIF', 'SR', 'PBD', 'host', 'host_metrics', 'console', 'message', 'network', 'PIF', 'pool', 'task'];

export class EventMirror {
  private readonly objects = new Map<string, Map<string, Record<string, unknown>>>();
  private token = '';

  private constructor(private readonly url: string, private readonly session: string) {}

  static async start(url: string, session: string): Promise<EventMirror> {
    const m = new EventMirror(url, session);
    await m.sync();
    return m;
  }

  /** Applies batches until the pool has nothing newer. */
  async sync(): Promise<void> {
    for (;;) {
      const b = (await rpc(this.url, 'event.from', this.session, ['*'], this.token, 0.05)) as Batch;
      this.token = b.token;
      if (!b.events.length) return;
      for (const e of b.events) {
        const cls = e.class.toLowerCase();
        let table = this.objects.get(cls);
        if (!table) this.objects.set(cls, (table = new Map()));
        if (e.operation === 'del') table.delete(e.ref);
        else table.set(e.ref, e.snapshot);
      }
    }
  }

  records(cls: string): Record<string, Record<string, unknown>> {
    return Object.fromEntries(this.objects.get(cls.toLowerCase()) ?? []);
  }

  /** For each class, [what events said, what get_all_records says now]. */
  async compare(classes: string[] = MIGRATION_CLASSES): Promise<{ cls: string; mirrored: unknown; fresh: unknown }[]> {
    await this.sync();
    const out = [];
    for (const cls of classes) out.push({ cls, mirrored: this.records(cls), fresh: await rpc(this.url, `${cls}.get_all_records`, this.session) });
    return out;
  }
}

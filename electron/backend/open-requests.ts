/**
 * Requests from the operating system to open something (shared/open-request.ts), kept until the page takes
 * them: the first launch's link arrives before any page exists, and a second launch's while the page may be
 * reloading. Each request is given out once; an event tells a page already running to come and take it.
 */
import type { OpenRequest } from '../../shared/open-request';
import type { EmitEvent } from './ports';

/** Enough for any burst of double-clicks; beyond it the oldest are dropped rather than held forever. */
const MAX_PENDING = 32;

export class OpenRequestQueue {
  private pending: OpenRequest[] = [];
  private emit: EmitEvent | undefined;

  /** Where `app.openRequest` goes once the backend runs; requests queued before then wait for the page. */
  connect(emit: EmitEvent): void {
    this.emit = emit;
    if (this.pending.length) emit('app.openRequest', { pending: this.pending.length });
  }

  push(request: OpenRequest): void {
    this.pending.push(request);
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
    this.emit?.('app.openRequest', { pending: this.pending.length });
  }

  take(): OpenRequest[] {
    const all = this.pending;
    this.pending = [];
    return all;
  }
}

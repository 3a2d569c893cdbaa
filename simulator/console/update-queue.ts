/**
 * What one RFB client has not been sent yet.
 *
 * The queue is always "copies, then dirty rectangles": a client that applies the copies
 * (CopyRect) in order and then receives the current pixels of every dirty rectangle ends up with
 * the current screen. Invariant: after the copies, the client's picture is wrong only inside the
 * dirty rectangles.
 */
import type { Damage, Rect } from './framebuffer';

export interface PendingCopy {
  srcX: number;
  srcY: number;
  rect: Rect;
}

/** Beyond this many separate dirty rectangles, send their bounding box instead. */
const MAX_DIRTY_RECTS = 32;
/** Beyond this many pending copies, resend pixels instead. */
const MAX_COPIES = 16;

export class UpdateQueue {
  private copies: PendingCopy[] = [];
  private dirty: Rect[] = [];

  add(damage: Damage): void {
    if (damage.kind === 'dirty') {
      this.addDirty(damage.rect);
      return;
    }
    if (this.copies.length >= MAX_COPIES) {
      // A burst of scrolling: one picture of the result is cheaper than replaying every step.
      for (const c of this.copies.splice(0)) this.addDirty(c.rect);
      this.addDirty(damage.rect);
      return;
    }
    // The client's picture is stale inside the pending dirty rectangles; where those lie in the
    // copy's source, the stale pixels travel with the copy, so their destination becomes dirty too.
    const dx = damage.rect.x - damage.srcX;
    const dy = damage.rect.y - damage.srcY;
    const src = { x: damage.srcX, y: damage.srcY, w: damage.rect.w, h: damage.rect.h };
    const moved = this.dirty.map((d) => intersect(d, src)).filter((r): r is Rect => r !== undefined);
    this.copies.push({ srcX: damage.srcX, srcY: damage.srcY, rect: damage.rect });
    for (const r of moved) this.addDirty({ x: r.x + dx, y: r.y + dy, w: r.w, h: r.h });
  }

  addDirty(rect: Rect): void {
    for (let i = 0; i < this.dirty.length; i++) {
      const d = this.dirty[i];
      if (contains(d, rect)) return;
      if (contains(rect, d) || touches(d, rect)) {
        this.dirty.splice(i, 1);
        this.addDirty(union(d, rect));
        return;
      }
    }
    this.dirty.push(rect);
    if (this.dirty.length > MAX_DIRTY_RECTS) this.dirty = [this.dirty.reduce(union)];
  }

  get empty(): boolean {
    return this.copies.length === 0 && this.dirty.length === 0;
  }

  /** Everything pending, in the order to send it; the queue is empty afterwards. */
  take(): { copies: PendingCopy[]; dirty: Rect[] } {
    const taken = { copies: this.copies, dirty: this.dirty };
    this.copies = [];
    this.dirty = [];
    return taken;
  }
}

function contains(outer: Rect, inner: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
}

/** Overlapping or edge-adjacent rectangles in the same row band merge cheaply (typing on one line). */
function touches(a: Rect, b: Rect): boolean {
  const overlapX = a.x <= b.x + b.w && b.x <= a.x + a.w;
  const overlapY = a.y <= b.y + b.h && b.y <= a.y + a.h;
  if (!overlapX || !overlapY) return false;
  return (a.y === b.y && a.h === b.h) || (a.x === b.x && a.w === b.w) || (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h);
}

function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

function intersect(a: Rect, b: Rect): Rect | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const w = Math.min(a.x + a.w, b.x + b.w) - x;
  const h = Math.min(a.y + a.h, b.y + b.h) - y;
  return w > 0 && h > 0 ? { x, y, w, h } : undefined;
}

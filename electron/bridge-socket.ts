/**
 * One page's end of the browser-mode Bridge (web-host.ts accepts the socket): request frames in, response and
 * event frames out (shared/bridge-wire.ts), with a fixed bound on what the host queues for a page that does
 * not read.
 *
 * The bound. Events are written only while the page's send queue (the socket's `bufferedAmount`) stays under
 * PAGE_SEND_LIMIT (8 MiB) with the frame added; replies to requests the page made may use PAGE_REPLY_ALLOWANCE
 * (1 MiB) more. A frame is also written onto an empty queue whatever its size (a page must be able to
 * receive one large reply), so at most 9 MiB plus one frame is ever queued per page. Mirror batches are cut at
 * about 1 MB (mirror-batcher.ts), so with events alone that is about 10 MiB.
 *
 * While the queue is over the limit the page is *behind*:
 * - events are not serialised or queued: mirror batches are dropped and the pool is marked for a resync, the
 *   latest connection list, each pending certificate prompt and each chart's latest data are kept (one of
 *   each, by reference: they are shared with the other pages);
 * - new requests are refused at once with BRIDGE_PAGE_BEHIND; a reply to a request made before that which does
 *   not fit is replaced by the same error (params `reply-dropped`: the request itself ran);
 * - over the limit and the allowance together, the host stops reading the page's socket (TCP pushes back on
 *   the page), as it does while MAX_REQUESTS_IN_FLIGHT of its requests are running.
 * When the queue has drained to a quarter of the limit the page has caught up: it gets what was kept, then a
 * `mirror.resync` naming the pools whose batches it missed (it loads those again with `mirror.snapshot`, see
 * renderer/store/sync.ts, and retries a load it was refused). Everything kept is released when the socket
 * closes, with the page's caller (what it started ends).
 */
import type { WebSocket } from 'ws';
import type { BridgeEvents, BridgeErrorShape, EventName } from '../shared/bridge';
import { bridgeError } from '../shared/bridge';
import type { BridgeReply, RequestFrame, ServerFrame } from '../shared/bridge-wire';
import { toBridgeError } from '../shared/bridge-wire';
import { guardWebSocket, runGuarded } from '../shared/listener-guard';
import { stringifyWithRawRecords } from '../shared/api-client/raw-record';
import type { BridgeHost } from './backend/bridge-host';

/** Events queue for a page only while its send queue stays under this. */
export const PAGE_SEND_LIMIT = 8 * 1024 * 1024;
/** Replies to the page's own requests may take the queue this far above PAGE_SEND_LIMIT. */
export const PAGE_REPLY_ALLOWANCE = 1024 * 1024;
/** A page behind has caught up when its queue is down to this. */
const CATCH_UP_AT = PAGE_SEND_LIMIT / 4;
/** Requests of one page running at once; beyond, its socket is not read until one ends. */
export const MAX_REQUESTS_IN_FLIGHT = 256;

type EventPayload = BridgeEvents[EventName];

/** What a page behind did not get, to give it when it catches up. */
interface Missed {
  mirrors: Set<string>;
  connections?: BridgeEvents['connections.changed'];
  prompts: Map<string, BridgeEvents['connections.certificatePrompt']>;
  metrics: Map<string, BridgeEvents['metrics.update']>;
}

const refusedWhileBehind = (): BridgeErrorShape =>
  toBridgeError(bridgeError('BRIDGE_PAGE_BEHIND', ['refused'], 'The page is not reading what XenDeck sends: requests are refused until it catches up'));
const droppedWhileBehind = (): BridgeErrorShape =>
  toBridgeError(bridgeError('BRIDGE_PAGE_BEHIND', ['reply-dropped'], 'The page is not reading what XenDeck sends: this reply was dropped (the request itself ran)'));

export function attachBridgeSocket(ws: WebSocket, backend: BridgeHost, log?: (line: string) => void): void {
  guardWebSocket(ws);
  const caller = backend.openCaller();
  let behind = false;
  let missed: Missed = { mirrors: new Set(), prompts: new Map(), metrics: new Map() };
  let inFlight = 0;
  const pausedFor = new Set<'queue' | 'requests'>();

  const pause = (why: 'queue' | 'requests') => {
    pausedFor.add(why);
    if (!ws.isPaused) ws.pause();
  };
  const unpause = (why: 'queue' | 'requests') => {
    if (pausedFor.delete(why) && pausedFor.size === 0) ws.resume();
  };
  const open = () => ws.readyState === ws.OPEN;

  const write = (text: string) => {
    ws.send(text, afterWrite);
    const queued = ws.bufferedAmount;
    if (queued > PAGE_SEND_LIMIT) behind = true;
    if (queued > PAGE_SEND_LIMIT + PAGE_REPLY_ALLOWANCE) pause('queue');
  };
  // A frame went out to the kernel: the queue shrank.
  function afterWrite(): void {
    if (behind && open() && ws.bufferedAmount <= CATCH_UP_AT) catchUp();
  }

  const remember = (event: EventName, payload: EventPayload) => {
    behind = true;
    if (event === 'mirror.batch') missed.mirrors.add((payload as BridgeEvents['mirror.batch']).connectionId);
    else if (event === 'connections.changed') missed.connections = payload as BridgeEvents['connections.changed'];
    else if (event === 'connections.certificatePrompt') {
      const prompt = payload as BridgeEvents['connections.certificatePrompt'];
      missed.prompts.set(prompt.id, prompt);
    } else if (event === 'metrics.update') {
      const update = payload as BridgeEvents['metrics.update'];
      missed.metrics.set(update.subscriptionId, update);
    } else if (event === 'mirror.resync') {
      // The page fell behind again while catching up: the next catch-up names these pools too.
      for (const id of (payload as BridgeEvents['mirror.resync']).connectionIds) missed.mirrors.add(id);
    }
  };

  const sendEvent = (event: EventName, payload: EventPayload) => {
    if (!open()) return;
    if (behind) return remember(event, payload);
    let text: string;
    try {
      // The mirror's records go out as the JSON text they were loaded as (see raw-record.ts).
      text = stringifyWithRawRecords({ type: 'event', event, payload } as ServerFrame);
    } catch (err) {
      log?.(`an event ${event} could not be serialised for a page: ${err instanceof Error ? err.message : String(err)}`);
      // The page cannot apply what follows this batch without it: it loads the pool again instead.
      if (event === 'mirror.batch') sendEvent('mirror.resync', { connectionIds: [(payload as BridgeEvents['mirror.batch']).connectionId] });
      return;
    }
    const queued = ws.bufferedAmount;
    if (queued > 0 && queued + text.length > PAGE_SEND_LIMIT) return remember(event, payload);
    write(text);
  };

  function catchUp(): void {
    behind = false;
    const was = missed;
    missed = { mirrors: new Set(), prompts: new Map(), metrics: new Map() };
    unpause('queue');
    if (was.connections) sendEvent('connections.changed', was.connections);
    for (const prompt of was.prompts.values()) sendEvent('connections.certificatePrompt', prompt);
    for (const update of was.metrics.values()) sendEvent('metrics.update', update);
    // Always, even with no pool named: the page retries what it was refused meanwhile.
    sendEvent('mirror.resync', { connectionIds: [...was.mirrors] });
  }

  const reply = (id: number, outcome: BridgeReply) => {
    if (!open()) return;
    let text: string;
    try {
      text = stringifyWithRawRecords({ type: 'response', id, ...outcome } as ServerFrame);
    } catch (err) {
      text = JSON.stringify({ type: 'response', id, ok: false, error: toBridgeError(err) } satisfies ServerFrame);
    }
    const queued = ws.bufferedAmount;
    if (queued > 0 && queued + text.length > PAGE_SEND_LIMIT + PAGE_REPLY_ALLOWANCE) {
      behind = true;
      text = JSON.stringify({ type: 'response', id, ok: false, error: droppedWhileBehind() } satisfies ServerFrame);
    }
    write(text);
  };

  const onRequest = (frame: RequestFrame) => {
    if (behind) return reply(frame.id, { ok: false, error: refusedWhileBehind() });
    if (++inFlight >= MAX_REQUESTS_IN_FLIGHT) pause('requests');
    const done = (outcome: BridgeReply) => {
      if (--inFlight < MAX_REQUESTS_IN_FLIGHT) unpause('requests');
      reply(frame.id, outcome);
    };
    backend.request(frame.name, frame.args, caller).then(
      (result) => done({ ok: true, result: result ?? null }),
      (err: unknown) => done({ ok: false, error: toBridgeError(err) }),
    );
  };

  const unsubscribe = backend.subscribe(sendEvent);
  ws.on('close', () => {
    unsubscribe();
    caller.end();
    missed = { mirrors: new Set(), prompts: new Map(), metrics: new Map() };
  });
  ws.on('message', (data, isBinary) => {
    runGuarded(
      () => {
        const frame = isBinary ? undefined : parseRequestFrame(String(data));
        if (!frame) ws.close(1003, 'Expected a JSON request frame');
        else onRequest(frame);
      },
      (err) => {
        log?.(`a page's request frame failed: ${err instanceof Error ? err.message : String(err)}`);
        ws.close(1011, 'Internal error');
      },
    );
  });
}

function parseRequestFrame(text: string): RequestFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const f = value as Partial<RequestFrame> | null;
  if (!f || typeof f !== 'object' || f.type !== 'request' || !Number.isSafeInteger(f.id) || typeof f.name !== 'string') return undefined;
  return { type: 'request', id: f.id as number, name: f.name, args: f.args };
}

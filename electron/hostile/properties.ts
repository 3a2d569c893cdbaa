/**
 * The two properties every listener of the hostile-input suite is held to, over real sockets:
 *
 * - `everyRequestAnswered`: a hostile HTTP request (hostile-requests.ts) gets a reply or a clean close, never a
 *   hang; one with an odd target gets a 400 (431 for an oversized head); and a normal request made right after it
 *   (on the same connection when the listener kept it open) still succeeds.
 * - `framesHandledAsTheRfcSays`: hostile WebSocket frames (hostile-frames.ts) get exactly the outcome the oracle
 *   computes (the right close code, or nothing), and a normal exchange right after (on the same socket if it
 *   stayed open, else on a new one) still succeeds.
 *
 * Each generated run holds several cases, run one after the other on kept-alive connections, so ten thousand
 * cases take seconds; the count actually run is returned for the test to check.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { describeFrames, expectedOutcome, hostileFrame, type MessageVerdict } from './hostile-frames';
import { hostileRequest, REFUSED_STATUSES, type ListenerShape } from './hostile-requests';
import { RawHttpConnection } from './raw-http';
import { OPCODE, type FrameSpec, type RawWebSocket } from './raw-ws';

export interface RequestPropertyOptions {
  port: number;
  shape: ListenerShape;
  /** A normal request on `conn` that must succeed (it asserts itself). */
  normal: (conn: RawHttpConnection) => Promise<void>;
  cases: number;
  perRun?: number;
  /** Checked after every case besides the normal request (e.g. that nothing changed). */
  after?: () => void;
}

export async function everyRequestAnswered(options: RequestPropertyOptions): Promise<number> {
  const perRun = options.perRun ?? 20;
  const conn = new RawHttpConnection(options.port);
  let ran = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileRequest(options.shape), { minLength: perRun, maxLength: perRun }), async (requests) => {
        for (const r of requests) {
          const outcome = await conn.exchange(r.bytes, { head: r.head });
          ran++;
          // A listener that switched protocols owns the socket now; this client does not speak WebSocket here.
          if (outcome.status === 101) conn.detach()?.destroy();
          // The listener may find a broken body only after it answered: the connection is not to be trusted further.
          if (r.brokenBody) conn.close();
          // A broken body found while the reply is being prepared ends the connection without one.
          if (!r.brokenBody) expect(outcome.status, `a reply to ${r.label}`).toBeGreaterThanOrEqual(100);
          if (r.oddTarget) expect(REFUSED_STATUSES, `status ${outcome.status} for the odd target of ${r.label}`).toContain(outcome.status);
          options.after?.();
          await options.normal(conn).catch((err: Error) => {
            throw new Error(`after ${r.label} (answered ${outcome.status}${outcome.closed ? ', closed' : ''}): ${err.message}`);
          });
        }
      }),
      { numRuns: Math.ceil(options.cases / perRun), endOnFailure: true },
    );
  } finally {
    conn.close();
  }
  return ran;
}

export interface FramePropertyOptions {
  /** Opens a new, accepted WebSocket on the listener. */
  open: () => Promise<RawWebSocket>;
  maxPayload: number;
  /** The listener's own messages, sometimes sent as text frames. */
  appText: fc.Arbitrary<string>;
  /** The listener's verdict on a complete, well-formed message (see expectedOutcome). */
  onMessage: (opcode: number, payload: Buffer) => MessageVerdict;
  /** A normal exchange on an open socket that must succeed (it asserts itself). */
  normal: (ws: RawWebSocket) => Promise<void>;
  cases: number;
  perRun?: number;
}

export async function framesHandledAsTheRfcSays(options: FramePropertyOptions): Promise<number> {
  const perRun = options.perRun ?? 10;
  let ws: RawWebSocket | undefined;
  let ran = 0;
  const fresh = async () => {
    if (!ws || ws.isClosed || ws.closeCode !== undefined || ws.socket.destroyed) {
      ws?.destroy();
      ws = await options.open();
    }
    return ws;
  };
  const caseArb = fc.array(hostileFrame(options.appText, options.maxPayload), { minLength: 1, maxLength: 3 });
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: perRun, maxLength: perRun }), async (cases: FrameSpec[][]) => {
        for (const frames of cases) {
          const socket = await fresh();
          const expected = expectedOutcome(frames, options.maxPayload, options.onMessage);
          for (const f of frames) socket.sendFrame(f);
          ran++;
          const what = describeFrames(frames);
          if ('any' in expected) {
            socket.destroy();
            await options.normal(await fresh()).catch((err: Error) => {
              throw new Error(`on a new socket after ${what}: ${err.message}`);
            });
            continue;
          }
          if ('open' in expected && !expected.fragmented) {
            // Still open: the normal exchange works on the same socket.
            await options.normal(socket).catch((err: Error) => {
              throw new Error(`after ${what}, which must leave the socket open: ${err.message}`);
            });
            continue;
          }
          // A message left unfinished: a new data frame breaks the protocol (RFC 6455 5.4).
          if ('open' in expected) socket.sendFrame({ opcode: OPCODE.text, payload: Buffer.from('{}') });
          const code = 'open' in expected ? 1002 : 'close' in expected ? expected.close : expected.echo;
          expect(await socket.closedWith(), `close code after ${what}`).toBe(code);
          await options.normal(await fresh()).catch((err: Error) => {
            throw new Error(`on a new socket after ${what}: ${err.message}`);
          });
        }
      }),
      { numRuns: Math.ceil(options.cases / perRun), endOnFailure: true },
    );
  } finally {
    ws?.destroy();
  }
  return ran;
}

export type Violation = [what: string, send: (ws: RawWebSocket) => void, closeCode: number];

/**
 * Each violation on a new socket must close it with its code, while `bystander`, an open socket of another
 * page or viewer, goes on: `stillWorks` is checked on it after each one (and it is closed at the end).
 */
export async function violatorsClosed(open: () => Promise<RawWebSocket>, bystander: RawWebSocket, violations: Violation[], stillWorks: (bystander: RawWebSocket) => Promise<void>): Promise<void> {
  try {
    for (const [what, send, code] of violations) {
      const ws = await open();
      send(ws);
      expect(await ws.closedWith(), what).toBe(code);
      await stillWorks(bystander);
    }
  } finally {
    bystander.destroy();
  }
}

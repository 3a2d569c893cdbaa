/**
 * Generators (fast-check) of WebSocket frames a hostile or broken client sends, and the oracle of what a server
 * must do with them: RFC 6455 as the `ws` library applies it (close 1002 for a protocol error: reserved bits or
 * opcodes, an unmasked client frame, a fragmented or oversized control frame, a continuation out of place, a
 * bad close code; 1007 for text that is not UTF-8; 1009 for a message over the server's `maxPayload`), then what
 * the listener itself does with a complete message (`onMessage`). A server that answers otherwise, hangs or
 * throws fails the property.
 */
import fc from 'fast-check';
import { closePayload, OPCODE, type FrameSpec } from './raw-ws';

export type FrameOutcome =
  /** The server must close with this code. */
  | { close: number }
  /** The client closed: the server must answer with the same code (1005: a close frame without one). */
  | { echo: number }
  /** The connection must stay open; `fragmented` when a message was started and not finished. */
  | { open: true; fragmented: boolean }
  /** The listener took a whole message its own way (open or closed): only the WebSocket rules are checked. */
  | { any: true };

const utf8 = new TextDecoder('utf-8', { fatal: true });
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function validCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/**
 * What the server must do with `frames`, sent in order on a fresh connection. `onMessage` is the listener's own
 * verdict on a complete, well-formed message: a close code, undefined to stay open, or 'any' when the message's
 * effect is the application's business (an RFB server ending a session on bytes it cannot take).
 */
export type MessageVerdict = number | undefined | 'any';

export function expectedOutcome(frames: FrameSpec[], maxPayload: number, onMessage: (opcode: number, payload: Buffer) => MessageVerdict): FrameOutcome {
  let fragmented = 0;
  let total = 0;
  let parts: Buffer[] = [];
  for (const f of frames) {
    const payload = Buffer.from(f.payload ?? new Uint8Array());
    const declared = f.declaredLength ?? payload.length;
    const length7 = declared < 126 ? declared : declared < 0x10000 ? 126 : 127;
    const fin = f.fin ?? true;
    let opcode = f.opcode;
    if ((f.rsv ?? 0) !== 0) return { close: 1002 };
    if (opcode === OPCODE.continuation) {
      if (!fragmented) return { close: 1002 };
      opcode = fragmented;
    } else if (opcode === OPCODE.text || opcode === OPCODE.binary) {
      if (fragmented) return { close: 1002 };
    } else if (opcode >= OPCODE.close && opcode <= OPCODE.pong) {
      if (!fin || length7 > 125 || (opcode === OPCODE.close && length7 === 1)) return { close: 1002 };
    } else return { close: 1002 };
    if (!fin && !fragmented) fragmented = opcode;
    if (!(f.masked ?? true)) return { close: 1002 };
    if (declared > Number.MAX_SAFE_INTEGER) return { close: 1009 };
    if (declared && opcode < OPCODE.close) {
      total += declared;
      if (total > maxPayload) return { close: 1009 };
    }
    if (opcode === OPCODE.close) {
      if (payload.length === 0) return { echo: 1005 };
      const code = payload.readUInt16BE(0);
      if (!validCloseCode(code)) return { close: 1002 };
      if (!isUtf8(payload.subarray(2))) return { close: 1007 };
      return { echo: code };
    }
    if (opcode >= OPCODE.close) continue; // ping, pong
    parts.push(payload);
    if (!fin) continue;
    const message = Buffer.concat(parts);
    parts = [];
    total = 0;
    fragmented = 0;
    if (opcode === OPCODE.text && !isUtf8(message)) return { close: 1007 };
    const verdict = onMessage(opcode, message);
    if (verdict === 'any') return { any: true };
    if (verdict !== undefined) return { close: verdict };
  }
  return { open: true, fragmented: fragmented !== 0 };
}

const invalidUtf8 = fc.constantFrom(
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate
  Buffer.from([0xff]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
  Buffer.from([0xe2, 0x82]), // truncated
  Buffer.from([0xc0, 0xaf]), // overlong '/'
);

/** Payloads of data frames: `appText` gives the listener's own messages (request frames…), the rest is noise. */
function dataPayload(appText: fc.Arbitrary<string>): fc.Arbitrary<Uint8Array> {
  // Mostly the listener's own messages: noise ends most connections at the application's level, and every
  // new connection costs a handshake the frame rules do not need.
  return fc.oneof(
    { weight: 8, arbitrary: appText.map((t) => Buffer.from(t)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }).map((t) => Buffer.from(t)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 20 }), invalidUtf8, fc.string({ maxLength: 20 })).map(([a, bad, b]) => Buffer.concat([Buffer.from(a), bad, Buffer.from(b)])) },
  );
}

const closeFramePayload = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc.constant(Buffer.from([3])),
  fc.tuple(fc.oneof(fc.constantFrom(1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 3000, 4000, 4999), fc.integer({ min: 0, max: 0xffff })), fc.oneof(fc.string({ maxLength: 30 }).map((s) => Buffer.from(s)), invalidUtf8)).map(([code, reason]) =>
    Buffer.concat([closePayload(code), reason]).subarray(0, 125),
  ),
);

/** One frame, most of them legal, the rest breaking one rule or another. */
export function hostileFrame(appText: fc.Arbitrary<string>, maxPayload: number): fc.Arbitrary<FrameSpec> {
  const data = fc.record({
    opcode: fc.constantFrom(OPCODE.text, OPCODE.text, OPCODE.text, OPCODE.binary, OPCODE.continuation),
    fin: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    payload: dataPayload(appText),
  });
  const control = fc.oneof(
    fc.record({ opcode: fc.constant<number>(OPCODE.ping), payload: fc.uint8Array({ maxLength: 125 }) }),
    fc.record({ opcode: fc.constant<number>(OPCODE.pong), payload: fc.uint8Array({ maxLength: 125 }) }),
    fc.record({ opcode: fc.constant<number>(OPCODE.close), payload: closeFramePayload }),
  );
  const broken = fc.oneof(
    fc.record({ opcode: fc.constantFrom(3, 4, 5, 6, 7, 11, 12, 13, 14, 15), payload: fc.uint8Array({ maxLength: 20 }) }),
    fc.record({ opcode: fc.constantFrom<number>(OPCODE.text, OPCODE.binary, OPCODE.ping), rsv: fc.integer({ min: 1, max: 7 }), payload: fc.uint8Array({ maxLength: 20 }) }),
    fc.record({ opcode: fc.constantFrom<number>(OPCODE.text, OPCODE.binary, OPCODE.ping), masked: fc.constant(false), payload: fc.uint8Array({ maxLength: 20 }) }),
    fc.record({ opcode: fc.constantFrom<number>(OPCODE.ping, OPCODE.pong, OPCODE.close), payload: fc.uint8Array({ minLength: 126, maxLength: 300 }) }),
    fc.record({ opcode: fc.constantFrom<number>(OPCODE.ping, OPCODE.close), fin: fc.constant(false), payload: fc.uint8Array({ maxLength: 20 }) }),
    // A length over the limit (the payload itself is not sent: the server must close on reading the header).
    fc.record({
      opcode: fc.constantFrom<number>(OPCODE.text, OPCODE.binary),
      payload: fc.constant(new Uint8Array()),
      declaredLength: fc.oneof(fc.integer({ min: maxPayload + 1, max: maxPayload * 64 }), fc.constantFrom(2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 62)),
    }),
  );
  return fc.oneof({ weight: 10, arbitrary: data }, { weight: 3, arbitrary: control }, { weight: 3, arbitrary: broken });
}

export function describeFrames(frames: FrameSpec[]): string {
  return frames
    .map((f) => `{op ${f.opcode}${f.fin === false ? ' nofin' : ''}${f.rsv ? ` rsv ${f.rsv}` : ''}${f.masked === false ? ' unmasked' : ''}${f.declaredLength !== undefined ? ` len ${f.declaredLength}` : ''} ${JSON.stringify(Buffer.from(f.payload ?? []).toString('latin1').slice(0, 60))}}`)
    .join(' ');
}

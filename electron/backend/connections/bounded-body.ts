/**
 * A response body collected up to a limit: past it (announced by Content-Length, or counted as the bytes
 * come) `onTooLarge` runs once, the bytes held so far are let go and nothing more is kept. Used by every
 * client that reads a server's answer (XAPI calls, host HTTP), so a server streaming without end costs at
 * most `limit` bytes, never the process.
 */
import type { IncomingMessage } from 'node:http';

export interface BoundedBody {
  /** The bytes received, as one buffer (the body is let go here: call it once, at 'end'). */
  take(): Buffer;
}

export function collectBoundedBody(res: IncomingMessage, limit: number, onTooLarge: () => void): BoundedBody {
  let chunks: Buffer[] = [];
  let received = 0;
  let over = Number(res.headers['content-length']) > limit;
  if (over) onTooLarge();
  else {
    res.on('data', (chunk: Buffer) => {
      if (over) return;
      received += chunk.length;
      if (received > limit) {
        over = true;
        chunks = []; // let the bytes go now, not when the socket is collected
        onTooLarge();
        return;
      }
      chunks.push(chunk);
    });
  }
  return {
    take() {
      const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      chunks = [];
      return bytes;
    },
  };
}

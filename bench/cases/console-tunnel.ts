/**
 * Bench case `console`: what the console tunnel (loopback WebSocket → main process → host socket)
 * costs compared with a direct loopback connection to the same server, in the same run.
 *
 * - Latency: a 64-byte message echoed back, 2000 round trips, median of each path; the figure is
 *   the difference (target ≤ 1 ms).
 * - Throughput: the server streams 64 MiB in 64 KiB writes (a busy console's framebuffer updates);
 *   the figure is tunnel bytes/s over direct bytes/s (target ≥ 0.9).
 *
 * For scale, the same run measures a bare TCP pipe relay (socket.pipe in the worker): the floor
 * any relay pays on the machine, since relaying doubles the copies through the kernel.
 *
 * The tunnel runs in a worker thread (console-tunnel-worker.ts), as it runs in the main process
 * apart from the viewer. Its host side is a plain TCP connection here (as in the Xtigervnc test);
 * production adds TLS to the host, which a direct connection would pay as well.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { BenchFigures } from './index';

const ROUND_TRIPS = 2000;
const WARMUP = 200;
const STREAM_BYTES = 64 * 1024 * 1024;
const CHUNK = 64 * 1024;
const ORIGIN = 'http://127.0.0.1';

/** First byte 'E': echo everything; 'S': stream STREAM_BYTES and close. */
async function startServer(): Promise<{ server: Server; port: number }> {
  const chunk = Buffer.alloc(CHUNK, 0x5a);
  const server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    socket.once('data', (first: Buffer) => {
      if (first[0] === 0x45) {
        if (first.length > 1) socket.write(first.subarray(1));
        socket.on('data', (d) => socket.write(d));
      } else {
        let sent = 0;
        const pump = () => {
          while (sent < STREAM_BYTES) {
            sent += CHUNK;
            if (!socket.write(chunk)) {
              socket.once('drain', pump);
              return;
            }
          }
          socket.end();
        };
        pump();
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

interface Pipe {
  send(data: Buffer): void;
  onData(fn: (d: Buffer) => void): void;
  onClose(fn: () => void): void;
  close(): void;
}

function directPipe(port: number): Promise<Pipe> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.setNoDelay(true);
      resolve({ send: (d) => s.write(d), onData: (fn) => s.on('data', fn), onClose: (fn) => s.on('close', fn), close: () => s.destroy() });
    });
  });
}

/**
 * A WebSocket client reduced to the wire: handshake, masked binary frames out, frame payloads in.
 * The viewer's own decoding cost is not the tunnel's, so the bench client does no more than this.
 */
async function tunnelPipe(tunnel: Worker): Promise<Pipe> {
  const url = new URL(await request<{ url: string }>(tunnel, 'open').then((r) => r.url));
  const socket = await new Promise<Socket>((resolve) => {
    const s = connect(Number(url.port), '127.0.0.1', () => resolve(s));
  });
  socket.setNoDelay(true);
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\nOrigin: ${ORIGIN}\r\n\r\n`,
  );
  let buf = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (!buf.subarray(0, 12).toString().includes('101')) reject(new Error(buf.toString()));
      buf = buf.subarray(end + 4);
      resolve();
    };
    socket.on('data', onData);
  });
  const listeners: ((d: Buffer) => void)[] = [];
  // Frame parser state: bytes of payload still expected in the current frame, or header bytes.
  let pending: Buffer = buf;
  let payloadLeft = 0;
  const feed = (d: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, d]) : d;
    while (pending.length) {
      if (payloadLeft > 0) {
        const take = Math.min(payloadLeft, pending.length);
        const part = pending.subarray(0, take);
        payloadLeft -= take;
        pending = pending.subarray(take);
        for (const l of listeners) l(part);
        continue;
      }
      if (pending.length < 2) return;
      let len = pending[1] & 0x7f;
      let head = 2;
      if (len === 126) {
        if (pending.length < 4) return;
        len = pending.readUInt16BE(2);
        head = 4;
      } else if (len === 127) {
        if (pending.length < 10) return;
        len = Number(pending.readBigUInt64BE(2));
        head = 10;
      }
      const opcode = pending[0] & 0x0f;
      pending = pending.subarray(head);
      payloadLeft = opcode === 0x8 ? 0 : len; // a close frame ends the stream
      if (opcode === 0x8) {
        socket.destroy();
        return;
      }
    }
  };
  socket.on('data', feed);
  return {
    send: (d) => {
      const mask = randomBytes(4);
      const head = d.length < 126 ? Buffer.from([0x82, 0x80 | d.length]) : Buffer.from([0x82, 0x80 | 126, d.length >> 8, d.length & 0xff]);
      const body = Buffer.from(d);
      for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
      socket.write(Buffer.concat([head, mask, body]));
    },
    onData: (fn) => listeners.push(fn),
    onClose: (fn) => socket.on('close', fn),
    close: () => socket.destroy(),
  };
}

function request<T>(worker: Worker, message: string): Promise<T> {
  return new Promise((resolve) => {
    worker.once('message', (m: T) => resolve(m));
    worker.postMessage(message);
  });
}

async function medianRoundTrip(pipe: Pipe): Promise<number> {
  const payload = Buffer.alloc(64, 0x61);
  let waiting: (() => void) | undefined;
  let received = 0;
  pipe.onData((d) => {
    received += d.length;
    if (received >= payload.length && waiting) {
      received -= payload.length;
      const w = waiting;
      waiting = undefined;
      w();
    }
  });
  pipe.send(Buffer.from('E'));
  const times: number[] = [];
  for (let i = 0; i < WARMUP + ROUND_TRIPS; i++) {
    const start = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      waiting = resolve;
      pipe.send(payload);
    });
    if (i >= WARMUP) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  pipe.close();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function streamRate(pipe: Pipe): Promise<number> {
  let received = 0;
  const start = process.hrtime.bigint();
  const done = new Promise<void>((resolve) => {
    pipe.onData((d) => {
      received += d.length;
      if (received >= STREAM_BYTES) resolve();
    });
    pipe.onClose(() => resolve());
  });
  pipe.send(Buffer.from('S'));
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  pipe.close();
  if (received < STREAM_BYTES) throw new Error(`stream stopped after ${received} bytes`);
  return received / seconds;
}

export async function consoleTunnelBench(): Promise<BenchFigures> {
  const { server, port } = await startServer();
  // The worker loads its TypeScript through tsx's API (workers do not inherit tsx's loader).
  const workerUrl = new URL('./console-tunnel-worker.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const tunnel = new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => m.tsImport(${JSON.stringify(workerUrl)}, ${JSON.stringify(import.meta.url)}))`, {
    eval: true,
    workerData: { upstreamPort: port, origin: ORIGIN },
  });
  const { plainRelayPort } = await new Promise<{ plainRelayPort: number }>((resolve, reject) => {
    tunnel.once('message', resolve);
    tunnel.once('error', reject);
  });
  try {
    // Alternate the paths so background load on the machine hits both alike.
    const direct: number[] = [];
    const tunnelled: number[] = [];
    const directRates: number[] = [];
    const tunnelRates: number[] = [];
    const relayRates: number[] = [];
    for (let round = 0; round < 3; round++) {
      direct.push(await medianRoundTrip(await directPipe(port)));
      tunnelled.push(await medianRoundTrip(await tunnelPipe(tunnel)));
      directRates.push(await streamRate(await directPipe(port)));
      tunnelRates.push(await streamRate(await tunnelPipe(tunnel)));
      relayRates.push(await streamRate(await directPipe(plainRelayPort)));
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const directMs = med(direct);
    const tunnelMs = med(tunnelled);
    const directRate = med(directRates);
    const tunnelRate = med(tunnelRates);
    const relayRate = med(relayRates);
    return {
      'direct.latency_median_ms': { value: directMs, unit: 'ms' },
      'tunnel.latency_median_ms': { value: tunnelMs, unit: 'ms' },
      'tunnel.added_latency_median_ms': { value: tunnelMs - directMs, unit: 'ms' },
      'direct.throughput_mib_s': { value: directRate / 1048576, unit: 'MiB/s' },
      'tunnel.throughput_mib_s': { value: tunnelRate / 1048576, unit: 'MiB/s' },
      'tunnel.throughput_ratio': { value: tunnelRate / directRate, unit: 'ratio' },
      'plain_relay.throughput_ratio': { value: relayRate / directRate, unit: 'ratio' },
      'tunnel.throughput_vs_plain_relay': { value: tunnelRate / relayRate, unit: 'ratio' },
      // A full 1024×768 32-bit frame is 3 MiB: how many the tunnel can carry per second.
      'tunnel.full_frames_per_s_1024x768': { value: tunnelRate / (1024 * 768 * 4), unit: 'frames/s' },
    };
  } finally {
    tunnel.postMessage('stop');
    await new Promise<void>((resolve) => tunnel.once('exit', () => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

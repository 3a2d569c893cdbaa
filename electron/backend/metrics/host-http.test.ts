/** Host HTTP answers are bounded: a host that streams more than the limit gets REPLY_TOO_LARGE, and its socket is closed. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_MAX_HOST_BODY_BYTES, HostHttp } from './host-http';

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('bytes'));
    const announce = req.url?.includes('announce');
    res.writeHead(200, { 'Content-Type': 'text/xml', ...(announce ? { 'Content-Length': String(size) } : {}) });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let left = size;
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    res.once('close', () => { left = 0; });
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

it('takes an answer up to the limit and refuses one past it, streamed or announced', async () => {
  const client = new HostHttp({ maxBodyBytes: 1024 * 1024 });
  try {
    expect((await client.get(`${base}/rrd_updates?bytes=${1024 * 1024}`, '', 5_000)).length).toBe(1024 * 1024);
    await expect(client.get(`${base}/rrd_updates?bytes=${8 * 1024 * 1024}`, '', 5_000)).rejects.toMatchObject({ code: 'REPLY_TOO_LARGE', message: expect.stringMatching(/larger than the 1 MB limit/) });
    await expect(client.get(`${base}/rrd_updates?announce&bytes=${2 * 1024 * 1024}`, '', 5_000)).rejects.toMatchObject({ code: 'REPLY_TOO_LARGE' });
  } finally {
    client.destroy();
  }
  expect(DEFAULT_MAX_HOST_BODY_BYTES).toBe(64 * 1024 * 1024);
});

/**
 * Runs the console tunnel in its own thread for the `console` bench, as it runs in the main
 * process while the viewer runs in the renderer: the relay's cost is not added to the client's.
 * Also runs a bare TCP pipe relay, the floor any relay pays. Messages: out {ready, plainRelayPort};
 * in 'open' → out {url}; in 'stop'.
 */
import { connect, createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { ConsoleTunnelService } from '../../electron/backend/console-tunnel/console-tunnel';

const { upstreamPort, origin } = workerData as { upstreamPort: number; origin: string };
const tunnel = new ConsoleTunnelService({
  openConsoleSocket: () =>
    new Promise<Duplex>((resolve, reject) => {
      const s = connect(upstreamPort, '127.0.0.1', () => {
        s.setNoDelay(true);
        resolve(s);
      });
      s.once('error', reject);
    }),
  isOriginAllowed: (o) => o === origin,
});
await tunnel.start();
// The floor any relay pays on this machine: a bare socket-to-socket pipe in the same thread.
const plainRelay = createServer((client) => {
  const upstream = connect(upstreamPort, '127.0.0.1');
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  upstream.pipe(client);
  client.pipe(upstream);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
await new Promise<void>((resolve) => plainRelay.listen(0, '127.0.0.1', resolve));
parentPort!.on('message', async (msg: string) => {
  if (msg === 'open') parentPort!.postMessage({ url: (await tunnel.open('bench', 'OpaqueRef:bench')).url });
  else if (msg === 'stop') {
    await tunnel.stop();
    plainRelay.close();
    parentPort!.close();
  }
});
parentPort!.postMessage({ ready: true, plainRelayPort: (plainRelay.address() as { port: number }).port });

/**
 * Runs the console tunnel in its own thread for the `console` bench, as it runs in the main
 * process while the viewer runs in the renderer: the relay's cost is not added to the client's.
 * Messages: in {upstreamPort}, out {port}; in 'open' → out {url}.
 */
import { connect } from 'node:net';
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
parentPort!.on('message', async (msg: string) => {
  if (msg === 'open') parentPort!.postMessage({ url: (await tunnel.open('bench', 'OpaqueRef:bench')).url });
  else if (msg === 'stop') {
    await tunnel.stop();
    parentPort!.close();
  }
});
parentPort!.postMessage({ ready: true });

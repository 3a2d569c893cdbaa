/**
 * The renderer's entry: picks the Bridge (IPC in Electron, the WebSocket in browser mode), then mounts
 * <App/> inside the top-level error boundary. A page without a Bridge (browser mode opened without its
 * token) gets a page saying what to do instead of a blank window.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { BridgeUnavailableError, createBridge, type Bridge } from './bridge';
import { BridgeProvider } from './bridge-context';
import { AppMark } from './components/Icon';
import { ErrorBoundary } from './components/ErrorBoundary';
import './styles/base.css';

function BridgeUnavailablePage({ message }: { message: string }) {
  return (
    <main className="fatal-page" role="alert">
      <h1>
        <AppMark size={28} /> XenDeck cannot reach its host
      </h1>
      <p>{message}</p>
      <p className="muted">
        Start browser mode with <code>npm run start:browser</code> and open the address it prints, or start the desktop app with <code>npm start</code>.
      </p>
    </main>
  );
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const root = createRoot(container);

let bridge: Bridge | undefined;
let problem: string | undefined;
try {
  bridge = createBridge();
} catch (err) {
  // Anything else is a bug and should surface as one; a missing bridge is a user-fixable situation.
  if (!(err instanceof BridgeUnavailableError)) throw err;
  problem = err.message;
}

root.render(
  <StrictMode>
    {bridge ? (
      <ErrorBoundary region="XenDeck">
        <BridgeProvider bridge={bridge}>
          <App />
        </BridgeProvider>
      </ErrorBoundary>
    ) : (
      <BridgeUnavailablePage message={problem ?? 'No bridge to the XenDeck host.'} />
    )}
  </StrictMode>,
);

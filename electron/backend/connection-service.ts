/**
 * Builds the connection service for the composition root. TEMPORARY until
 * electron/backend/connections/connection-manager.ts lands: then this returns `new ConnectionManager(deps)`.
 */
import { bridgeError } from '../../shared/bridge';
import type { ConnectionService, ConnectionServiceDeps } from './app-backend';

export function createConnectionService(_deps: ConnectionServiceDeps): ConnectionService {
  const missing = async (): Promise<never> => {
    throw bridgeError('NOT_IMPLEMENTED', ['ConnectionManager'], 'The connection manager is not wired yet');
  };
  return {
    init: async () => undefined,
    list: () => [],
    add: missing,
    connect: missing,
    disconnect: missing,
    forget: missing,
    setHidden: missing,
    answerCertificate: missing,
    addDemo: async () => undefined,
    snapshot: missing,
    call: missing,
    callAsync: missing,
    endpoint: missing,
    dispose: () => undefined,
  };
}

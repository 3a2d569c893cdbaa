/** Builds the connection service for the composition root: the ConnectionManager (one XAPI client per pool). */
import type { ConnectionService, ConnectionServiceDeps } from './app-backend';
import { ConnectionManager } from './connections/connection-manager';

export function createConnectionService(deps: ConnectionServiceDeps): ConnectionService {
  return new ConnectionManager(deps);
}

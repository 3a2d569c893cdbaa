/** A connection's state in words, as the tree, the General tab and the status strip show it. */
import type { ConnectionInfo, ConnectionStatus } from '../../../shared/bridge';

export function statusText(status: ConnectionStatus): string {
  switch (status.state) {
    case 'connected':
      return 'Connected';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return `Reconnecting (attempt ${status.attempt})`;
    case 'disconnected':
      return status.error ? `Disconnected: ${status.error.code}` : 'Disconnected';
  }
}

export function statusTone(status: ConnectionStatus): 'normal' | 'muted' | 'warning' {
  if (status.state === 'connected') return 'normal';
  if (status.state === 'disconnected' && !status.error) return 'muted';
  return status.state === 'connecting' ? 'muted' : 'warning';
}

/** Name shown for a connection: its label (the pool's name once known), else the address. */
export function connectionName(c: ConnectionInfo): string {
  return c.label || c.address;
}

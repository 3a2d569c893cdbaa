/** Makes the Bridge available to components: `const bridge = useBridge()`. */
import { createContext, useContext, type ReactNode } from 'react';
import type { Bridge } from '../shared/bridge';

const BridgeContext = createContext<Bridge | undefined>(undefined);

export function BridgeProvider({ bridge, children }: { bridge: Bridge; children: ReactNode }) {
  return <BridgeContext.Provider value={bridge}>{children}</BridgeContext.Provider>;
}

export function useBridge(): Bridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge() outside <BridgeProvider>');
  return bridge;
}

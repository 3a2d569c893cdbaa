/**
 * The page the console e2e spec drives: the real <ConsoleTab> with a Bridge that forwards to the
 * harness host over HTTP, and the VM facts polled from it the way the mirror would deliver them.
 * Stand-in for the app shell until the main window mounts the Console tab itself.
 */
import { useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { Bridge, RequestArgs, RequestName, RequestResult } from '../shared/bridge';
import { ConsoleTab } from '../renderer/views/console';

interface VmFacts {
  ref: string;
  name: string;
  powerState: string;
  consoleLocation?: string;
}

const bridge: Pick<Bridge, 'request'> = {
  async request<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<RequestResult<N>> {
    const res = await fetch(`/bridge/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(args ?? null) });
    const body = (await res.json()) as { result?: RequestResult<N>; error?: { code: string; params: string[]; message: string } };
    if (body.error) throw Object.assign(new Error(body.error.message), body.error);
    return body.result as RequestResult<N>;
  },
};

function Harness({ vmName }: { vmName: string }) {
  const [vm, setVm] = useState<VmFacts>();
  useEffect(() => {
    let stop = false;
    const poll = async () => {
      if (stop) return;
      const facts = (await (await fetch(`/vm?name=${encodeURIComponent(vmName)}`)).json()) as VmFacts;
      setVm((old) => (old && JSON.stringify(old) === JSON.stringify(facts) ? old : facts));
      setTimeout(poll, 250);
    };
    void poll();
    return () => {
      stop = true;
    };
  }, [vmName]);
  const actions = useMemo(
    () => ({
      reboot: () => vm && bridge.request('xapi.callAsync', { connectionId: 'demo', method: 'VM.clean_reboot', params: [vm.ref] }),
      shutdown: () => vm && bridge.request('xapi.callAsync', { connectionId: 'demo', method: 'VM.clean_shutdown', params: [vm.ref] }),
    }),
    [vm],
  );
  if (!vm) return <p>Loading…</p>;
  return (
    <main style={{ height: '100vh', display: 'flex', flexDirection: 'column', margin: 0 }}>
      <div role="toolbar" aria-label="VM" style={{ padding: 4 }}>
        <strong>{vm.name}</strong> <span data-testid="power-state">{vm.powerState}</span>{' '}
        <code data-testid="console-location" style={{ fontSize: 11 }}>
          {vm.consoleLocation ?? 'no console'}
        </code>{' '}
        <button type="button" onClick={actions.reboot}>
          Reboot
        </button>
        <button type="button" onClick={actions.shutdown}>
          Shut down
        </button>
      </div>
      <div style={{ flex: 1, minHeight: 0 }}>
        <ConsoleTab bridge={bridge} connectionId="demo" vmRef={vm.ref} vmName={vm.name} powerState={vm.powerState} consoleLocation={vm.consoleLocation} />
      </div>
    </main>
  );
}

const vmName = new URLSearchParams(location.search).get('vm') ?? 'web-01';
createRoot(document.getElementById('root')!).render(<Harness vmName={vmName} />);

/** Mounts the Console tab (renderer/views/console/) for a VM, or for a host's control domain, with its facts from the mirror. */
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { useBridge } from '../../bridge-context';
import { useClassMap, useRecord } from '../../store/hooks';
import { isNullRef } from '../../store/object-id';
import { ConsoleTab } from '../console';
import type { XapiObjectTabProps } from '../object-tabs';

function VmConsole({ connectionId, vmRef, vm }: { connectionId: string; vmRef: string; vm: VMRecord }) {
  const bridge = useBridge();
  const consoles = useClassMap(connectionId, 'console');
  const rfb = vm.consoles.map((c) => consoles.get(c)).find((c) => c?.protocol === 'rfb');
  return (
    <ConsoleTab
      key={vmRef}
      bridge={bridge}
      connectionId={connectionId}
      vmRef={vmRef}
      vmName={vm.name_label}
      powerState={vm.power_state}
      consoleLocation={rfb?.location}
      isControlDomain={vm.is_control_domain}
    />
  );
}

export default function ConsoleObjectTab({ target }: XapiObjectTabProps) {
  const host = useRecord(target.connectionId, 'host', target.cls === 'host' ? target.ref : undefined);
  const vmRef = target.cls === 'host' ? (host && !isNullRef(host.control_domain) ? host.control_domain : undefined) : target.ref;
  const vm = useRecord(target.connectionId, 'VM', vmRef);
  if (!vm || !vmRef) return <p className="muted">No console is available for this object.</p>;
  return <VmConsole connectionId={target.connectionId} vmRef={vmRef} vm={vm} />;
}

/** A selected container and its VM, from the mirror (re-rendered when the VM's record changes). */
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { useRecord } from '../../store/hooks';
import type { ContainerTarget } from '../../store/object-id';
import { vmDockerPs, type DockerContainer } from './vm-containers';

export function useContainer(target: ContainerTarget): { vm: VMRecord | undefined; container: DockerContainer | undefined } {
  const vm = useRecord(target.connectionId, 'VM', target.vmRef);
  // Parsed once per docker_ps text: the same container object while the VM's list is unchanged.
  const ps = vm ? vmDockerPs(vm) : undefined;
  return { vm, container: ps?.kind === 'listed' ? ps.byId.get(target.containerId) : undefined };
}

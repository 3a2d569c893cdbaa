/**
 * One-to-many relations xapi keeps in step by itself: setting VBD.VM adds the VBD to VM.VBDs, and so on
 * (xapi's datamodel declares these as `relations` in ocaml/idl/datamodel.ml; the generated model does not carry them).
 */
export interface Relation {
  /** Class holding the ref field. */
  child: string;
  childField: string;
  /** Class holding the set of refs. */
  parent: string;
  parentField: string;
}

const r = (child: string, childField: string, parent: string, parentField: string): Relation => ({ child, childField, parent, parentField });

export const relations: Relation[] = [
  r('VBD', 'VM', 'VM', 'VBDs'),
  r('VBD', 'VDI', 'VDI', 'VBDs'),
  r('VIF', 'VM', 'VM', 'VIFs'),
  r('VIF', 'network', 'network', 'VIFs'),
  r('console', 'VM', 'VM', 'consoles'),
  r('VM', 'resident_on', 'host', 'resident_VMs'),
  r('VM', 'snapshot_of', 'VM', 'snapshots'),
  r('VM', 'parent', 'VM', 'children'),
  r('VM', 'snapshot_schedule', 'VMSS', 'VMs'),
  r('VM', 'protection_policy', 'VMPP', 'VMs'),
  r('VM', 'appliance', 'VM_appliance', 'VMs'),
  r('VDI', 'SR', 'SR', 'VDIs'),
  r('VDI', 'snapshot_of', 'VDI', 'snapshots'),
  r('PBD', 'host', 'host', 'PBDs'),
  r('PBD', 'SR', 'SR', 'PBDs'),
  r('PIF', 'host', 'host', 'PIFs'),
  r('PIF', 'network', 'network', 'PIFs'),
  r('PIF', 'bond_slave_of', 'Bond', 'slaves'),
  r('Bond', 'master', 'PIF', 'bond_master_of'),
  r('VLAN', 'tagged_PIF', 'PIF', 'VLAN_slave_of'),
  r('host_cpu', 'host', 'host', 'host_CPUs'),
  r('host_crashdump', 'host', 'host', 'crashdumps'),
  r('host_patch', 'host', 'host', 'patches'),
  r('task', 'subtask_of', 'task', 'subtasks'),
  r('crashdump', 'VM', 'VM', 'crash_dumps'),
  r('VTPM', 'VM', 'VM', 'VTPMs'),
  r('VUSB', 'VM', 'VM', 'VUSBs'),
  r('VGPU', 'VM', 'VM', 'VGPUs'),
];

export const relationsByChild = new Map<string, Relation[]>();
for (const rel of relations) {
  const list = relationsByChild.get(rel.child) ?? [];
  list.push(rel);
  relationsByChild.set(rel.child, list);
}

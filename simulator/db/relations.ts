/**
 * One-to-many relations xapi keeps in step by itself: setting VBD.VM adds the VBD to VM.VBDs, and so on
 * (xapi's datamodel declares these as `all_relations` in ocaml/idl/datamodel.ml; the generated model does not carry them).
 * These are its one-to-many relations between classes of our datamodel, but for Certificate.host (host.certificates
 * is kept by scenarios/host-certificates.ts); xapi does not store the set side, it rebuilds it from the ref side
 * when it loads a database (Db_cache_types.Database.reindex), and so does the dump loader.
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
  r('tunnel', 'access_PIF', 'PIF', 'tunnel_access_PIF_of'),
  r('tunnel', 'transport_PIF', 'PIF', 'tunnel_transport_PIF_of'),
  r('crashdump', 'VDI', 'VDI', 'crash_dumps'),
  r('Cluster_host', 'cluster', 'Cluster', 'cluster_hosts'),
  r('host_patch', 'pool_patch', 'pool_patch', 'host_patches'),
  r('PGPU', 'GPU_group', 'GPU_group', 'PGPUs'),
  r('PGPU', 'host', 'host', 'PGPUs'),
  r('VGPU', 'GPU_group', 'GPU_group', 'VGPUs'),
  r('VGPU', 'type', 'VGPU_type', 'VGPUs'),
  r('VGPU', 'resident_on', 'PGPU', 'resident_VGPUs'),
  r('PCI', 'host', 'host', 'PCIs'),
  r('VDI', 'metadata_of_pool', 'pool', 'metadata_VDIs'),
  r('SR', 'introduced_by', 'DR_task', 'introduced_SRs'),
  r('PVS_server', 'site', 'PVS_site', 'servers'),
  r('PVS_proxy', 'site', 'PVS_site', 'proxies'),
  r('PVS_cache_storage', 'site', 'PVS_site', 'cache_storage'),
  r('PUSB', 'host', 'host', 'PUSBs'),
  r('PUSB', 'USB_group', 'USB_group', 'PUSBs'),
  r('VUSB', 'USB_group', 'USB_group', 'VUSBs'),
  r('Feature', 'host', 'host', 'features'),
  r('network_sriov', 'physical_PIF', 'PIF', 'sriov_physical_PIF_of'),
  r('network_sriov', 'logical_PIF', 'PIF', 'sriov_logical_PIF_of'),
];

export const relationsByChild = new Map<string, Relation[]>();
for (const rel of relations) {
  const list = relationsByChild.get(rel.child) ?? [];
  list.push(rel);
  relationsByChild.set(rel.child, list);
}

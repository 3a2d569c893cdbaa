/**
 * Agility (xapi agility.ml): a VM HA can restart anywhere. Its disks sit on SRs plugged on every enabled
 * host, its VIFs on networks every enabled host reaches through a PIF that is not a bond slave, and it has
 * no vGPU, VUSB or SR-IOV VIF. A CD drive with a disc counts like a disk, so an ISO on a local library
 * makes the VM non-agile.
 */
import type { ObjectDb, XRecord } from '../db/object-db';
import { XapiError } from '../xapi-error';

const refsOf = (rec: XRecord, field: string) => (rec[field] as string[] | undefined) ?? [];

function enabledHosts(db: ObjectDb): string[] {
  return db.refs('host').filter((h) => db.get('host', h).enabled);
}

/** Shared, and every enabled host has a plugged PBD to it. */
export function isSrProperlyShared(db: ObjectDb, srRef: string): boolean {
  const sr = db.find('SR', srRef);
  if (!sr?.shared) return false;
  const plugged = new Set(refsOf(sr, 'PBDs').map((p) => db.find('PBD', p)).filter((p) => p?.currently_attached).map((p) => String(p!.host)));
  return enabledHosts(db).every((h) => plugged.has(h));
}

function networkPifs(db: ObjectDb, netRef: string): XRecord[] {
  return refsOf(db.get('network', netRef), 'PIFs').map((p) => db.find('PIF', p)).filter((p): p is XRecord => !!p);
}

/** Every enabled host has a PIF on the network that is not a bond slave. */
export function isNetworkProperlyShared(db: ObjectDb, netRef: string): boolean {
  if (!db.has('network', netRef)) return false;
  const hosts = new Set(networkPifs(db, netRef).filter((p) => !db.has('Bond', String(p.bond_slave_of))).map((p) => String(p.host)));
  return enabledHosts(db).every((h) => hosts.has(h));
}

function isSriovNetwork(db: ObjectDb, netRef: string): boolean {
  return networkPifs(db, netRef).some((p) => refsOf(p, 'sriov_logical_PIF_of').length > 0);
}

/** Throws what xapi's VM.assert_agile throws: VM_HAS_VGPU, VM_HAS_VUSBS, HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED, …NETWORK_NOT_SHARED, VM_HAS_SRIOV_VIF. */
export function assertAgile(db: ObjectDb, vmRef: string, vm: XRecord = db.get('VM', vmRef)): void {
  if (refsOf(vm, 'VGPUs').length) throw new XapiError('VM_HAS_VGPU', [vmRef]);
  if (refsOf(vm, 'VUSBs').length) throw new XapiError('VM_HAS_VUSBS', [vmRef]);
  for (const vbdRef of refsOf(vm, 'VBDs')) {
    const vbd = db.find('VBD', vbdRef);
    if (!vbd || vbd.empty) continue;
    const sr = String(db.find('VDI', String(vbd.VDI))?.SR);
    if (!isSrProperlyShared(db, sr)) throw new XapiError('HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED', [sr]);
  }
  for (const vifRef of refsOf(vm, 'VIFs')) {
    const net = String(db.find('VIF', vifRef)?.network);
    if (!isNetworkProperlyShared(db, net)) throw new XapiError('HA_CONSTRAINT_VIOLATION_NETWORK_NOT_SHARED', [net]);
    if (isSriovNetwork(db, net)) throw new XapiError('VM_HAS_SRIOV_VIF', [vmRef]);
  }
}

export function isAgile(db: ObjectDb, vmRef: string, vm?: XRecord): boolean {
  try {
    assertAgile(db, vmRef, vm);
    return true;
  } catch {
    return false;
  }
}

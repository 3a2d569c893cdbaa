/**
 * xapi's database garbage collector (ocaml/xapi/db_gc_util.ml), which runs within a minute of xapi starting:
 * objects that connect two others are deleted when either end is gone (a VBD whose VM is gone, a PBD whose SR
 * is gone…), as are objects of a host that is not in the pool and metrics no host uses. A CD drive whose disc is
 * gone stays, empty. Run on the staged database, so every deletion is in the report with its reason.
 */
import { NULL_REF } from '../db/object-db';
import type { Staging } from './staging';

/** Connector class → ref fields that must name an object of the given class. Order: VDIs before what uses them. */
const CONNECTORS: [cls: string, ends: [field: string, of: string][]][] = [
  ['VDI', [['SR', 'SR']]],
  ['PBD', [['host', 'host'], ['SR', 'SR']]],
  ['crashdump', [['VM', 'VM'], ['VDI', 'VDI']]],
  ['VIF', [['VM', 'VM'], ['network', 'network']]],
  ['console', [['VM', 'VM']]],
  ['VTPM', [['VM', 'VM']]],
  ['VGPU', [['VM', 'VM']]],
  ['VUSB', [['VM', 'VM']]],
  ['host_cpu', [['host', 'host']]],
  ['host_crashdump', [['host', 'host']]],
  ['host_patch', [['host', 'host'], ['pool_patch', 'pool_patch']]],
  ['PCI', [['host', 'host']]],
  ['PGPU', [['host', 'host']]],
  ['PUSB', [['host', 'host']]],
  ['Feature', [['host', 'host']]],
  ['Cluster_host', [['host', 'host'], ['cluster', 'Cluster']]],
];

const GC = "xapi's database GC deletes it";

export function collectGarbage(stage: Staging): void {
  const gone = (cls: string, ref: unknown) => !stage.has(cls, ref);
  // VBDs first among connectors that have a special case: a CD drive keeps its place, empty.
  for (const [ref, vbd] of stage.all('VBD')) {
    if (gone('VM', vbd.VM)) {
      stage.destroy('VBD', ref, `its VM ${vbd.VM} is not in the database; ${GC}`);
      continue;
    }
    if (!vbd.empty && gone('VDI', vbd.VDI)) {
      if (vbd.type === 'CD') stage.set('VBD', ref, { VDI: NULL_REF, empty: true }, { kind: 'repaired', field: 'VDI', reason: `its disc ${vbd.VDI} is not in the database: the drive is kept, empty (xapi's database GC)` });
      else stage.destroy('VBD', ref, `its VDI ${vbd.VDI} is not in the database; ${GC}`);
    }
  }
  for (const [cls, ends] of CONNECTORS) {
    for (const [ref, rec] of stage.all(cls)) {
      const missing = ends.find(([field, of]) => gone(of, rec[field]));
      if (missing) stage.destroy(cls, ref, `its ${missing[0]} ${rec[missing[0]]} is not in the database; ${GC}`);
    }
  }
  for (const [ref, pif] of stage.all('PIF')) {
    const missing = gone('host', pif.host) ? 'host' : gone('network', pif.network) ? 'network' : undefined;
    if (!missing) continue;
    // With the PIF go what it is the master of (its VLAN, bond, tunnels) and its own metrics.
    stage.destroy('PIF', ref, `its ${missing} ${pif[missing]} is not in the database; ${GC}`);
    if (stage.has('VLAN', pif.VLAN_master_of)) stage.destroy('VLAN', String(pif.VLAN_master_of), `its PIF ${ref} was deleted; ${GC}`);
    for (const bond of pif.bond_master_of as string[]) if (stage.has('Bond', bond)) stage.destroy('Bond', bond, `its master PIF ${ref} was deleted; ${GC}`);
    for (const tunnel of pif.tunnel_access_PIF_of as string[]) if (stage.has('tunnel', tunnel)) stage.destroy('tunnel', tunnel, `its PIF ${ref} was deleted; ${GC}`);
    if (pif.VLAN_master_of === NULL_REF && !(pif.tunnel_access_PIF_of as string[]).length && stage.has('PIF_metrics', pif.metrics)) stage.destroy('PIF_metrics', String(pif.metrics), `its PIF ${ref} was deleted; ${GC}`);
  }
  const used = new Set(stage.all('host').map(([, h]) => String(h.metrics)));
  for (const [ref] of stage.all('host_metrics')) if (!used.has(ref)) stage.destroy('host_metrics', ref, `no host uses these metrics; ${GC}`);
}

/**
 * Networks for a migration, as XenCenter's wizard offers them: the VM's interfaces that need a network in
 * the destination pool (its own, and its snapshots' whose MAC it does not have), the destination networks a
 * receiving host can reach (not bond members, not hidden), and the networks that can carry the migration
 * itself (an IP address on every host of the destination pool).
 */
import type { NetworkRecord, VIFRecord } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store';
import { isNullRef } from '../../store';
import { objectLabels } from '../../store/object-labels';

type Mirror = Pick<ConnectionMirror, 'objects'>;

export interface MigrationVif {
  vm: string;
  vif: string;
  record: VIFRecord;
  /** Only a snapshot of the VM has this interface (XenCenter maps those too, by MAC). */
  snapshotOnly: boolean;
}

/** The VM's interfaces, then those of its snapshots whose MAC the VM has not (XenCenter's rows, CA-359124). */
export function migrationVifs(mirror: Mirror, vmRef: string): MigrationVif[] {
  const o = mirror.objects;
  const vm = o.VM?.get(vmRef);
  if (!vm) return [];
  const own = vm.VIFs.map((ref) => [ref, o.VIF?.get(ref)] as const).filter((x): x is readonly [string, VIFRecord] => Boolean(x[1]));
  const macs = new Set(own.map(([, v]) => v.MAC.toLowerCase()));
  const out: MigrationVif[] = own.sort((a, b) => Number(a[1].device) - Number(b[1].device)).map(([vif, record]) => ({ vm: vmRef, vif, record, snapshotOnly: false }));
  for (const snapshot of vm.snapshots) {
    for (const ref of o.VM?.get(snapshot)?.VIFs ?? []) {
      const record = o.VIF?.get(ref);
      if (!record || macs.has(record.MAC.toLowerCase())) continue;
      macs.add(record.MAC.toLowerCase());
      out.push({ vm: vmRef, vif: ref, record, snapshotOnly: true });
    }
  }
  return out;
}

/** A network made only of bond members' PIFs (XenCenter's IsMember): VMs use the bond's network instead. */
function isBondMember(mirror: Mirror, network: NetworkRecord): boolean {
  const pifs = network.PIFs.map((p) => mirror.objects.PIF?.get(p)).filter((p) => p !== undefined);
  return pifs.length > 0 && pifs.every((p) => !isNullRef(p.bond_slave_of));
}

/** The host has a PIF on the network, or the network has none (a private network reaches every host). */
export function hostSeesNetwork(mirror: Mirror, network: NetworkRecord, host: string | undefined): boolean {
  if (network.PIFs.length === 0 || host === undefined) return true;
  return network.PIFs.some((p) => mirror.objects.PIF?.get(p)?.host === host);
}

export interface NetworkChoice {
  ref: string;
  label: string;
  name: string;
}

const hidden = (n: NetworkRecord) => n.other_config?.HideFromXenCenter === 'true' || n.other_config?.is_guest_installer_network === 'true' || n.other_config?.is_host_internal_management_network === 'true';

/** Destination networks for VM interfaces on `host`: shown, not bond members, reachable from the host. */
export function targetNetworks(target: Mirror, host: string | undefined): NetworkChoice[] {
  const labels = objectLabels(target, 'network');
  const out: NetworkChoice[] = [];
  for (const [ref, network] of target.objects.network ?? []) {
    if (hidden(network) || isBondMember(target, network) || !hostSeesNetwork(target, network, host)) continue;
    out.push({ ref, label: labels.get(ref) ?? network.name_label, name: network.name_label });
  }
  return out.sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));
}

/** XenCenter's default for an interface: the destination network of the same name, else the first. */
export function defaultNetwork(source: Mirror, vif: VIFRecord, choices: readonly NetworkChoice[]): string | undefined {
  const name = source.objects.network?.get(vif.network)?.name_label;
  return (choices.find((c) => c.name === name) ?? choices[0])?.ref;
}

const hasIp = (pif: { ip_configuration_mode: string; IP: string; IPv6?: string[] }) => (pif.ip_configuration_mode !== 'None' && pif.IP !== '') || (pif.IPv6 ?? []).some(Boolean);

/** The management network of a host (its PIF with `management`), where migrate_receive listens by default. */
export function managementNetwork(target: Mirror, host: string): string | undefined {
  for (const pif of target.objects.PIF?.values() ?? []) if (pif.host === host && pif.management) return pif.network;
  return undefined;
}

export interface TransferNetworkChoice extends NetworkChoice {
  management: boolean;
}

/**
 * Networks that can carry a migration into the destination pool: every host of the pool has a plugged PIF
 * with an IP address on it (else migrate_receive fails there with PIF_HAS_NO_NETWORK_CONFIGURATION).
 */
export function transferNetworks(target: Mirror): TransferNetworkChoice[] {
  const labels = objectLabels(target, 'network');
  const hosts = [...(target.objects.host?.keys() ?? [])];
  const out: TransferNetworkChoice[] = [];
  for (const [ref, network] of target.objects.network ?? []) {
    const pifs = network.PIFs.map((p) => target.objects.PIF?.get(p)).filter((p) => p !== undefined);
    const usable = hosts.length > 0 && hosts.every((h) => pifs.some((p) => p.host === h && p.currently_attached !== false && hasIp(p)));
    if (!usable) continue;
    out.push({ ref, label: labels.get(ref) ?? network.name_label, name: network.name_label, management: pifs.some((p) => p.management) });
  }
  return out.sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));
}

/** XenCenter's choice: the first network that is not the management network (a dedicated one), else the management network. */
export function defaultTransferNetwork(choices: readonly TransferNetworkChoice[]): string | undefined {
  return (choices.find((c) => !c.management) ?? choices[0])?.ref;
}

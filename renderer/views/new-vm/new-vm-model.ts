/**
 * What the New VM wizard decides and reads: the choice it hands back, the disks a template will create
 * (other_config "disks", `<provision><disk device="0" size="…" sr="" …/></provision>`), the disks a
 * custom template already has, and the SRs a new disk can go on.
 */
import type { SRRecord } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store';
import { objectLabels } from '../../store/object-labels';

export interface NewVmChoice {
  connectionId: string;
  template: string;
  name: string;
  description: string;
  memoryMiB: number;
  vcpus: number;
  /** platform "cores-per-socket": divides vcpus. */
  coresPerSocket: number;
  /** Where new disks go (provisioned ones, or a full copy of the template's own). */
  sr: string;
  /** A template with disks of its own: copy them to `sr` (VM.copy) instead of a fast clone. */
  copyDisks: boolean;
  /** Network ref, or '' for none. */
  network: string;
  start: boolean;
}

export interface ProvisionDisk {
  device: string;
  size: number;
  sr: string;
  bootable: boolean;
  type: string;
}

const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];

/** The disks VM.provision will create for a template (none when it has no provision spec). */
export function provisionDisks(template: { other_config?: Record<string, string> }): ProvisionDisk[] {
  const xml = template.other_config?.disks ?? '';
  return [...xml.matchAll(/<disk\b[^>]*\/?>/g)].map((m) => ({
    device: attr(m[0], 'device') ?? '0',
    size: Number(attr(m[0], 'size') ?? 0),
    sr: attr(m[0], 'sr') ?? '',
    bootable: attr(m[0], 'bootable') === 'true',
    type: attr(m[0], 'type') ?? 'system',
  }));
}

/** The provision spec with every disk placed on the SR of this uuid (what XenCenter writes back before VM.provision). */
export function placeProvisionDisks(xml: string, srUuid: string): string {
  return xml.replace(/<disk\b[^>]*\/?>/g, (tag) => (/\bsr="[^"]*"/.test(tag) ? tag.replace(/\bsr="[^"]*"/, `sr="${srUuid}"`) : tag.replace(/<disk\b/, `<disk sr="${srUuid}"`)));
}

/** The disks a template has of its own (a custom template made from a VM): size and SR of each. */
export function templateDisks(mirror: ConnectionMirror | undefined, templateRef: string): { size: number; sr: string }[] {
  const vm = mirror?.objects.VM?.get(templateRef);
  if (!vm || !mirror) return [];
  return vm.VBDs.flatMap((r) => {
    const vbd = mirror.objects.VBD?.get(r);
    const vdi = vbd && vbd.type === 'Disk' && !vbd.empty ? mirror.objects.VDI?.get(vbd.VDI) : undefined;
    return vdi ? [{ size: vdi.virtual_size, sr: vdi.SR }] : [];
  });
}

/** SRs a new disk can go on (not ISO libraries, plugged somewhere, creating disks allowed), by label. */
export function usableSrs(mirror: ConnectionMirror): [string, SRRecord][] {
  const labels = objectLabels(mirror, 'SR');
  return [...(mirror.objects.SR ?? new Map())]
    .filter(([, sr]) => sr.content_type !== 'iso' && sr.PBDs.length > 0 && sr.allowed_operations.includes('vdi_create'))
    .sort((a, b) => (labels.get(a[0]) ?? '').localeCompare(labels.get(b[0]) ?? '', undefined, { numeric: true }));
}

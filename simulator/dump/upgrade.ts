/**
 * xapi's database upgrade rules (ocaml/xapi/xapi_db_upgrade.ml), each applied when the dump's schema is as old
 * as the rule says (schema versions of each release from ocaml/idl/datamodel_common.ml). Fields newer than the
 * dump already hold their datamodel defaults (xapi's generic upgrade, db_upgrade.ml); these rules turn old
 * values into what a current server holds. Rules that need the host itself (memory overheads recomputed from
 * xenopsd's model, alert priorities of messages stored outside the database) are left out.
 */
import { NULL_REF } from '../db/object-db';
import type { Staging } from './staging';

/** Schema (major, minor) of the last release each rule names. */
const GEORGE = [5, 57] as const;
const COWLEY = [5, 61] as const;
const BOSTON = [5, 63] as const;
const TAMPA = [5, 66] as const;
const CLEARWATER = [5, 67] as const;
const CREEDENCE_BEFORE = [5, 71] as const; // "< creedence (5.72)"
const DUNDEE_BEFORE = [5, 92] as const; // "< dundee (5.93)"
const FALCON_BEFORE = [5, 119] as const; // "< falcon (5.120)"
const JURA = [5, 134] as const;
const SECONDS_TIMEOUTS_BEFORE = [5, 201] as const; // "< (5, 202)"

/** `changed` records an object a rule changed, for the report. */
type Changed = (cls: string, ref: string) => void;
interface Rule { upTo: readonly [number, number] | 'always'; description: string; apply(stage: Staging, changed: Changed): void }

const GENERIC_BIOS_STRINGS = {
  'bios-vendor': 'Xen', 'bios-version': '', 'system-manufacturer': 'Xen', 'system-product-name': 'HVM domU', 'system-version': '',
  'system-serial-number': '', 'baseboard-manufacturer': '', 'baseboard-product-name': '', 'baseboard-version': '', 'baseboard-serial-number': '',
  'baseboard-asset-tag': '', 'baseboard-location-in-chassis': '', 'enclosure-asset-tag': '', 'hp-rombios': '',
};

const rules: Rule[] = [
  {
    upTo: JURA, description: 'Set domain_type for all VMs/snapshots/templates',
    apply(stage, changed) {
      for (const [ref, vm] of stage.all('VM')) {
        if (vm.domain_type !== 'unspecified') continue;
        // Xapi_vm_helpers.derive_domain_type; control domains are PV (Xapi_globs.domain_zero_domain_type).
        const domainType = vm.is_control_domain || vm.HVM_boot_policy === '' ? 'pv' : 'hvm';
        vm.domain_type = domainType;
        const metrics = stage.get('VM_metrics', vm.metrics);
        if (metrics && vm.power_state !== 'Halted') metrics.current_domain_type = domainType;
        changed('VM', ref);
      }
    },
  },
  {
    upTo: GEORGE, description: 'Updating snapshot parent references',
    apply(stage, changed) {
      const vms = stage.all('VM');
      for (const [self] of vms) {
        const snaps = vms.filter(([, v]) => v.snapshot_of === self).sort(([, a], [, b]) => String(a.snapshot_time).localeCompare(String(b.snapshot_time)));
        const chain = [...snaps.map(([r]) => r), self];
        for (let i = 1; i < chain.length; i++) {
          const vm = stage.table('VM').get(chain[i])!;
          if (vm.parent === chain[i - 1]) continue;
          vm.parent = chain[i - 1];
          changed('VM', chain[i]);
        }
      }
    },
  },
  {
    upTo: GEORGE, description: 'Upgrading VM BIOS strings (generic, as for a retail edition)',
    apply(stage, changed) {
      for (const [ref, vm] of stage.all('VM')) {
        vm.bios_strings = { ...GENERIC_BIOS_STRINGS };
        changed('VM', ref);
      }
    },
  },
  {
    upTo: COWLEY, description: "Upgrading VDIs with type 'metadata' to type 'redo_log'",
    apply(stage, changed) {
      for (const [ref, vdi] of stage.all('VDI')) {
        if (vdi.type !== 'metadata') continue;
        vdi.type = 'redo_log';
        changed('VDI', ref);
      }
    },
  },
  {
    upTo: COWLEY, description: 'Upgrading ha_restart_priority (numbers become restart with an order)',
    apply(stage, changed) {
      for (const [ref, vm] of stage.all('VM')) {
        const p = String(vm.ha_restart_priority);
        const next = /^[0-3]$/.test(p) ? { ha_restart_priority: 'restart', order: Number(p) } : { ha_restart_priority: p === 'best-effort' ? p : '', order: 0 };
        if (next.ha_restart_priority === p && next.order === vm.order) continue;
        Object.assign(vm, next);
        changed('VM', ref);
      }
    },
  },
  {
    upTo: COWLEY, description: 'Upgrading all VMs with auto_poweron=true',
    apply(stage, changed) {
      for (const [ref, vm] of stage.all('VM')) {
        if ((vm.other_config as Record<string, string>).auto_poweron !== 'true' || vm.ha_restart_priority !== '') continue;
        vm.ha_restart_priority = 'best-effort';
        changed('VM', ref);
      }
    },
  },
  {
    upTo: BOSTON, description: 'Upgrading PIF_metrics (VLAN and tunnel PIFs share their physical PIF\'s)',
    apply(stage, changed) {
      for (const [, pif] of stage.all('PIF')) {
        if (!pif.physical && !(pif.bond_master_of as string[]).length) continue;
        const dependents = [
          ...(pif.VLAN_slave_of as string[]).map((v) => stage.get('VLAN', v)?.untagged_PIF),
          ...(pif.tunnel_transport_PIF_of as string[]).map((t) => stage.get('tunnel', t)?.access_PIF),
        ];
        for (const dep of dependents) {
          const d = stage.get('PIF', dep);
          if (!d || d.metrics === pif.metrics) continue;
          const old = String(d.metrics);
          d.metrics = pif.metrics;
          changed('PIF', String(dep));
          if (stage.has('PIF_metrics', old)) stage.destroy('PIF_metrics', old, 'metrics of a VLAN or tunnel PIF: it shares its physical PIF\'s (xapi\'s upgrade for databases up to boston)');
        }
      }
    },
  },
  {
    upTo: TAMPA, description: 'Removing VMPP metadata (feature was removed)',
    apply(stage, changed) {
      for (const [ref, vm] of stage.all('VM')) {
        if (vm.protection_policy === NULL_REF) continue;
        vm.protection_policy = NULL_REF;
        changed('VM', ref);
      }
    },
  },
  {
    upTo: TAMPA, description: "Update pool's other-config:mail-min-priority",
    apply(stage, changed) {
      for (const [ref, pool] of stage.all('pool')) {
        const oc = { ...(pool.other_config as Record<string, string>) };
        if (!('mail-min-priority' in oc)) continue;
        const prio = Number.parseInt(oc['mail-min-priority'], 10);
        if (Number.isNaN(prio)) delete oc['mail-min-priority'];
        else oc['mail-min-priority'] = String(prio > 10 ? 0 : prio === 10 ? 1 : prio > 5 ? 2 : prio === 5 ? 3 : prio > 1 ? 4 : 5);
        pool.other_config = oc;
        changed('pool', ref);
      }
    },
  },
  {
    upTo: CLEARWATER, description: 'Populating VGPU types (GPU passthrough) on existing PGPUs, GPU groups and VGPUs',
    apply(stage, changed) {
      if (!stage.table('PGPU').size && !stage.table('VGPU').size) return;
      const type = stage.create('VGPU_type', {
        vendor_name: '', model_name: 'passthrough', framebuffer_size: 0, max_heads: 0, max_resolution_x: 0, max_resolution_y: 0,
        implementation: 'passthrough', identifier: 'passthrough', experimental: false,
      }, 'the passthrough VGPU type, which xapi creates for databases from before vGPU types (up to clearwater)');
      // Both sides of these many-to-many relations are stored (xapi keeps them itself).
      const t = stage.get('VGPU_type', type)!;
      const pgpus = stage.all('PGPU').map(([ref]) => ref);
      const groups = stage.all('GPU_group').filter(([, g]) => (g.PGPUs as string[]).length).map(([ref]) => ref);
      const vgpus = stage.all('VGPU').map(([ref]) => ref);
      Object.assign(t, { supported_on_PGPUs: pgpus, enabled_on_PGPUs: pgpus, supported_on_GPU_groups: groups, enabled_on_GPU_groups: groups, VGPUs: vgpus });
      for (const ref of pgpus) {
        Object.assign(stage.get('PGPU', ref)!, { supported_VGPU_types: [type], enabled_VGPU_types: [type] });
        changed('PGPU', ref);
      }
      for (const ref of groups) {
        Object.assign(stage.get('GPU_group', ref)!, { supported_VGPU_types: [type], enabled_VGPU_types: [type] });
        changed('GPU_group', ref);
      }
      for (const ref of vgpus) {
        stage.get('VGPU', ref)!.type = type;
        changed('VGPU', ref);
      }
    },
  },
  {
    upTo: CREEDENCE_BEFORE, description: 'Adding default PIF properties (gro on physical and bond PIFs)',
    apply(stage, changed) {
      for (const [ref, pif] of stage.all('PIF')) {
        const properties = pif.physical || (pif.bond_master_of as string[]).length ? { gro: 'on' } : {};
        if (JSON.stringify(properties) === JSON.stringify(pif.properties)) continue;
        pif.properties = properties;
        changed('PIF', ref);
      }
    },
  },
  {
    upTo: CREEDENCE_BEFORE, description: 'Removing restricted legacy PBD.device_config keys (SRmaster)',
    apply(stage, changed) {
      for (const [ref, pbd] of stage.all('PBD')) {
        const dc = { ...(pbd.device_config as Record<string, string>) };
        if (!('SRmaster' in dc)) continue;
        delete dc.SRmaster;
        pbd.device_config = dc;
        changed('PBD', ref);
      }
    },
  },
  {
    upTo: DUNDEE_BEFORE, description: 'Defaulting has_vendor_device and PV_drivers_detected to false',
    apply(stage, changed) {
      for (const [ref, vm] of stage.all('VM')) {
        if (vm.has_vendor_device === false) continue;
        vm.has_vendor_device = false;
        changed('VM', ref);
      }
      for (const [ref, gm] of stage.all('VM_guest_metrics')) {
        if (gm.PV_drivers_detected === false) continue;
        gm.PV_drivers_detected = false;
        changed('VM_guest_metrics', ref);
      }
    },
  },
  {
    upTo: FALCON_BEFORE, description: 'Upgrading vswitch controller settings to an SDN_controller',
    apply(stage) {
      // stage.create reports the new object.
      if (stage.table('SDN_controller').size) return;
      for (const [, pool] of stage.all('pool')) {
        const address = String(pool.vswitch_controller ?? '');
        if (address) stage.create('SDN_controller', { protocol: 'ssl', address, port: 6632 }, `pool.vswitch_controller ${address}, as xapi introduces it on upgrade`);
      }
    },
  },
  {
    upTo: SECONDS_TIMEOUTS_BEFORE, description: 'Upgrade cluster timeout units from milliseconds to seconds',
    apply(stage, changed) {
      for (const [ref, c] of stage.all('Cluster')) {
        Object.assign(c, { token_timeout: Number(c.token_timeout) / 1000, token_timeout_coefficient: Number(c.token_timeout_coefficient) / 1000 });
        changed('Cluster', ref);
      }
    },
  },
  {
    upTo: 'always', description: 'Upgrading the existing guest installer network',
    apply(stage, changed) {
      for (const [ref, net] of stage.all('network')) {
        const oc = net.other_config as Record<string, string>;
        if (oc.is_guest_installer_network !== 'true' || oc.is_host_internal_management_network === 'true') continue;
        changed('network', ref);
        Object.assign(net, {
          name_label: 'Host internal management network',
          name_description: 'Network on which guests will be assigned a private link-local IP address which can be used to talk XenAPI',
          other_config: { is_guest_installer_network: 'true', is_host_internal_management_network: 'true', ip_begin: '169.254.0.1', ip_end: '169.254.255.254', netmask: '255.255.0.0' },
          bridge: 'xenapi',
        });
      }
    },
  },
  {
    upTo: 'always', description: 'Set or upgrade VM.platform.device-model profiles',
    apply(stage, changed) {
      for (const [ref, vm] of stage.all('VM')) {
        if (vm.is_a_template || vm.domain_type !== 'hvm') continue;
        const platform = vm.platform as Record<string, string>;
        if (platform['device-model'] !== undefined && platform['device-model'] !== 'qemu-trad') continue;
        vm.platform = { ...platform, 'device-model': 'qemu-upstream-compat' };
        changed('VM', ref);
      }
    },
  },
  {
    upTo: 'always', description: 'Move passwords into a Secret object',
    apply(stage, changed) {
      for (const [ref, pbd] of stage.all('PBD')) {
        const dc = pbd.device_config as Record<string, string>;
        if (!Object.keys(dc).some((k) => k.endsWith('password'))) continue;
        const moved: Record<string, string> = {};
        for (const [k, v] of Object.entries(dc)) {
          if (!k.endsWith('password')) {
            moved[k] = v;
            continue;
          }
          const secret = stage.create('secret', { value: v, other_config: {} }, `device_config:${k} of PBD moved into a secret, as xapi moves passwords on upgrade`);
          moved[`${k}_secret`] = String(stage.get('secret', secret)!.uuid);
        }
        pbd.device_config = moved;
        changed('PBD', ref);
      }
    },
  },
  {
    upTo: 'always', description: 'remove_legacy_ssl_support; empty pool.uefi_certificates',
    apply(stage) {
      // Both are the datamodel defaults already for a database older than these fields.
      for (const [, host] of stage.all('host')) host.ssl_legacy = false;
      for (const [, pool] of stage.all('pool')) pool.uefi_certificates = '';
    },
  },
];

export function applyUpgradeRules(stage: Staging): void {
  for (const rule of rules) {
    if (rule.upTo !== 'always' && !stage.schemaAtMost(rule.upTo[0], rule.upTo[1])) continue;
    const when = rule.upTo === 'always' ? 'on every start' : `for databases up to schema ${rule.upTo.join('.')}`;
    rule.apply(stage, (cls, ref) => stage.report.add({ kind: 'upgraded', table: cls, row: ref, reason: `xapi's upgrade rule "${rule.description}" (${when})` }));
  }
}

/**
 * Builds a pool's database the way xapi would have it after installation and use: hosts with metrics,
 * CPUs, control domains and PIFs; networks, bonds and VLANs; SRs with PBDs; VMs with disks, VIFs, metrics
 * and guest metrics in their final power state. Shared by the demo, large scenarios.
 */
import { type PoolSim, SimHost } from '../core';
import { NULL_REF, type XRecord } from '../db/object-db';
import { xapiDateTime } from '../datetime';
import type { SeededRandom } from '../random';
import { HOST_OPS } from '../api/host';
import { chargeSr, VDI_ALLOWED_OPERATIONS } from '../api/storage';
import { publishGuestMetrics, refreshHostMemory, vmAllowedOperations } from '../api/vm-state';
import { bootCpuFlags } from '../api/cpu-compatibility';
import { cpuProfileFor, hostCpuInfo, hostCpuRow, poolCpuInfo } from './cpu-profiles';
import { addSmPlugins } from './sm-plugins';
import { vmMemoryOverhead } from '../api/memory-model';

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

export interface HostSpec { name: string; description?: string; cpus: number; memoryGiB: number; cpuModel?: string; serial?: string }
export interface DiskSpec { sizeGiB: number; sr: string; name?: string }
export interface VmSpec {
  name: string;
  description?: string;
  os: 'linux' | 'windows';
  /** Guest agent's os_version map; without it the VM has no PV tools (no guest metrics). */
  osVersion?: Record<string, string>;
  memoryGiB: number;
  vcpus: number;
  disks: DiskSpec[];
  networks: string[];
  /** Guest IPs per VIF, reported by the guest agent when the VM runs. */
  ips?: string[];
  power: 'Running' | 'Halted' | 'Suspended' | 'Paused';
  host?: string;
  tags?: string[];
  otherConfig?: Record<string, string>;
  haRestartPriority?: '' | 'restart' | 'best-effort';
  isoVdi?: string;
  template?: { isDefault: boolean };
  baseTemplate?: string;
  installTimeMs?: number;
}

const LINUX_PLATFORM = { timeoffset: '0', 'device-model': 'qemu-upstream-compat', viridian: 'false', nx: 'true', acpi: '1', apic: 'true', pae: 'true', hpet: 'true', secureboot: 'false' };
const WINDOWS_PLATFORM = { timeoffset: '0', 'device-model': 'qemu-upstream-uefi', viridian: 'true', nx: 'true', acpi: '1', apic: 'true', pae: 'true', hpet: 'true', secureboot: 'true', 'viridian_reference_tsc': 'true', 'viridian_time_ref_count': 'true', 'viridian_apic_assist': 'true' };

export class PoolBuilder {
  readonly db;
  private physicalNetworks: { ref: string; device: string }[] = [];
  private sharedSrs: string[] = [];
  private domids = new Map<string, number>();
  private vmIndex = 0;

  constructor(readonly pool: PoolSim, readonly rng: SeededRandom, readonly now: number) {
    this.db = pool.db;
  }

  date(msAgo = 0): string {
    return xapiDateTime(this.now - msAgo);
  }

  createPool(name: string, description: string): string {
    const ref = this.db.create('pool', {
      name_label: name, name_description: description, master: NULL_REF, other_config: { memory_ratio_hvm: '0.25', memory_ratio_pv: '0.25' },
      gui_config: {}, ha_enabled: false, ha_host_failures_to_tolerate: 0, ha_allow_overcommit: false, ha_cluster_stack: 'xhad',
      allowed_operations: ['ha_enable', 'cluster_create', 'designate_new_master'], cpu_info: {}, restrictions: { restrict_vswitch_controller: 'false', restrict_pool_size: 'false', restrict_hotfix_apply: 'false' },
      tls_verification_enabled: true, igmp_snooping_enabled: false, migration_compression: false, coordinator_bias: true,
      wlb_enabled: false, wlb_verify_cert: false, redo_log_enabled: false, update_sync_enabled: false,
      local_auth_max_threads: 8, ext_auth_max_threads: 1,
    });
    this.pool.ref = ref;
    addSmPlugins(this.db);
    return ref;
  }

  /** A physical network: every host added later gets a PIF for `device` on it. */
  addNetwork(name: string, bridge: string, device: string | undefined, description = ''): string {
    const ref = this.db.create('network', {
      name_label: name, name_description: description, bridge, MTU: 1500, managed: true, other_config: {}, allowed_operations: [],
      default_locking_mode: 'unlocked', purpose: [],
    });
    if (device) this.physicalNetworks.push({ ref, device });
    return ref;
  }

  addHost(spec: HostSpec): string {
    const db = this.db;
    const metrics = db.create('host_metrics', { memory_total: spec.memoryGiB * GiB, memory_free: spec.memoryGiB * GiB, live: true, last_updated: this.date() });
    const hostname = spec.name;
    const cpuModel = spec.cpuModel ?? 'Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz';
    const cpu = cpuProfileFor(cpuModel);
    const bootTime = Math.floor((this.now - 37 * 86400_000) / 1000);
    const ref = db.create('host', {
      name_label: spec.name, name_description: spec.description ?? 'Default install', hostname, address: '', enabled: true,
      API_version_major: 2, API_version_minor: 21, API_version_vendor: 'XenSource', API_version_vendor_implementation: {},
      software_version: {
        product_version: '8.3.0', product_version_text: '8.3', product_version_text_short: '8.3', platform_name: 'XCP', platform_version: '3.4.0',
        product_brand: 'XCP-ng', build_number: 'release/yangtze/master/58', hostname, date: '2024-10-02', dbv: '0.0.1', xapi: '24.19', xapi_build: '24.19.2',
        xen: '4.17.5-3', linux: '4.19.0+1', xencenter_min: '2.21', xencenter_max: '2.21', network_backend: 'openvswitch', db_schema: '5.780',
      },
      other_config: { agent_start_time: `${bootTime + 60}.`, boot_time: `${bootTime}.`, iscsi_iqn: `iqn.2024-01.com.example:${spec.name}`, multipathing: 'false' },
      capabilities: ['xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64'],
      cpu_configuration: {}, sched_policy: 'credit', supported_bootloaders: ['pygrub', 'eliloader'], logging: {},
      cpu_info: hostCpuInfo(cpu, cpuModel, spec.cpus),
      memory_overhead: Math.round(spec.memoryGiB * GiB * 0.005), metrics, edition: 'xcp-ng', license_server: { address: 'localhost', port: '27000' },
      license_params: { sku_type: 'free', expiry: '20380119T03:14:07Z', sku_marketing_name: 'XCP-ng' }, power_on_mode: '', power_on_config: {},
      bios_strings: { 'bios-vendor': 'Dell Inc.', 'system-manufacturer': 'Dell Inc.', 'system-product-name': 'PowerEdge R650', 'system-serial-number': spec.serial ?? this.rng.hex(7).toUpperCase() },
      chipset_info: { iommu: 'true' }, allowed_operations: HOST_OPS, display: 'enabled', virtual_hardware_platform_versions: [0, 1, 2],
      iscsi_iqn: `iqn.2024-01.com.example:${spec.name}`, multipathing: false, tls_verification_enabled: true, https_only: false,
      guest_VCPUs_params: {}, ssl_legacy: false,
    });
    this.pool.hosts.push(new SimHost(this.pool, ref));
    if (this.pool.masterRef === NULL_REF) db.update('pool', this.pool.ref, { master: ref });
    db.update('pool', this.pool.ref, { cpu_info: poolCpuInfo(this.pool.hosts.map((h) => db.get('host', h.ref).cpu_info as Record<string, string>)) });
    for (let i = 0; i < spec.cpus; i++) {
      db.create('host_cpu', { host: ref, number: i, ...hostCpuRow(cpu, cpuModel) });
    }
    this.addControlDomain(ref, spec.name);
    // PIFs for every physical network; eth0 carries management.
    for (const { ref: net, device } of this.physicalNetworks) this.addPif(ref, net, device, device === 'eth0');
    const localSr = this.addSr(`Local storage`, 'ext', 'user', false, 1800 * GiB, [ref], { description: `Local storage on ${spec.name}` });
    db.update('host', ref, { suspend_image_sr: localSr, crash_dump_sr: localSr });
    for (const sr of this.sharedSrs) this.addPbd(ref, sr, this.db.get('SR', sr).type === 'iso' ? { location: '/srv/iso', legacy_mode: 'true' } : { server: 'nas01.corp.example.com', serverpath: '/export/xen', nfsversion: '4.1' });
    return ref;
  }

  private addControlDomain(hostRef: string, hostName: string): void {
    const db = this.db;
    const mem = 4 * GiB;
    const metrics = db.create('VM_metrics', { memory_actual: mem, VCPUs_number: 8, VCPUs_utilisation: {}, start_time: this.date(37 * 86400_000), install_time: this.date(400 * 86400_000), last_updated: this.date(), state: ['running'], current_domain_type: 'pv' });
    const ref = db.create('VM', {
      name_label: `Control domain on host: ${hostName}`, name_description: 'The domain which manages physical devices and manages other domains',
      power_state: 'Running', is_control_domain: true, resident_on: hostRef, domid: 0, memory_static_min: mem, memory_static_max: mem, memory_dynamic_min: mem,
      memory_dynamic_max: mem, memory_target: mem, memory_overhead: 0, VCPUs_max: 8, VCPUs_at_startup: 8, metrics, domain_type: 'pv', user_version: 1,
      other_config: { storage_driver_domain: `OpaqueRef:${this.rng.uuid()}`, is_system_domain: 'true' }, actions_after_shutdown: 'destroy', actions_after_reboot: 'restart', actions_after_crash: 'restart',
    });
    db.update('host', hostRef, { control_domain: ref });
    for (const protocol of ['vt100', 'rfb']) {
      const uuid = db.newUuid();
      db.create('console', { uuid, protocol, location: '', VM: ref, other_config: {} });
    }
  }

  addPif(hostRef: string, network: string, device: string, management: boolean, extra: XRecord = {}): string {
    const db = this.db;
    const metrics = db.create('PIF_metrics', {
      io_read_kbs: 0, io_write_kbs: 0, carrier: true, vendor_id: '8086', vendor_name: 'Intel Corporation', device_id: '1572', device_name: 'Ethernet Controller X710 for 10GbE SFP+',
      speed: 10000, duplex: true, pci_bus_path: `0000:3b:00.${device.replace(/\D/g, '') || '0'}`, last_updated: this.date(), other_config: {},
    });
    return db.create('PIF', {
      device, network, host: hostRef, MAC: this.rng.mac(), MTU: 1500, VLAN: -1, metrics, physical: true, currently_attached: true,
      ip_configuration_mode: management ? 'Static' : 'None', IP: '', netmask: management ? '255.0.0.0' : '', gateway: '', DNS: management ? '10.0.0.2' : '',
      management, other_config: {}, disallow_unplug: management, ipv6_configuration_mode: 'None', IPv6: [], primary_address_type: 'IPv4', managed: true,
      properties: { gro: 'on' }, capabilities: ['fcoe'], igmp_snooping_status: 'unknown', ...extra,
    });
  }

  /** A bond over two devices on every host, with its own network. */
  addBond(name: string, bridge: string, devices: [string, string], mode: 'balance-slb' | 'active-backup' | 'lacp'): string {
    const net = this.addNetwork(name, bridge, undefined, `Bond of ${devices.join(' + ')}`);
    const slaveNets = devices.map((d) => this.addNetwork(`Pool-wide network associated with ${d}`, `xenbr${d.replace(/\D/g, '')}`, undefined));
    for (const host of this.pool.hosts) {
      const slaves = devices.map((d, i) => this.addPif(host.ref, slaveNets[i], d, false));
      const master = this.addPif(host.ref, net, 'bond0', false, { physical: false, MAC: this.db.get('PIF', slaves[0]).MAC });
      const bond = this.db.create('Bond', { master, primary_slave: slaves[0], mode, properties: mode === 'balance-slb' ? { rebalance_interval: '10000' } : {}, links_up: 2, auto_update_mac: true, other_config: {} });
      for (const s of slaves) this.db.update('PIF', s, { bond_slave_of: bond, currently_attached: false });
    }
    return net;
  }

  /** A VLAN on `device` on every host, with its own network. */
  addVlan(name: string, tag: number, device: string): string {
    const net = this.addNetwork(name, `xapi${tag}`, undefined, `VLAN ${tag}`);
    for (const host of this.pool.hosts) {
      const tagged = (this.db.get('host', host.ref).PIFs as string[]).find((p) => this.db.get('PIF', p).device === device && this.db.get('PIF', p).VLAN === -1);
      if (!tagged) continue;
      const untagged = this.addPif(host.ref, net, device, false, { VLAN: tag, physical: false, MAC: this.db.get('PIF', tagged).MAC });
      const vlan = this.db.create('VLAN', { tagged_PIF: tagged, untagged_PIF: untagged, tag, other_config: {} });
      this.db.update('PIF', untagged, { VLAN_master_of: vlan });
    }
    return net;
  }

  addPbd(hostRef: string, sr: string, deviceConfig: Record<string, string>): string {
    return this.db.create('PBD', { host: hostRef, SR: sr, device_config: deviceConfig, currently_attached: true, other_config: {} });
  }

  addSr(name: string, type: string, contentType: string, shared: boolean, sizeBytes: number, hosts: string[], opts: { description?: string; deviceConfig?: Record<string, string> } = {}): string {
    const ref = this.db.create('SR', {
      name_label: name, name_description: opts.description ?? '', type, content_type: contentType, shared, physical_size: sizeBytes,
      physical_utilisation: 0, virtual_allocation: 0, allowed_operations: ['forget', 'vdi_create', 'vdi_snapshot', 'plug', 'update', 'destroy', 'vdi_destroy', 'scan', 'vdi_clone', 'vdi_resize', 'unplug'],
      other_config: type === 'iso' ? { auto_scan: 'true', i18n_key: 'local-storage-iso' } : {}, sm_config: type === 'ext' ? { devserial: 'scsi-3600508b1001c5f35' } : {},
      local_cache_enabled: false, clustered: false, is_tools_sr: false, tags: [], blobs: {},
    });
    for (const h of hosts) this.addPbd(h, ref, opts.deviceConfig ?? (type === 'ext' ? { device: '/dev/disk/by-id/scsi-3600508b1001c5f35-part3' } : {}));
    return ref;
  }

  /** A shared SR: plugged on every host, present and future. */
  addSharedSr(name: string, type: string, contentType: string, sizeBytes: number, deviceConfig: Record<string, string>, description = ''): string {
    const ref = this.addSr(name, type, contentType, true, sizeBytes, this.pool.hosts.map((h) => h.ref), { description, deviceConfig });
    this.sharedSrs.push(ref);
    return ref;
  }

  addVdi(sr: string, name: string, sizeBytes: number, type = 'user', extra: XRecord = {}): string {
    const srRec = this.db.get('SR', sr);
    const used = Math.round(sizeBytes * (type === 'user' ? 0.3 + this.rng.next() * 0.5 : 1));
    const ref = this.db.create('VDI', {
      name_label: name, name_description: '', SR: sr, virtual_size: sizeBytes, physical_utilisation: used, type, sharable: false, read_only: false,
      managed: true, missing: false, location: this.db.newUuid(), other_config: {}, sm_config: srRec.type === 'nfs' ? { 'vdi_type': 'vhd' } : {},
      allowed_operations: VDI_ALLOWED_OPERATIONS,
      on_boot: 'persist', allow_caching: false, storage_lock: false, is_a_snapshot: false, tags: [], xenstore_data: {}, ...extra,
    });
    // `extra` may state the space used (ISOs use all of it): charge what the record says.
    chargeSr(this.db, sr, Number(this.db.get('VDI', ref).physical_utilisation), sizeBytes);
    return ref;
  }

  addVm(spec: VmSpec): string {
    const db = this.db;
    const idx = this.vmIndex++;
    const mem = spec.memoryGiB * GiB;
    const windows = spec.os === 'windows';
    const isTemplate = !!spec.template;
    const installed = spec.installTimeMs ?? this.now - (30 + (idx * 7) % 300) * 86400_000;
    const metrics = db.create('VM_metrics', {
      memory_actual: 0, VCPUs_number: 0, VCPUs_utilisation: {}, VCPUs_CPU: {}, VCPUs_params: {}, VCPUs_flags: {}, state: [],
      start_time: xapiDateTime(0), install_time: xapiDateTime(installed), last_updated: this.date(), other_config: {}, hvm: windows, nested_virt: false, nomigrate: false,
      current_domain_type: 'unspecified',
    });
    // As xapi keeps it: the domain's overhead for this memory size, vCPU count and domain type.
    const overhead = vmMemoryOverhead({ domain_type: windows ? 'hvm' : 'pv_in_pvh', memory_static_max: mem, VCPUs_max: spec.vcpus, HVM_shadow_multiplier: 1 });
    const ref = db.create('VM', {
      name_label: spec.name, name_description: spec.description ?? '', power_state: 'Halted', user_version: 1, is_a_template: isTemplate,
      is_default_template: spec.template?.isDefault ?? false, memory_overhead: overhead, memory_target: 0, memory_static_max: mem, memory_dynamic_max: mem,
      memory_dynamic_min: mem, memory_static_min: Math.min(mem, 512 * MiB), VCPUs_params: {}, VCPUs_max: spec.vcpus, VCPUs_at_startup: spec.vcpus,
      actions_after_softreboot: 'soft_reboot', actions_after_shutdown: 'destroy', actions_after_reboot: 'restart', actions_after_crash: 'restart',
      PV_bootloader: '', PV_args: '', HVM_boot_policy: 'BIOS order', HVM_boot_params: { order: windows ? 'dc' : 'cdn', firmware: windows ? 'uefi' : 'bios' },
      HVM_shadow_multiplier: 1, platform: windows ? WINDOWS_PLATFORM : LINUX_PLATFORM, PCI_bus: '', domid: -1, domarch: '',
      other_config: {
        ...(isTemplate ? {} : { mac_seed: db.newUuid(), base_template_name: spec.baseTemplate ?? (windows ? 'Windows Server 2022 (64-bit)' : 'Debian Bookworm 12'), import_task: '' }),
        ...(spec.otherConfig ?? {}),
      },
      metrics, guest_metrics: NULL_REF, recommendations: windows
        ? '<restrictions><restriction field="memory-static-max" max="1649267441664"/><restriction field="vcpus-max" max="32"/><restriction field="has-vendor-device" value="true"/><restriction max="255" property="number-of-vbds"/><restriction max="7" property="number-of-vifs"/></restrictions>'
        : '<restrictions><restriction field="memory-static-max" max="1649267441664"/><restriction field="vcpus-max" max="32"/><restriction max="255" property="number-of-vbds"/><restriction max="7" property="number-of-vifs"/></restrictions>',
      xenstore_data: { 'vm-data': '' }, ha_always_run: false, ha_restart_priority: spec.haRestartPriority ?? '', tags: spec.tags ?? [], blocked_operations: {},
      bios_strings: { 'bios-vendor': 'Xen', 'bios-version': '', 'system-manufacturer': 'Xen', 'system-product-name': 'HVM domU', 'system-version': '', 'system-serial-number': '', 'baseboard-manufacturer': '', 'hp-rombios': '', 'oem-1': 'Xen', 'oem-2': 'MS_VM_CERT/SHA1/bdbeb6e0a816d43fa6d3fe8aaef04c2bad9d3e3d' },
      domain_type: windows ? 'hvm' : 'pv_in_pvh', has_vendor_device: windows, hardware_platform_version: 2, generation_id: windows ? '0:0' : '',
      NVRAM: {}, affinity: spec.host ?? NULL_REF, snapshot_info: {}, suspend_SR: NULL_REF, allowed_operations: [],
    });
    // Disks: xvda, xvdb…; then a CD drive (Windows guests and templates have one, Linux ones mostly too).
    spec.disks.forEach((d, i) => {
      const vdi = this.addVdi(d.sr, d.name ?? `${spec.name} ${i === 0 ? 'system' : `data ${i}`}`, d.sizeGiB * GiB);
      db.create('VBD', {
        VM: ref, VDI: vdi, device: `xvd${String.fromCharCode(97 + i)}`, userdevice: String(i), bootable: i === 0, mode: 'RW', type: 'Disk', unpluggable: i > 0,
        empty: false, other_config: { owner: '' }, currently_attached: false, storage_lock: false, status_code: 0, status_detail: '', runtime_properties: {},
        qos_algorithm_type: '', qos_algorithm_params: {}, qos_supported_algorithms: [], allowed_operations: ['attach', 'unpause', 'pause'], metrics: NULL_REF,
      });
    });
    db.create('VBD', {
      VM: ref, VDI: spec.isoVdi ?? NULL_REF, device: 'xvdd', userdevice: '3', bootable: false, mode: 'RO', type: 'CD', unpluggable: true, empty: !spec.isoVdi,
      other_config: {}, currently_attached: false, storage_lock: false, status_code: 0, status_detail: '', runtime_properties: {}, qos_algorithm_type: '', qos_algorithm_params: {},
      qos_supported_algorithms: [], allowed_operations: ['attach', 'insert', 'eject'], metrics: NULL_REF,
    });
    spec.networks.forEach((net, i) => {
      db.create('VIF', {
        device: String(i), network: net, VM: ref, MAC: this.rng.mac(), MTU: 1500, other_config: {}, currently_attached: false, status_code: 0, status_detail: '',
        runtime_properties: {}, qos_algorithm_type: '', qos_algorithm_params: {}, qos_supported_algorithms: [], metrics: NULL_REF, MAC_autogenerated: true,
        locking_mode: 'network_default', ipv4_allowed: [], ipv6_allowed: [], ipv4_configuration_mode: 'None', ipv4_addresses: [], ipv4_gateway: '',
        ipv6_configuration_mode: 'None', ipv6_addresses: [], ipv6_gateway: '', allowed_operations: ['attach', 'plug', 'unplug'],
      });
    });
    if (spec.osVersion && spec.ips) {
      this.pool.guests.set(ref, {
        os_version: spec.osVersion, ips: spec.ips,
        pv_drivers_version: windows ? { major: '9', minor: '3', micro: '3', build: '11' } : { major: '8', minor: '3', micro: '1', build: '1' },
      });
    }
    if (spec.power !== 'Halted' && !isTemplate) this.setPowerState(ref, spec.power, spec.host ?? this.pool.hosts[idx % this.pool.hosts.length].ref);
    db.update('VM', ref, { allowed_operations: vmAllowedOperations(db.get('VM', ref)) });
    return ref;
  }

  /** Puts a freshly built VM in its scenario power state directly (no task, no simulated delay). */
  private setPowerState(vmRef: string, power: 'Running' | 'Suspended' | 'Paused', hostRef: string): void {
    const db = this.db;
    const vm = db.get('VM', vmRef);
    if (power === 'Suspended') {
      const firstVbd = db.get('VBD', (vm.VBDs as string[])[0]);
      const sr = String(db.get('VDI', String(firstVbd.VDI)).SR);
      const vdi = this.addVdi(sr, `Suspend image for ${vm.name_label}`, Number(vm.memory_static_max), 'suspend');
      db.update('VM', vmRef, { power_state: 'Suspended', suspend_VDI: vdi, suspend_SR: sr, last_booted_record: '', last_boot_CPU_flags: bootCpuFlags(this.pool, vm, hostRef) });
      return;
    }
    const domid = (this.domids.get(hostRef) ?? 0) + 1;
    this.domids.set(hostRef, domid);
    const started = this.now - (2 + (this.vmIndex * 13) % 40) * 86400_000;
    const util: Record<string, number> = {};
    for (let i = 0; i < Number(vm.VCPUs_at_startup); i++) util[String(i)] = 0;
    // A VM started with restart priority "restart" is one HA keeps running.
    db.update('VM', vmRef, { power_state: power, resident_on: hostRef, domid, memory_target: vm.memory_dynamic_max, last_boot_CPU_flags: bootCpuFlags(this.pool, vm, hostRef), ha_always_run: vm.ha_restart_priority === 'restart' });
    db.update('VM_metrics', String(vm.metrics), {
      memory_actual: vm.memory_dynamic_max, VCPUs_number: vm.VCPUs_at_startup, VCPUs_utilisation: util, start_time: xapiDateTime(started),
      state: [power.toLowerCase()], current_domain_type: vm.domain_type,
    });
    for (const vbd of vm.VBDs as string[]) db.update('VBD', vbd, { currently_attached: !db.get('VBD', vbd).empty });
    for (const vif of vm.VIFs as string[]) db.update('VIF', vif, { currently_attached: true });
    const uuid = db.newUuid();
    db.create('console', { uuid, protocol: 'rfb', location: '', VM: vmRef, other_config: {} });
  }

  addMessage(name: string, priority: number, cls: string, objUuid: string, body: string, msAgo: number): void {
    this.db.create('message', { name, priority, cls, obj_uuid: objUuid, body, timestamp: this.date(msAgo) });
  }

  /** Final bookkeeping: host memory, guest agent reports of running VMs. */
  finish(): void {
    for (const h of this.pool.hosts) refreshHostMemory(this.pool, h.ref);
    for (const [ref, vm] of [...this.db.all('VM')]) {
      if (vm.power_state === 'Running' && !vm.is_control_domain) publishGuestMetrics(this.pool, ref);
    }
  }
}

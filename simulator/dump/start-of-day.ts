/**
 * What xapi does when it starts on a database (ocaml/xapi/dbsync_master.ml, dbsync_slave.ml, dbsync.ml,
 * create_misc.ml), for every host of the dump, since every one of them answers in the simulator:
 * - the pool record and its master (create_pool_record, set_master_pool_reference);
 * - host metrics: created where missing (create_host_metrics), live, with the host's total memory: from the
 *   hypervisor on a real host; here from what the database says of it (record_host_memory_properties sets
 *   memory_overhead = total - boot_free_mem + reserved, so total ≈ boot_free_mem + memory_overhead);
 * - a control domain per host (ensure_domain_zero_records) and host.control_domain; cpu_info from host_cpu rows;
 * - VM_metrics for every VM (ensure_vm_metrics_records_exist);
 * - VMs "running" on a host that is not in the pool reset to Halted, their control domains deleted
 *   (reset_vms_running_on_missing_hosts); operations of the old server's tasks released (release_locks);
 * - every PBD plugged (resynchronise_pbds), running guests' live metrics reported again.
 * Each change is in the report.
 */
import { NULL_REF, type XRecord } from '../db/object-db';
import { xapiDateTime } from '../datetime';
import { hostAllowedOperations } from '../api/host-operations';
import type { Staging } from './staging';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
/** XenServer 6's control domain memory (dom0_mem=752M), for a host whose control domain record is missing. */
const DOM0_MEMORY = 752 * MiB;

export function startOfDay(stage: Staging): void {
  poolRecord(stage);
  for (const [hostRef] of stage.all('host')) {
    controlDomain(stage, hostRef);
    cpuInfo(stage, hostRef);
  }
  vmMetrics(stage);
  for (const [hostRef] of stage.all('host')) hostMetrics(stage, hostRef);
  releaseLocks(stage);
  allowedOperations(stage);
  plugPbds(stage);
  runningGuests(stage);
  defaultTemplates(stage);
}

function poolRecord(stage: Staging): void {
  const [first] = stage.all('host');
  let [pool] = stage.all('pool');
  if (!pool) {
    const ref = stage.create('pool', { name_label: '', master: first[0] }, 'the database has no pool row: xapi creates one, with this host as master');
    pool = [ref, stage.get('pool', ref)!];
  }
  const [poolRef, rec] = pool;
  if (!stage.has('host', rec.master)) {
    stage.set('pool', poolRef, { master: first[0] }, { kind: 'repaired', reason: `the master ${rec.master} is not a host of the database: the first host (${first[1].name_label}) is master` });
  }
}

/**
 * A VM that "runs" on no host of the pool: xapi resets it to Halted, and deletes a control domain (run before
 * the database GC, which then takes what belonged to a deleted control domain).
 */
export function resetVmsOnMissingHosts(stage: Staging): void {
  for (const [ref, vm] of stage.all('VM')) {
    const onHost = stage.has('host', vm.resident_on);
    if (vm.power_state === 'Running' || vm.power_state === 'Paused') {
      if (onHost) continue;
      if (vm.is_control_domain) {
        stage.destroy('VM', ref, `a control domain of a host that is not in the database (${vm.resident_on}); xapi deletes it`);
        continue;
      }
      stage.set('VM', ref, haltedFields(), { kind: 'repaired', field: 'power_state', reason: `${vm.power_state} on ${vm.resident_on}, which is not a host of the database: reset to Halted, as xapi does` });
      clearDomain(stage, vm);
    } else if (vm.resident_on !== NULL_REF) {
      stage.set('VM', ref, { resident_on: NULL_REF }, { kind: 'repaired', reason: `${vm.power_state} but resident on ${vm.resident_on}: a VM without a domain is resident nowhere` });
    }
  }
}

const haltedFields = (): XRecord => ({ power_state: 'Halted', resident_on: NULL_REF, domid: -1 });

function clearDomain(stage: Staging, vm: XRecord): void {
  for (const vbd of vm.VBDs as string[]) if (stage.has('VBD', vbd)) stage.get('VBD', vbd)!.currently_attached = false;
  for (const vif of vm.VIFs as string[]) if (stage.has('VIF', vif)) stage.get('VIF', vif)!.currently_attached = false;
  const metrics = stage.get('VM_metrics', vm.metrics);
  if (metrics) Object.assign(metrics, { memory_actual: 0, VCPUs_number: 0, VCPUs_utilisation: {}, state: [] });
}

function controlDomain(stage: Staging, hostRef: string): void {
  const host = stage.get('host', hostRef)!;
  const dom0 = stage.all('VM').find(([, vm]) => vm.is_control_domain && vm.resident_on === hostRef);
  if (dom0) {
    if (host.control_domain !== dom0[0]) stage.set('host', hostRef, { control_domain: dom0[0] }, { kind: 'filled', reason: 'host.control_domain names the host\'s control domain (newer than this database)' });
    return;
  }
  const vcpus = stage.all('host_cpu').filter(([, c]) => c.host === hostRef).length || Number((host.cpu_info as Record<string, string>).cpu_count) || 1;
  const now = xapiDateTime(stage.now);
  const metrics = stage.create('VM_metrics', { memory_actual: DOM0_MEMORY, VCPUs_number: vcpus, state: ['running'], start_time: now, install_time: now, last_updated: now, current_domain_type: 'pv' },
    `metrics of the control domain of ${host.name_label}`);
  const ref = stage.create('VM', {
    name_label: `Control domain on host: ${host.hostname || host.name_label}`, name_description: 'The domain which manages physical devices and manages other domains',
    power_state: 'Running', is_control_domain: true, resident_on: hostRef, domid: 0, user_version: 1, domain_type: 'pv', metrics,
    memory_static_min: DOM0_MEMORY, memory_static_max: DOM0_MEMORY, memory_dynamic_min: DOM0_MEMORY, memory_dynamic_max: DOM0_MEMORY, memory_target: DOM0_MEMORY,
    VCPUs_max: vcpus, VCPUs_at_startup: vcpus, actions_after_shutdown: 'destroy', actions_after_reboot: 'restart', actions_after_crash: 'restart',
    other_config: { storage_driver_domain: `OpaqueRef:${stage.db.newUuid()}`, is_system_domain: 'true' },
  }, `the control domain of ${host.name_label}, missing from the database: xapi creates it when the host starts (752 MiB, ${vcpus} vCPUs)`);
  // Reverse sets (VM.consoles, host.resident_VMs) follow when the loader rebuilds them after start of day.
  for (const protocol of ['vt100', 'rfb']) stage.create('console', { protocol, location: '', VM: ref, other_config: {} }, `a ${protocol} console of the new control domain`);
  host.control_domain = ref;
}

/** host.cpu_info (newer than some databases) as xapi fills it: count and the first CPU's description. */
function cpuInfo(stage: Staging, hostRef: string): void {
  const host = stage.get('host', hostRef)!;
  if (Object.keys(host.cpu_info as object).length) return;
  const cpus = stage.all('host_cpu').filter(([, c]) => c.host === hostRef).map(([, c]) => c).sort((a, b) => Number(a.number) - Number(b.number));
  if (!cpus.length) return;
  const c = cpus[0];
  stage.set('host', hostRef, {
    cpu_info: {
      cpu_count: String(cpus.length), socket_count: '1', vendor: String(c.vendor), speed: String(c.speed), modelname: String(c.modelname),
      family: String(c.family), model: String(c.model), stepping: String(c.stepping), flags: String(c.flags), features: String(c.features),
    },
  }, { kind: 'filled', reason: `host.cpu_info from its ${cpus.length} host_cpu rows` });
}

function vmMetrics(stage: Staging): void {
  for (const [ref, vm] of stage.all('VM')) {
    if (stage.has('VM_metrics', vm.metrics)) continue;
    const metrics = stage.create('VM_metrics', { last_updated: xapiDateTime(stage.now), current_domain_type: vm.power_state === 'Halted' ? 'unspecified' : vm.domain_type }, `metrics of VM ${vm.name_label}, which had none (xapi's ensure_vm_metrics_records_exist)`);
    stage.set('VM', ref, { metrics });
  }
}

/** Total memory of a host, from its metrics, else from what xapi recorded at its boot, else enough for what it ran. */
function memoryTotal(stage: Staging, hostRef: string): { bytes: number; source: string } {
  const host = stage.get('host', hostRef)!;
  const overhead = Number(host.memory_overhead) || 0;
  const bootFree = Number(stage.internal.get(hostRef)?.boot_free_mem);
  if (bootFree > 0) return { bytes: bootFree + overhead, source: 'boot_free_mem + memory_overhead (xapi\'s record_host_memory_properties)' };
  let resident = 0;
  let largestHalted = 0;
  for (const [, vm] of stage.all('VM')) {
    const footprint = Number(vm.memory_static_max) + Number(vm.memory_overhead);
    if (vm.resident_on === hostRef) resident += footprint;
    else if (!vm.is_a_template && !vm.is_a_snapshot && !vm.is_control_domain && vm.power_state === 'Halted') largestHalted = Math.max(largestHalted, footprint);
  }
  const bytes = Math.ceil((overhead + resident + largestHalted) / GiB) * GiB || GiB;
  return { bytes, source: 'no record of it: room for its running VMs and the largest halted one' };
}

function hostMetrics(stage: Staging, hostRef: string): void {
  const host = stage.get('host', hostRef)!;
  const now = xapiDateTime(stage.now);
  let metrics = stage.get('host_metrics', host.metrics);
  if (!metrics) {
    const { bytes, source } = memoryTotal(stage, hostRef);
    const ref = stage.create('host_metrics', { memory_total: bytes, memory_free: bytes, live: true, last_updated: now }, `metrics of host ${host.name_label}, which had none (xapi's create_host_metrics); memory_total ${bytes} from ${source}`);
    host.metrics = ref;
    metrics = stage.get('host_metrics', ref)!;
  } else if (!(Number(metrics.memory_total) > 0)) {
    const { bytes, source } = memoryTotal(stage, hostRef);
    stage.set('host_metrics', String(host.metrics), { memory_total: bytes }, { kind: 'filled', reason: `memory_total ${bytes} from ${source}` });
  }
  // Every simulated host answers: live, as its heartbeat would make it.
  Object.assign(metrics, { live: true, last_updated: now });
}

/** release_locks and the non-persistent operation fields: tasks of the old server are gone. */
function releaseLocks(stage: Staging): void {
  for (const [cls, table] of stage.tables) {
    for (const [ref, rec] of table) {
      const ops = rec.current_operations as Record<string, string> | undefined;
      if (ops && Object.keys(ops).length) {
        stage.set(cls, ref, { current_operations: {} }, { kind: 'repaired', reason: `operation${Object.keys(ops).length > 1 ? 's' : ''} ${Object.values(ops).join(', ')} ended with the server that ran ${Object.keys(ops).length > 1 ? 'them' : 'it'}` });
      }
    }
  }
  for (const [, vm] of stage.all('VM')) vm.scheduled_to_be_resident_on = NULL_REF;
  for (const [, pci] of stage.all('PCI')) pci.scheduled_to_be_attached_to = NULL_REF;
  for (const [, vgpu] of stage.all('VGPU')) vgpu.scheduled_to_be_resident_on = NULL_REF;
}

/**
 * allowed_operations is not persisted by xapi: it computes them at start (hosts by their enabled flag; VMs by
 * their state, which the pool does as they load). A pool from before its operations were listed gets what
 * an idle pool allows.
 */
function allowedOperations(stage: Staging): void {
  for (const [, host] of stage.all('host')) host.allowed_operations = hostAllowedOperations(host);
  for (const [, pool] of stage.all('pool')) {
    if ((pool.allowed_operations as string[]).length) continue;
    pool.allowed_operations = [pool.ha_enabled ? 'ha_disable' : 'ha_enable', 'cluster_create', 'designate_new_master'];
  }
}

function plugPbds(stage: Staging): void {
  for (const [ref, pbd] of stage.all('PBD')) {
    if (pbd.currently_attached) continue;
    stage.set('PBD', ref, { currently_attached: true }, { kind: 'repaired', reason: 'plugged: xapi plugs every PBD of a host when the host starts' });
  }
}

/** Running and paused guests: their live metrics as the monitor and the guest agent report them. */
function runningGuests(stage: Staging): void {
  for (const [, vm] of stage.all('VM')) {
    if (vm.power_state !== 'Running' && vm.power_state !== 'Paused') continue;
    const metrics = stage.get('VM_metrics', vm.metrics);
    if (metrics) {
      const vcpus = Number(vm.VCPUs_at_startup) || 1;
      const utilisation: Record<string, number> = {};
      if (!vm.is_control_domain) for (let i = 0; i < vcpus; i++) utilisation[String(i)] = 0;
      Object.assign(metrics, {
        memory_actual: Number(vm.memory_target) || Number(vm.memory_dynamic_max), VCPUs_number: vcpus, VCPUs_utilisation: utilisation, state: [String(vm.power_state).toLowerCase()],
        current_domain_type: vm.domain_type, last_updated: xapiDateTime(stage.now),
      });
    }
    const gm = stage.get('VM_guest_metrics', vm.guest_metrics);
    if (gm && Object.keys(gm.PV_drivers_version as object).length) Object.assign(gm, { PV_drivers_detected: true, live: true });
  }
}

/** Templates marked the old way (other_config:default_template=true) are what is_default_template says now. */
function defaultTemplates(stage: Staging): void {
  for (const [ref, vm] of stage.all('VM')) {
    if (!vm.is_a_template || vm.is_default_template) continue;
    if ((vm.other_config as Record<string, string>).default_template !== 'true') continue;
    stage.set('VM', ref, { is_default_template: true }, { kind: 'filled', reason: 'other_config:default_template=true, the older mark of a default template' });
  }
}

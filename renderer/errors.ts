/**
 * Turns any failure that reaches the UI (a XAPI error through the bridge, a transport failure, a plain
 * Error) into words: what happened, what to do, and XAPI's code kept for the record and for searches.
 * One table for the whole UI, so the same code always reads the same.
 */
import errorDocs from '../shared/xapi/generated/errors.json';
import { describeXscontainerFailure } from '../shared/api-client/xscontainer';

export interface ErrorDescription {
  /** One sentence: what went wrong. */
  title: string;
  /** What the user can do about it (may be empty when there is nothing to suggest). */
  advice: string;
  /** XAPI's (or the bridge's) error code, always shown. */
  code: string;
  params: string[];
  /** The XAPI method that failed, when known. */
  method?: string;
}

type Entry = { title: string | ((p: string[]) => string); advice?: string };

const isBytes = (v: string | undefined) => v !== undefined && /^\d+$/.test(v);
/** Byte counts in XAPI's error parameters, as people read them (GiB with one decimal, MiB below 1 GiB). */
function bytes(v: string): string {
  const n = Number(v);
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1).replace(/\.0$/, '')} GiB` : `${Math.round(n / 1024 ** 2)} MiB`;
}

/** Codes users meet often, in plain words. Others fall back to the datamodel's own description. */
const TABLE: Record<string, Entry> = {
  SESSION_AUTHENTICATION_FAILED: { title: 'The user name or password is wrong.', advice: 'Check them and try again.' },
  SESSION_AUTHORIZATION_FAILED: { title: 'This user may not log in to the pool.', advice: 'Use an account with a role on this pool.' },
  SESSION_INVALID: { title: 'The session with the server ended.', advice: 'XenDeck logs in again by itself; retry the action.' },
  HOST_IS_SLAVE: { title: (p) => `This host is a pool member; the pool master is ${p[0] ?? 'another host'}.`, advice: 'XenDeck follows the master automatically.' },
  HOST_STILL_BOOTING: { title: 'The host is still starting up.', advice: 'Wait a minute and try again.' },
  HOST_OFFLINE: { title: 'The host is offline.', advice: 'Power the host on or choose another one.' },
  HOST_NOT_ENOUGH_FREE_MEMORY: { title: (p) => (isBytes(p[0]) && isBytes(p[1]) ? `Not enough memory: ${bytes(p[0])} needed, ${bytes(p[1])} free.` : 'The host does not have enough free memory for this VM.'), advice: 'Shut down other VMs, lower the VM\u2019s memory, or start it on another host.' },
  NO_HOSTS_AVAILABLE: { title: 'No host in the pool can run this VM.', advice: 'Free memory on a host, or check that the VM\u2019s disks and networks are reachable from a live host.' },
  CONNECTION_FAILED: { title: 'The server could not be reached.', advice: 'Check the address, that the host is up and that port 443 is open.' },
  TIMEOUT: { title: 'The server did not answer in time.', advice: 'Check the network and try again.' },
  DISCONNECTED: { title: 'The connection to the pool is down.', advice: 'Wait for it to reconnect, or reconnect it from the tree.' },
  HTTP_ERROR: { title: 'The server answered with an HTTP error: it may not be a XAPI host.', advice: 'Check the address and port.' },
  MALFORMED_REPLY: { title: 'The server\u2019s answer could not be read: it may not be a XAPI host.', advice: 'Check the address and port.' },
  REPLY_TOO_LARGE: { title: (p) => `The server\u2019s reply was larger than the ${p[1] ? `${Math.round(Number(p[1]) / 1048576)} MB ` : ''}limit on replies.`, advice: 'If the pool is really that big, raise connections.maxReplyMegabytes in settings.json (up to 512) and restart XenDeck.' },
  NO_MASTER_FOUND: { title: 'No member of the pool answers as master.', advice: 'Check that the pool master is up, or designate a new master.' },
  CERTIFICATE_CHANGED: { title: 'The server\u2019s certificate changed since the last connection.', advice: 'Compare the fingerprints with the host\u2019s own before trusting it again.' },
  CERTIFICATE_UNKNOWN: { title: 'The server\u2019s certificate is not trusted yet.', advice: 'Check its fingerprint and trust it to connect.' },
  RBAC_PERMISSION_DENIED: { title: (p) => `Your role does not allow this${p[0] ? ` (${p[0]})` : ''}.`, advice: 'Ask a pool administrator, or log in with a user that has the needed role.' },
  PERMISSION_DENIED: { title: 'Permission denied.', advice: 'Log in with a user that has the needed role.' },
  VM_BAD_POWER_STATE: { title: (p) => `The VM is ${p[2] ?? 'in another state'}; this needs it ${p[1] ?? 'in another state'}.`, advice: 'Wait for the VM to reach that state, or change its power state first.' },
  OPERATION_NOT_ALLOWED: { title: (p) => `This is not allowed now${p[0] ? `: ${p[0]}` : ''}.`, advice: 'Wait for other operations on the object to finish.' },
  OTHER_OPERATION_IN_PROGRESS: { title: 'Another operation on this object is in progress.', advice: 'Wait for it to finish (see Tasks) and try again.' },
  VM_IS_TEMPLATE: { title: 'This is a template; it cannot run.', advice: 'Create a VM from the template instead.' },
  MEMORY_CONSTRAINT_VIOLATION: { title: (p) => `The memory values are not in a valid order${p[0] ? `: ${p[0]}` : ''}.`, advice: 'Keep static min \u2264 dynamic min \u2264 dynamic max \u2264 static max.' },
  MEMORY_CONSTRAINT_VIOLATION_ORDER: { title: 'The memory values are not in a valid order.', advice: 'Keep static min \u2264 dynamic min \u2264 dynamic max \u2264 static max.' },
  MEMORY_CONSTRAINT_VIOLATION_MAXPIN: { title: 'Dynamic max must equal static max for this VM.', advice: 'Set dynamic max to static max.' },
  VM_MEMORY_SIZE_TOO_LOW: { title: 'That is less memory than this VM needs.', advice: 'Give the VM more memory.' },
  SR_FULL: { title: 'The storage repository is full.', advice: 'Free space on it or choose another SR.' },
  VDI_IN_USE: { title: 'The disk is in use by a running VM.', advice: 'Detach it or shut the VM down first.' },
  VDI_TOO_SMALL: { title: 'A disk cannot be made smaller.', advice: 'Enter a size larger than the current one.' },
  DEVICE_ALREADY_ATTACHED: { title: 'The device is already attached.' },
  DEVICE_ALREADY_DETACHED: { title: 'The device is already detached.' },
  VBD_NOT_UNPLUGGABLE: { title: 'This disk cannot be detached while the VM runs.', advice: 'Shut the VM down first.' },
  VM_MISSING_PV_DRIVERS: { title: 'The VM has no guest tools, so this cannot be done while it runs.', advice: 'Install the guest tools, or shut the VM down first.' },
  HANDLE_INVALID: { title: 'The object no longer exists.', advice: 'It was probably deleted meanwhile; the view updates itself.' },
  OBJECT_NOLONGER_EXISTS: { title: 'The object no longer exists.', advice: 'It was probably deleted meanwhile.' },
  TASK_CANCELLED: { title: 'The task was cancelled.' },
  INVALID_VALUE: { title: (p) => `Invalid value${p[1] ? ` \u201c${p[1]}\u201d` : ''}${p[0] ? ` for ${p[0]}` : ''}.`, advice: 'Correct the value and try again.' },
  MAP_DUPLICATE_KEY: { title: 'That key is already set.' },
  CANNOT_EVACUATE_HOST: {
    // xapi's parameter is "<reason code>|<VM ref>" of the first VM that cannot move.
    title: (p) => `The host\u2019s VMs cannot all be moved elsewhere${p[0] ? ` (${p[0].split('|')[0]})` : ''}.`,
    advice: 'Free memory on other hosts or shut some VMs down.',
  },
  HOST_IN_USE: { title: 'The host still runs VMs.', advice: 'Move or shut them down first.' },
  HOST_HAS_RESIDENT_VMS: { title: 'The host still runs VMs.', advice: 'Move or shut them down first.' },
  HOST_DISABLED: { title: 'The host is in maintenance mode (disabled).', advice: 'Exit maintenance mode or choose another host.' },
  VM_FAILED_SHUTDOWN_ACKNOWLEDGMENT: { title: 'The guest did not acknowledge the shutdown request.', advice: 'Force the shutdown if the guest is hung.' },
  VM_SHUTDOWN_TIMEOUT: { title: 'The guest did not shut down in time.', advice: 'Force the shutdown if the guest is hung.' },
  VM_CANNOT_DELETE_DEFAULT_TEMPLATE: { title: 'Built-in templates cannot be deleted.' },
  VM_REQUIRES_SR: { title: 'The server cannot reach storage this VM uses (a disk, a CD or its memory image).', advice: 'Choose a server connected to that storage, repair the storage connection (PBD), move the disk or eject the CD.' },
  HOST_NOT_DISABLED: { title: 'The host must be in maintenance mode first.', advice: 'Enter maintenance mode, then try again.' },
  // High availability (the codes XenCenter handles, with what to do about each).
  HA_NOT_ENABLED: { title: 'HA is not enabled on this pool.', advice: 'Configure HA first, or refresh: another client may have disabled it.' },
  HA_IS_ENABLED: { title: 'HA is enabled on this pool, which does not allow this.', advice: 'Disable HA, do this, then configure HA again.' },
  HA_ENABLE_IN_PROGRESS: { title: 'HA is being enabled on this pool right now.', advice: 'Wait for that task to finish (see Tasks) and try again.' },
  HA_DISABLE_IN_PROGRESS: { title: 'HA is being disabled on this pool right now.', advice: 'Wait for that task to finish (see Tasks) and try again.' },
  HA_TOO_FEW_HOSTS: { title: 'HA needs a pool of at least two servers.', advice: 'Add a server to the pool before enabling HA.' },
  HA_NOT_INSTALLED: { title: (p) => `The HA software is not installed on a server${p[0] ? ` (${p[0]})` : ''}.`, advice: 'Install or repair the HA components on that server, then try again.' },
  HA_HOST_IS_ARMED: { title: 'A server is still armed for HA, so this cannot be done now.', advice: 'Wait for HA to disarm it (or disable HA) and try again.' },
  HA_HOST_CANNOT_ACCESS_STATEFILE: { title: 'A server could not reach the heartbeat SR, so it could not join HA.', advice: 'Check that every server has the heartbeat SR plugged, or choose another heartbeat SR.' },
  HA_HOST_CANNOT_SEE_PEERS: { title: 'A server cannot see some of the other servers on the network, so HA could not start.', advice: 'Check the management network between the servers, then try again.' },
  HA_FAILED_TO_FORM_LIVESET: { title: 'HA could not form its set of live servers.', advice: 'Check the heartbeat SR and the management network on every server.' },
  HA_HEARTBEAT_DAEMON_STARTUP_FAILED: { title: 'The HA heartbeat service failed to start on a server.', advice: 'Check that server\u2019s logs, then try again.' },
  HA_NO_PLAN: { title: 'No other server is available to restart the VMs on.', advice: 'Bring more servers online or protect fewer VMs.' },
  HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN: {
    title: 'This would leave HA unable to restart the protected VMs if servers fail.',
    advice: 'Lower the number of server failures to tolerate (Configure HA), protect fewer VMs, or disable HA first.',
  },
  HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED: { title: 'A disk of a protected VM is on storage that not every server can reach.', advice: 'Move the disk to shared storage, or set the VM to Restart if possible.' },
  HA_CONSTRAINT_VIOLATION_NETWORK_NOT_SHARED: { title: 'A protected VM uses a network that not every server is connected to.', advice: 'Connect that network on every server, or set the VM to Restart if possible.' },
  HA_LOST_STATEFILE: { title: 'A server lost access to the HA heartbeat SR.', advice: 'Restore the storage path to the heartbeat SR; HA protection is impaired until then.' },
  HA_SHOULD_BE_FENCED: { title: 'A server cannot rejoin the pool: HA expected it to have fenced itself.', advice: 'Restart that server so it rejoins cleanly.' },
  HA_ABORT_NEW_MASTER: { title: (p) => `A server refused the new pool master${p[0] ? `: ${p[0]}` : ''}.`, advice: 'Wait until HA settles, then try again.' },
  HA_POOL_IS_ENABLED_BUT_HOST_IS_DISABLED: { title: 'This server cannot join the pool: the pool has HA enabled but the server does not.', advice: 'Disable HA on the pool before adding the server, then enable it again.' },
  HA_CANNOT_CHANGE_BOND_STATUS_OF_MGMT_IFACE: { title: 'The management interface\u2019s bond cannot change while HA is on.', advice: 'Disable HA, change the bond, then enable HA again.' },
  SR_HAS_NO_PBDS: { title: 'The SR is not plugged on the servers (it has no connection to them).', advice: 'Repair the SR so that every server has it plugged.' },
  SR_OPERATION_NOT_SUPPORTED: { title: 'This kind of storage does not support this operation.', advice: 'Choose another SR.' },
  SR_SOURCE_SPACE_INSUFFICIENT: { title: 'The SR does not have enough free space for this.', advice: 'Free space on it, or choose another SR.' },
  VDI_NOT_AVAILABLE: { title: (p) => `A disk${p[0] ? ` (${p[0]})` : ''} could not be attached.`, advice: 'Check that its storage is plugged and reachable from every server.' },
  CANNOT_ENABLE_REDO_LOG: { title: (p) => `HA could not set up its metadata disk on the heartbeat SR${p[0] ? `: ${p[0]}` : ''}.`, advice: 'Check the heartbeat SR (space and health), or choose another.' },
  CANNOT_CREATE_STATE_FILE: { title: 'The HA statefile could not be created.', advice: 'Choose a shared SR that can hold it (NFS, iSCSI or Fibre Channel) with some free space.' },
  REQUIRED_PIF_IS_UNPLUGGED: { title: 'A network interface HA needs is unplugged.', advice: 'Plug it (Networking tab of its server) and try again.' },
  VM_HAS_VGPU: { title: 'The VM has a virtual GPU, which ties it to servers with that GPU.', advice: 'To move it, shut it down first; for HA, remove the vGPU or set it to Restart if possible.' },
  VM_HAS_VUSBS: { title: 'The VM has a passed-through USB device, which ties it to one server.', advice: 'Remove the USB device, or set the VM to Restart if possible.' },
  VM_HAS_SRIOV_VIF: { title: 'The VM has an SR-IOV network interface, which ties it to servers with that card.', advice: 'Remove that interface, or set the VM to Restart if possible.' },
  // The app's demo controls (electron/backend/demo-controls.ts).
  DEMO_ONLY: { title: 'Demo controls work only on the embedded demo pools.' },
  DEMO_HOST_UNKNOWN: { title: (p) => `That host is not in the demo pool${p[1] ? ` ${p[1]}` : ''}.`, advice: 'Choose one of the pool\u2019s hosts.' },
  DEMO_CONTROL_FAILED: { title: (p) => `The demo simulator could not do that${p[0] ? ` to ${p[0]}` : ''}${p[1] ? `: ${p[1]}` : ''}.`, advice: 'Restart XenDeck if the demo pools stopped answering.' },
  BRIDGE_INVALID_ARGUMENTS: { title: 'XenDeck sent an invalid request.', advice: 'This is a bug in XenDeck; please report it with the code.' },
  BRIDGE_PAGE_BEHIND: {
    title: (p) => (p[0] === 'reply-dropped' ? 'The answer was lost because this tab fell behind (the operation itself ran).' : 'This tab fell behind what XenDeck sends, so the request was not made.'),
    advice: 'Wait a moment: the tab catches up and reloads what it missed. Then check the result, or try again.',
  },
  METHOD_NOT_ALLOWED: { title: (p) => `The interface may not call ${p[0] ?? 'this method'}.`, advice: 'Session, event and secret-reading calls are kept to XenDeck\u2019s main process.' },
  NOT_IMPLEMENTED: { title: 'This is not available yet.' },
  MESSAGE_METHOD_UNKNOWN: { title: 'This server does not know this operation (it may be an older version).' },
  // Migration (VM.pool_migrate, VM.assert_can_migrate / migrate_send, host.migrate_receive, VDI.pool_migrate).
  VM_INCOMPATIBLE_WITH_THIS_HOST: {
    title: (p) => `This server\u2019s CPU is not compatible with the one the VM is running on${p[2] ? ` (${p[2].replace(/\.$/, '')})` : ''}.`,
    advice: 'A running VM only moves between servers with CPUs of the same vendor: shut it down and move it halted, or choose another server.',
  },
  VM_REQUIRES_NETWORK: { title: 'The server is not connected to a network this VM uses.', advice: 'Choose a server with an interface on that network, or move the VM\u2019s interface to another network.' },
  HOST_NOT_LIVE: { title: 'The server is not reachable (it is off or has failed).', advice: 'Choose another server, or bring this one back first.' },
  HOST_NOT_ENOUGH_PCPUS: { title: (p) => (p[0] && p[1] ? `The VM has ${p[0]} vCPUs; this server has only ${p[1]} physical CPUs.` : 'This server has fewer physical CPUs than the VM has vCPUs.'), advice: 'Choose a bigger server or give the VM fewer vCPUs.' },
  HOST_CANNOT_ATTACH_NETWORK: { title: 'The destination server has no interface on that network.', advice: 'Choose another network or another server.' },
  PIF_HAS_NO_NETWORK_CONFIGURATION: { title: 'The migration network has no IP address on the destination server.', advice: 'Choose a network with an IP address on every server of the pool (the management network always has one).' },
  INTERFACE_HAS_NO_IP: { title: 'The migration network has no IP address on the destination server.', advice: 'Choose a network with an IP address on every server of the pool (the management network always has one).' },
  VDI_NOT_IN_MAP: { title: 'A disk of the VM has no destination storage.', advice: 'Choose a storage repository for every disk.' },
  VIF_NOT_IN_MAP: { title: 'A network interface of the VM has no destination network.', advice: 'Choose a network for every interface.' },
  VM_HAS_PCI_ATTACHED: { title: 'The VM uses a PCI device of its server (passthrough), so it cannot move while it runs.', advice: 'Shut the VM down first, or remove the device.' },
  VM_HAS_TOO_MANY_SNAPSHOTS: { title: 'This server cannot migrate a VM with more than one snapshot.', advice: 'Delete snapshots, or upgrade the pool.' },
  VM_HAS_CHECKPOINT: { title: 'This server cannot migrate a VM that has a snapshot with memory (checkpoint).', advice: 'Delete the checkpoint, or upgrade the pool.' },
  SR_DOES_NOT_SUPPORT_MIGRATION: { title: 'This storage repository cannot take part in storage migration.', advice: 'Choose a storage repository whose type can mirror disks (NFS, ext, LVM, iSCSI, HBA).' },
  TOO_MANY_STORAGE_MIGRATES: { title: (p) => `Too many storage migrations are running from this server${p[0] ? ` (at most ${p[0]})` : ''}.`, advice: 'Wait for one to finish; XenDeck retries its own by itself.' },
  VM_MIGRATE_FAILED: {
    // xapi's message names what failed; a missing VDI there is a CD left in the drive (XenCenter says so too).
    title: (p) => (p[3]?.includes('VDI_MISSING') ? 'Cannot migrate this VM: there may be a CD in the drive.' : `The migration failed${p[3] ? `: ${p[3]}` : ''}.`),
    advice: 'Eject any CD and try again; the VM stays where it was.',
  },
  VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED: { title: 'The source pool could not reach the migration service of the destination.', advice: 'Check the network between the two pools (the migration network) and try again.' },
  CANNOT_CONTACT_HOST: { title: 'The destination server could not be contacted.', advice: 'Check that it is up and reachable from the source pool.' },
  MIRROR_FAILED: { title: 'Copying a disk to the destination failed.', advice: 'Check the destination storage and try again; the VM stays where it was.' },
  VDI_NEEDS_VM_FOR_MIGRATE: { title: 'This disk is not attached to a VM, so it cannot be migrated live.', advice: 'Move it instead (an offline copy).' },
  VDI_CBT_ENABLED: { title: 'Changed block tracking is on for a disk of this VM, so it cannot migrate.', advice: 'Turn changed block tracking off for the disk first.' },
  VM_HOST_INCOMPATIBLE_VERSION_MIGRATE: { title: 'The destination server runs an older version than the VM\u2019s server.', advice: 'Migrate to a server of the same or a newer version.' },
  VM_HOST_INCOMPATIBLE_VERSION: { title: 'This server runs an older version than the one the VM last ran on.', advice: 'Choose a server of the same or a newer version.' },
  LICENCE_RESTRICTION: { title: (p) => `The pool\u2019s licence does not allow this${p[0] ? ` (${p[0]})` : ''}.`, advice: 'Apply a licence that includes the feature.' },
  NOT_SUPPORTED_DURING_UPGRADE: { title: 'This is not possible while the pool is being upgraded.', advice: 'Finish the upgrade of every server first.' },
  INTERNAL_ERROR: { title: (p) => `The server reported an internal error${p[0] ? `: ${p[0]}` : ''}.`, advice: 'Try again; if it persists, check the server\u2019s logs.' },
  // Host plug-ins (host.call_plugin): the failure's own text, dug out of its layers (Docker's refusal, SSH, the forwarding host).
  XENAPI_PLUGIN_FAILURE: { title: pluginFailureTitle },
  XENAPI_MISSING_PLUGIN: { title: (p) => `The host has no ${p[0] ? `\u201c${p[0]}\u201d ` : ''}plug-in.`, advice: 'Install the supplemental pack that provides it on every host of the pool.' },
  UNKNOWN_XENAPI_PLUGIN_FUNCTION: { title: (p) => `The plug-in has no function ${p[0] ?? ''}.`, advice: 'The host\u2019s plug-in is older or newer than XenDeck expects.' },
  // What xscontainer writes or answers, read as untrusted data (shared/api-client/xscontainer).
  XSCONTAINER_DATA_TOO_LARGE: { title: (p) => `The guest\u2019s Docker data is too large to read${p[0] ? ` (${p[0]})` : ''}.` },
  XSCONTAINER_DATA_TOO_DEEP: { title: 'The guest\u2019s Docker data is nested too deeply to read.' },
  XSCONTAINER_DATA_TOO_MANY_ELEMENTS: { title: 'The guest\u2019s Docker data has too many elements to read.' },
  XSCONTAINER_DATA_DTD_REFUSED: { title: 'The guest\u2019s Docker data declares entities, which XenDeck does not read.' },
  XSCONTAINER_DATA_MALFORMED: { title: (p) => `The guest\u2019s Docker data is not well-formed XML${p[0] ? ` (${p[0]})` : ''}.` },
  XSCONTAINER_DATA_WRONG_SHAPE: { title: (p) => `The guest\u2019s Docker data is not in xscontainer\u2019s format${p[0] ? ` (${p[0]})` : ''}.` },
  XSCONTAINER_DATA_NOT_A_RESULT: { title: (p) => `The plug-in did not answer with a result${p[0] ? `: ${p[0]}` : ''}.` },
};

function pluginFailureTitle(params: string[]): string {
  const f = describeXscontainerFailure('XENAPI_PLUGIN_FAILURE', params);
  if (!f) return 'The host plug-in failed.';
  const text = f.text.length > 400 ? `${f.text.slice(0, 400)}…` : f.text;
  return f.dockerStatus !== undefined ? `Docker refused: ${text}` : text;
}

const docs = errorDocs as Record<string, { params: string[]; doc: string } | undefined>;

function fields(err: unknown): { code: string; params: string[]; method?: string; message: string } {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; params?: unknown; method?: unknown; message?: unknown };
    const message = typeof e.message === 'string' ? e.message : '';
    if (typeof e.code === 'string') {
      return { code: e.code, params: Array.isArray(e.params) ? e.params.map(String) : [], method: typeof e.method === 'string' ? e.method : undefined, message };
    }
    return { code: 'INTERNAL_ERROR', params: message ? [message] : [], message };
  }
  return { code: 'INTERNAL_ERROR', params: [String(err)], message: String(err) };
}

/** VLAN_TAG_INVALID → "Vlan tag invalid.": better than nothing when neither table nor datamodel says more. */
function humanize(code: string): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}.`;
}

/** What a failure means for the user. Accepts a bridge error, an Error or anything thrown. */
export function describeError(err: unknown): ErrorDescription {
  const { code, params, method, message } = fields(err);
  const entry = TABLE[code];
  const doc = docs[code]?.doc;
  const title = entry ? (typeof entry.title === 'function' ? entry.title(params) : entry.title) : doc || (message && message !== code ? message : humanize(code));
  return { title, advice: entry?.advice ?? '', code, params, ...(method ? { method } : {}) };
}

/** One line for a task list or a status strip: "The disk is in use… (VDI_IN_USE)". */
export function errorLine(err: unknown): string {
  const d = describeError(err);
  return `${d.title}${d.advice ? ` ${d.advice}` : ''} (${d.code})`;
}

/**
 * The storage manager plugins a host installs (class `SM`, one record per SR type), as xapi registers them at
 * start from the sm package. Clients read `features` to decide what an SR can do: XenCenter's
 * SupportsStorageMigration() (VDI_SNAPSHOT + VDI_MIRROR), SupportsVdiCreate(), resize; xapi checks the same
 * features before storage migration (SR_DOES_NOT_SUPPORT_MIGRATION).
 */
import type { ObjectDb } from '../db/object-db';

interface SmPlugin {
  type: string;
  name: string;
  description: string;
  driver: string;
  /** Capability names; `NAME/2` is version 2 of a feature, as SM advertises it. */
  features: string[];
  configuration: Record<string, string>;
}

const VHD_FILE = ['SR_PROBE', 'SR_UPDATE', 'SR_CACHING', 'VDI_CREATE', 'VDI_DELETE', 'VDI_ATTACH', 'VDI_DETACH', 'VDI_UPDATE', 'VDI_CLONE',
  'VDI_SNAPSHOT', 'VDI_RESIZE', 'VDI_MIRROR', 'VDI_GENERATE_CONFIG', 'VDI_RESET_ON_BOOT/2', 'VDI_CONFIG_CBT', 'VDI_ACTIVATE', 'VDI_DEACTIVATE',
  'ATOMIC_PAUSE', 'THIN_PROVISIONING', 'VDI_READ_CACHING'];
const LVM = ['SR_PROBE', 'SR_UPDATE', 'SR_TRIM', 'VDI_CREATE', 'VDI_DELETE', 'VDI_ATTACH', 'VDI_DETACH', 'VDI_UPDATE', 'VDI_CLONE', 'VDI_SNAPSHOT',
  'VDI_RESIZE', 'VDI_MIRROR', 'VDI_GENERATE_CONFIG', 'VDI_RESET_ON_BOOT/2', 'VDI_CONFIG_CBT', 'VDI_ACTIVATE', 'VDI_DEACTIVATE', 'ATOMIC_PAUSE'];

const PLUGINS: SmPlugin[] = [
  { type: 'ext', name: 'Local EXT3 VHD', description: 'SR plugin which represents disks as VHD files stored on a local EXT3 filesystem, created inside an LVM volume',
    driver: '/opt/xensource/sm/EXTSR', features: VHD_FILE, configuration: { device: 'local device path (required) (e.g. /dev/sda3)' } },
  { type: 'lvm', name: 'Local LVHD', description: 'SR plugin which represents disks as VHD disks on Logical Volumes within a locally-attached Volume Group',
    driver: '/opt/xensource/sm/LVMSR', features: LVM, configuration: { device: 'local device path (required) (e.g. /dev/sda3)' } },
  { type: 'nfs', name: 'NFS VHD', description: 'SR plugin which stores disks as VHD files on a remote NFS filesystem',
    driver: '/opt/xensource/sm/NFSSR', features: VHD_FILE,
    configuration: { server: 'hostname or IP address of NFS server (required)', serverpath: 'path on remote server (required)', nfsversion: 'for type=nfs, NFS protocol version - 3, 4, 4.0, 4.1 (optional)' } },
  { type: 'smb', name: 'SMB VHD', description: 'SR plugin which stores disks as VHD files on a remote SMB filesystem',
    driver: '/opt/xensource/sm/SMBSR', features: VHD_FILE, configuration: { server: 'Full path to share root on SMB server (required)', username: 'The username to be used during SMB authentication', password: 'The password to be used during SMB authentication' } },
  { type: 'lvmoiscsi', name: 'LVHD over iSCSI', description: 'SR plugin which represents disks as Logical Volumes within a Volume Group created on an iSCSI LUN',
    driver: '/opt/xensource/sm/LVMoISCSISR', features: LVM,
    configuration: { target: 'IP address or hostname of the iSCSI target (required)', targetIQN: 'The IQN of the target LUN group to be attached (required)', SCSIid: 'The scsi_id of the destination LUN' } },
  { type: 'lvmohba', name: 'LVHD over FC', description: 'SR plugin which represents disks as VHDs on Logical Volumes within a Volume Group created on an HBA LUN, e.g. hardware-based iSCSI or FC support',
    driver: '/opt/xensource/sm/LVMoHBASR', features: LVM, configuration: { SCSIid: 'The scsi_id of the destination LUN' } },
  { type: 'iso', name: 'ISO', description: 'Handles CD images stored as files in iso format',
    driver: '/opt/xensource/sm/ISOSR', features: ['VDI_CREATE', 'VDI_DELETE', 'VDI_ATTACH', 'VDI_DETACH', 'SR_SCAN', 'SR_ATTACH', 'SR_DETACH'],
    configuration: { location: 'path to mount (required) (e.g. server:/path)', type: 'cifs or nfs_iso' } },
  { type: 'udev', name: 'Removable storage', description: 'SR plugin which represents removable media as VDIs',
    driver: '/opt/xensource/sm/udevSR', features: ['VDI_ATTACH', 'VDI_DETACH', 'VDI_INTRODUCE', 'SR_SCAN'], configuration: { location: 'path to mount (required)' } },
];

/** One SM record per plugin, with `features` as xapi stores them (name → version) and the legacy `capabilities` list. */
export function addSmPlugins(db: ObjectDb): void {
  for (const p of PLUGINS) {
    const features: Record<string, number> = {};
    for (const f of p.features) {
      const [name, version] = f.split('/');
      features[name] = Number(version ?? 1);
    }
    db.create('SM', {
      name_label: p.name, name_description: p.description, type: p.type, vendor: 'Citrix Systems Inc', copyright: '(C) 2008 Citrix Systems Inc',
      version: '1.0', required_api_version: '1.0', configuration: p.configuration, capabilities: Object.keys(features), features,
      other_config: {}, driver_filename: p.driver, required_cluster_stack: [],
    });
  }
}

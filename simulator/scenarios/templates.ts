/** The default templates a fresh XCP-ng 8.3 host ships (a representative subset), and the RBAC roles. */
import type { PoolBuilder } from './pool-builder';

const LINUX = [
  ['Debian Bookworm 12', 'debian'], ['Debian Bullseye 11', 'debian'], ['Ubuntu Jammy Jellyfish 22.04', 'ubuntu'], ['Ubuntu Noble Numbat 24.04', 'ubuntu'],
  ['Rocky Linux 9', 'rhel'], ['AlmaLinux 9', 'rhel'], ['Red Hat Enterprise Linux 9', 'rhel'], ['CentOS Stream 9', 'rhel'], ['SUSE Linux Enterprise Server 15 (64-bit)', 'sles'],
] as const;
const WINDOWS = ['Windows Server 2022 (64-bit)', 'Windows Server 2019 (64-bit)', 'Windows 10 (64-bit)', 'Windows 11'] as const;

export function addDefaultTemplates(b: PoolBuilder): void {
  const provision = (gib: number) => `<provision><disk device="0" size="${gib * 1024 ** 3}" sr="" bootable="true" type="system"/></provision>`;
  for (const [name, family] of LINUX) {
    b.addVm({
      name, description: `Template that allows VM installation from Xen-aware ${family} distros. To use this template from the CLI, install your VM using vm-install, then set other-config-install-repository to the path to your network repository, e.g. http://<server>/<path> or nfs:server:/<path>`,
      os: 'linux', memoryGiB: 2, vcpus: 1, disks: [], networks: [], power: 'Halted', template: { isDefault: true },
      otherConfig: { default_template: 'true', linux_template: 'true', 'install-methods': 'cdrom,nfs,http,ftp', disks: provision(10), 'instant': 'true' },
    });
  }
  for (const name of WINDOWS) {
    b.addVm({
      name, description: 'Clones of this template will automatically provision their storage when first booted and then reconfigure themselves with the optimal settings for the guest OS.',
      os: 'windows', memoryGiB: 4, vcpus: 2, disks: [], networks: [], power: 'Halted', template: { isDefault: true },
      otherConfig: { default_template: 'true', 'install-methods': 'cdrom', disks: provision(64) },
    });
  }
  b.addVm({ name: 'Other install media', description: 'Template for installing from any media', os: 'linux', memoryGiB: 1, vcpus: 1, disks: [], networks: [], power: 'Halted', template: { isDefault: true }, otherConfig: { default_template: 'true', 'install-methods': 'cdrom', disks: provision(8) } });
}

const ROLES: [string, string, string[]][] = [
  ['pool-admin', 'The Pool Administrator role has full access to all features and settings, including accessing Dom0 and managing subjects, roles and external authentication', []],
  ['pool-operator', 'The Pool Operator role manages host- and pool-wide resources, including setting up storage, creating resource pools and managing patches, high availability (HA) and workload balancing (WLB)', []],
  ['vm-power-admin', 'The VM Power Administrator role has full access to VM and template management and can choose where to start VMs and use the dynamic memory control and VM snapshot features', []],
  ['vm-admin', 'The VM Administrator role can manage VMs and templates', []],
  ['vm-operator', 'The VM Operator role can use VMs and interact with VM consoles', []],
  ['read-only', 'The Read-Only role can log in with basic read-only access', []],
];

export function addRoles(b: PoolBuilder): void {
  for (const [name, description, subroles] of ROLES) b.db.create('role', { name_label: name, name_description: description, subroles, is_internal: false });
}

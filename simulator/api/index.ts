/** The core API modules, one per class; extensions add more through sim.api.register. */
import type { ApiRegistry } from '../rpc/api-registry';
import { installSessionApi } from './session';
import { installEventApi } from './event';
import { installTaskApi } from './task';
import { installHostApi } from './host';
import { installVmApi } from './vm';
import { installMessageApi } from './messages';
import { installVmCopyApi } from './vm-copy';
import { installMigrationApi } from './migration';
import { installDeviceApi } from './devices';
import { installVmSnapshotApi } from './vm-snapshot';
import { installVmssApi } from './vmss';
import { installPluginApi } from './plugins';
import { installHaApi } from './ha';
import { installHaGuards } from './ha-guards';

export function installCoreApi(api: ApiRegistry): void {
  installSessionApi(api);
  installEventApi(api);
  installTaskApi(api);
  installHostApi(api);
  installVmApi(api);
  installMessageApi(api);
  installVmCopyApi(api);
  installMigrationApi(api);
  installDeviceApi(api);
  // After installVmApi: wraps its VM.destroy for snapshots.
  installVmSnapshotApi(api);
  installVmssApi(api);
  installPluginApi(api);
  installHaApi(api);
  // Last: wraps the lifecycle, migration, host and device handlers registered above.
  installHaGuards(api);
}

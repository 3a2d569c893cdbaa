/**
 * The extension modules installed into every simulator. Add one import and one entry per module
 * (simulator/rrd/, simulator/console/, …); see README.md "Extension points".
 */
import type { SimExtension } from './extension';
import { installConsoles } from './console/console-extension';
import { installRrd } from './rrd/rrd-extension';
import { installVmssScheduler } from './api/vmss';
import { installContainers } from './containers/install';
import { installHaRuntime } from './api/ha-failover';
import { installMemoryOverheads } from './api/memory-model';

export const extensions: SimExtension[] = [installConsoles, installRrd, installVmssScheduler, installContainers, installHaRuntime, installMemoryOverheads];

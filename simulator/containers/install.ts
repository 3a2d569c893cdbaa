/**
 * The containers extension: the `xscontainer` host plugin on pools whose scenario gave guests Docker engines,
 * the engines following their VMs' power state, and xscontainer-monitor writing docker_ps / docker_info /
 * docker_version into the monitored VMs' other_config.
 */
import type { SimExtension } from '../extension';
import { existingPoolContainers } from './guest-docker';
import { installXscontainerPlugin } from './xscontainer-plugin';

export const installContainers: SimExtension = async (sim) => {
  installXscontainerPlugin(sim);
  for (const pool of sim.pools) {
    const containers = existingPoolContainers(pool);
    if (!containers) continue;
    containers.attach();
    await containers.monitor.start();
  }
};

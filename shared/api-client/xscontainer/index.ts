/**
 * Docker containers through xscontainer, for the client: parsers for what the plugin writes into VM
 * other_config and returns from host.call_plugin, its failures, and a VM's monitoring state. Platform-neutral
 * (renderer and Node alike); every parser returns `{ok, value}` or `{ok: false, error}` and never throws.
 */
export { parseDockerPs, stateFromStatus, type DockerContainer, type DockerContainerState, type DockerPort } from './docker-ps';
export { parseDockerInfo, parseDockerVersion, type DockerInfo, type DockerVersion } from './docker-engine';
export { parseDockerTop, parseDockerInspect, pluginPayload, cpuTimeSeconds, type DockerProcess } from './plugin-results';
export { describeXscontainerFailure, parsePythonStringList, type XscontainerFailure } from './plugin-failure';
export { containerMonitoring, XSCONTAINER_ALERT_NAME, XSCONTAINER_MONITOR_KEY, type ContainerMonitoring, type MonitoredVmFields, type MessageFields } from './monitoring';
export { parseXsXml, DEFAULT_LIMITS, type XsNode, type XsParseLimits, type XsResult, type XscontainerDataError, type XscontainerDataErrorCode } from './xml-tree';

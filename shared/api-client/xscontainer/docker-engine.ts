/**
 * The guest's Docker engine from `other_config["docker_info"]` (Docker's /info) and `["docker_version"]`
 * (Docker's /version), as xscontainer writes them. The typed fields are those a client shows (XenCenter's
 * Docker box: API version, version, Git commit, driver, index server address, execution driver, IPv4
 * forwarding); everything else stays in `tree` for a details view. Fields a Docker version lacks are absent.
 */
import { childText, fail, parseXsDocument, toInteger, type XsNode, type XsParseLimits, type XsResult } from './xml-tree';

export interface DockerInfo {
  serverVersion?: string;
  driver?: string;
  indexServerAddress?: string;
  /** Docker before 1.11 only. */
  executionDriver?: string;
  ipv4Forwarding?: boolean;
  operatingSystem?: string;
  kernelVersion?: string;
  name?: string;
  ncpu?: number;
  memTotal?: number;
  containers?: number;
  containersRunning?: number;
  containersPaused?: number;
  containersStopped?: number;
  images?: number;
  dockerRootDir?: string;
  tree: XsNode;
}

export interface DockerVersion {
  version?: string;
  apiVersion?: string;
  minApiVersion?: string;
  gitCommit?: string;
  goVersion?: string;
  os?: string;
  arch?: string;
  kernelVersion?: string;
  buildTime?: string;
  tree: XsNode;
}

/** Python's str() of a bool as xscontainer writes it. */
function pyBool(text: string | undefined): boolean | undefined {
  return text === 'True' ? true : text === 'False' ? false : undefined;
}

function assign<T extends object>(target: T, fields: { [K in keyof T]?: T[K] | undefined }): T {
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (target as Record<string, unknown>)[k] = v;
  return target;
}

export function parseDockerInfo(xml: unknown, limits?: XsParseLimits): XsResult<DockerInfo> {
  try {
    const doc = parseXsDocument(xml, 'docker_info', limits);
    if (!doc.ok) return doc;
    const t = (k: string) => childText(doc.value, k);
    const n = (k: string) => toInteger(t(k));
    return {
      ok: true,
      value: assign<DockerInfo>({ tree: doc.value }, {
        serverVersion: t('ServerVersion'), driver: t('Driver'), indexServerAddress: t('IndexServerAddress'), executionDriver: t('ExecutionDriver'),
        ipv4Forwarding: pyBool(t('IPv4Forwarding')), operatingSystem: t('OperatingSystem'), kernelVersion: t('KernelVersion'), name: t('Name'), ncpu: n('NCPU'),
        memTotal: n('MemTotal'), containers: n('Containers'), containersRunning: n('ContainersRunning'), containersPaused: n('ContainersPaused'),
        containersStopped: n('ContainersStopped'), images: n('Images'), dockerRootDir: t('DockerRootDir'),
      }),
    };
  } catch (err) {
    return fail('XSCONTAINER_DATA_MALFORMED', err instanceof Error ? err.message : String(err));
  }
}

export function parseDockerVersion(xml: unknown, limits?: XsParseLimits): XsResult<DockerVersion> {
  try {
    const doc = parseXsDocument(xml, 'docker_version', limits);
    if (!doc.ok) return doc;
    const t = (k: string) => childText(doc.value, k);
    return {
      ok: true,
      value: assign<DockerVersion>({ tree: doc.value }, {
        version: t('Version'), apiVersion: t('ApiVersion'), minApiVersion: t('MinAPIVersion'), gitCommit: t('GitCommit'), goVersion: t('GoVersion'), os: t('Os'),
        arch: t('Arch'), kernelVersion: t('KernelVersion'), buildTime: t('BuildTime'),
      }),
    };
  } catch (err) {
    return fail('XSCONTAINER_DATA_MALFORMED', err instanceof Error ? err.message : String(err));
  }
}

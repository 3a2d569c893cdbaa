/**
 * xscontainer's docker.py for one pool: requests to a guest's Docker socket over SSH, the error text it
 * builds from a non-2xx answer (`Request '…' led to status Conflict - {"message": "…"} (409)`, and for POSTs
 * an alert on the VM with the same title and body), the `docker ps` patching (Names, Container = first 10
 * characters of the id, Status cut to `Up`, `Up (Paused)`, `Exited (n)`, keys lower-cased) and the XML
 * documents written to `other_config` or returned by the plugin.
 */
import { postMessage } from '../api/messages';
import { PythonException } from '../api/xenapi-plugin';
import { dockerRequest, responseText } from './docker-api';
import type { Json } from './docker-json';
import type { PoolContainers } from './guest-docker';
import { convertToXml } from './xs-xml';

export class XsContainerDocker {
  constructor(private readonly pc: PoolContainers) {}

  private vmUuid(vmRef: string): string {
    return String(this.pc.pool.db.get('VM', vmRef).uuid);
  }

  /**
   * remote_helper.execute_docker: SSH to the guest (remembering its host key the first time) and pipe the
   * request into `ncat -U /var/run/docker.sock`.
   */
  private async execute(vmRef: string, method: string, path: string): Promise<string> {
    const uuid = this.vmUuid(vmRef);
    const g = this.pc.guest(vmRef);
    if (this.pc.sshReachable(vmRef)) this.rememberHostKey(vmRef, g.hostKey);
    const failure = this.pc.access(vmRef, uuid);
    if (failure) throw new PythonException(failure.pyClass, failure.text);
    return responseText(await dockerRequest(g.daemon!, method, path));
  }

  /** paramiko's MissingHostKeyPolicy in xscontainer: the first key seen is stored in other_config. */
  private rememberHostKey(vmRef: string, key: string): void {
    const vm = this.pc.pool.db.get('VM', vmRef);
    const oc = vm.other_config as Record<string, string>;
    if (oc['xscontainer-sshhostkey']) return;
    this.pc.pool.db.update('VM', vmRef, { other_config: { ...oc, 'xscontainer-sshhostkey': key } });
  }

  /** docker._interact_with_api: the response body, or XSContainerException with xscontainer's wording. */
  async interact(vmRef: string, method: string, path: string, messageError = false): Promise<string> {
    const request = `${method} ${path} HTTP/1.0\r\n\r\n`;
    const stdout = await this.execute(vmRef, method, path);
    const headerEnd = stdout.indexOf('\r\n\r\n');
    const header = stdout.slice(0, headerEnd);
    const body = stdout.slice(headerEnd + 4);
    const statusLine = header.split('\r\n')[0].split(' ');
    const statusCode = statusLine[1];
    if (statusCode[0] === '2') return body;
    const status = statusLine.slice(2).join(' ');
    let title = 'Container Management Error';
    let text = body.trim();
    if (text === '') text = statusCode === '304' ? 'The requested operation is currently not possible. Please try again later.' : 'The requested operation failed.';
    text = `${text} (${statusCode})`;
    const colon = text.indexOf(':');
    if (colon >= 0) [title, text] = [text.slice(0, colon), text.slice(colon + 1)];
    if (messageError) postMessage(this.pc.pool, title, 3, 'VM', this.vmUuid(vmRef), text);
    throw new PythonException('XSContainerException', `Request '${request}' led to status ${status} - ${title}: ${text}`);
  }

  async getJson(vmRef: string, path: string): Promise<Json> {
    return JSON.parse(await this.interact(vmRef, 'GET', path)) as Json;
  }

  /** get_ps_dict: `docker ps -a` with xscontainer's patches. */
  async psXml(vmRef: string): Promise<string> {
    const list = (await this.getJson(vmRef, '/containers/json?all=1&size=1')) as Record<string, Json>[];
    const entries = list.map((c) => {
      const patched: Record<string, Json> = { ...c, Names: String((c.Names as string[])[0]).slice(1), Container: String(c.Id).slice(0, 10), Status: patchStatus(String(c.Status)) };
      const lower: Record<string, Json> = {};
      for (const [k, v] of Object.entries(patched)) lower[k.toLowerCase()] = v;
      return { entry: lower };
    });
    return convertToXml('docker_ps', entries);
  }

  async infoXml(vmRef: string): Promise<string> {
    return convertToXml('docker_info', await this.getJson(vmRef, '/info'));
  }

  async versionXml(vmRef: string): Promise<string> {
    return convertToXml('docker_version', await this.getJson(vmRef, '/version'));
  }

  async inspectXml(vmRef: string, container: string): Promise<string> {
    verifyContainer(container);
    return convertToXml('docker_inspect', await this.getJson(vmRef, `/containers/${container}/json`));
  }

  /** get_top_dict: one `{Process: {title: value}}` per process. */
  async topXml(vmRef: string, container: string): Promise<string> {
    verifyContainer(container);
    const top = (await this.getJson(vmRef, `/containers/${container}/top`)) as { Titles: string[]; Processes: string[][] };
    const entries = top.Processes.map((process) => {
      if (top.Titles.length > process.length) throw new PythonException('XSContainerException', "Can't parse top output");
      const fields: Record<string, Json> = {};
      top.Titles.forEach((t, i) => (fields[t] = process[i]));
      return { Process: fields };
    });
    return convertToXml('docker_top', entries);
  }

  /** _run_container_cmd: POST /containers/<container>/<command>; failures also become an alert on the VM. */
  async containerCommand(vmRef: string, container: string, command: string): Promise<string> {
    verifyContainer(container);
    return this.interact(vmRef, 'POST', `/containers/${container}/${command}`, true);
  }
}

/** _verify_or_throw_container: `re.match('^[a-z0-9_.-]+$', …)` (Python's `$` also matches before a final newline). */
export function verifyContainer(container: string): void {
  if (!/^[a-z0-9_.-]+\n?$/.test(container)) throw new PythonException('XSContainerException', 'Invalid container');
}

/** patch_docker_ps_status: `Up …` → `Up` or `Up (Paused)`, `Exited (n) … ago` → `Exited (n)`, the rest as is. */
export function patchStatus(status: string): string {
  if (status.startsWith('Up')) return status.endsWith('(Paused)') ? 'Up (Paused)' : 'Up';
  if (status.startsWith('Exited (')) {
    const close = status.lastIndexOf(')');
    // Python: `if closing_bracket_index:` is true for -1 too, and status[0:0] is ''.
    return close !== 0 ? status.slice(0, close + 1) : status;
  }
  return status;
}

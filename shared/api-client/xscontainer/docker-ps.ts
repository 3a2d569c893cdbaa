/**
 * A VM's containers from `other_config["docker_ps"]`, as xscontainer writes it:
 * `<docker_ps><item><entry><id>…</id><names>…</names><status>…</status><container>…</container>…</entry></item>…`
 * (Docker's `ps -a` with the top-level keys lower-cased, `names` the first name without its `/`, `container`
 * the first 10 characters of the id, `status` cut to `Up`, `Up (Paused)` or `Exited (n)`, and `ports` a list of
 * `<item><IP/><PrivatePort/><PublicPort/><Type/></item>`). States are read from the status by prefix, as
 * XenCenter does, because the full status text changes between Docker versions.
 */
import { child, childText, fail, parseXsDocument, toInteger, type XsNode, type XsParseLimits, type XsResult } from './xml-tree';

export type DockerContainerState = 'running' | 'paused' | 'restarting' | 'exited' | 'created' | 'removing' | 'dead' | 'unknown';

export interface DockerPort {
  /** Host address the port is published on (`0.0.0.0`, `::`), absent when only exposed. */
  ip?: string;
  privatePort?: number;
  publicPort?: number;
  /** `tcp` or `udp`. */
  protocol?: string;
}

export interface DockerContainer {
  /** The full 64-character id (XenCenter's "UUID"); get_inspect takes it. */
  id: string;
  /** The short id (`container`, 10 characters); XenCenter sends it to start/stop/pause/unpause/restart. */
  shortId: string;
  name: string;
  /** Docker's status text as xscontainer left it (`Up`, `Up (Paused)`, `Exited (0)`, `Restarting (1) 5 seconds ago`…). */
  status: string;
  state: DockerContainerState;
  /** For exited and restarting containers. */
  exitCode?: number;
  /** Unix seconds. */
  created?: number;
  image: string;
  command: string;
  ports: DockerPort[];
  labels: Record<string, string>;
}

const STATES = new Set<DockerContainerState>(['running', 'paused', 'restarting', 'exited', 'created', 'removing', 'dead']);

/** The container's state from Docker's status text (then its `state` field, for statuses this does not know). */
export function stateFromStatus(status: string, stateField?: string): { state: DockerContainerState; exitCode?: number } {
  const s = status.trim();
  if (s.startsWith('Up')) return { state: s.includes('(Paused)') ? 'paused' : 'running' };
  const coded = /^(Exited|Restarting) \((-?\d+)\)/.exec(s);
  if (coded) return { state: coded[1] === 'Exited' ? 'exited' : 'restarting', exitCode: Number(coded[2]) };
  if (s.startsWith('Created')) return { state: 'created' };
  if (s.startsWith('Removal In Progress')) return { state: 'removing' };
  if (s.startsWith('Dead')) return { state: 'dead' };
  const field = stateField?.trim().toLowerCase() as DockerContainerState | undefined;
  return { state: field && STATES.has(field) ? field : 'unknown' };
}

function ports(node: XsNode | undefined): DockerPort[] {
  if (!node) return [];
  return node.children.filter((i) => i.name === 'item').map((i) => {
    const p: DockerPort = {};
    const ip = childText(i, 'IP');
    if (ip !== undefined) p.ip = ip;
    const priv = toInteger(childText(i, 'PrivatePort'));
    if (priv !== undefined) p.privatePort = priv;
    const pub = toInteger(childText(i, 'PublicPort'));
    if (pub !== undefined) p.publicPort = pub;
    const type = childText(i, 'Type');
    if (type !== undefined) p.protocol = type;
    return p;
  });
}

function labels(node: XsNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  // Labels arrive as elements named by their keys; `None` when Docker sent null.
  for (const c of node?.children ?? []) if (!Object.hasOwn(out, c.name)) out[c.name] = c.text;
  return out;
}

function container(entry: XsNode): DockerContainer | string {
  const id = childText(entry, 'id')?.trim();
  if (!id) return 'an entry has no <id>';
  const status = childText(entry, 'status') ?? '';
  const { state, exitCode } = stateFromStatus(status, childText(entry, 'state'));
  const shortId = childText(entry, 'container')?.trim() || id.slice(0, 10);
  const c: DockerContainer = {
    id, shortId, name: childText(entry, 'names')?.trim() || shortId, status, state, image: childText(entry, 'image') ?? '', command: childText(entry, 'command') ?? '',
    ports: ports(child(entry, 'ports')), labels: labels(child(entry, 'labels')),
  };
  if (exitCode !== undefined) c.exitCode = exitCode;
  const created = toInteger(childText(entry, 'created'));
  if (created !== undefined) c.created = created;
  return c;
}

/** Parses docker_ps. Never throws: a bad document is an error value for this VM only. */
export function parseDockerPs(xml: unknown, limits?: XsParseLimits): XsResult<DockerContainer[]> {
  try {
    const doc = parseXsDocument(xml, 'docker_ps', limits);
    if (!doc.ok) return doc;
    const out: DockerContainer[] = [];
    const ids = new Set<string>();
    for (const item of doc.value.children) {
      if (item.name !== 'item') return fail('XSCONTAINER_DATA_WRONG_SHAPE', `<docker_ps> holds <${item.name}>, expected <item>`);
      const entry = child(item, 'entry');
      if (!entry) return fail('XSCONTAINER_DATA_WRONG_SHAPE', 'an <item> of <docker_ps> has no <entry>');
      const c = container(entry);
      if (typeof c === 'string') return fail('XSCONTAINER_DATA_WRONG_SHAPE', c);
      if (ids.has(c.id)) return fail('XSCONTAINER_DATA_WRONG_SHAPE', `container ${c.id} is listed twice`);
      ids.add(c.id);
      out.push(c);
    }
    return { ok: true, value: out };
  } catch (err) {
    return fail('XSCONTAINER_DATA_MALFORMED', err instanceof Error ? err.message : String(err));
  }
}

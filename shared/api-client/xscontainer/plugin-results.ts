/**
 * The answers of the xscontainer plugin's detail functions, as host.call_plugin returns them: "True" followed
 * by an XML document (XenCenter accepts "true" in any case and strips the first four characters).
 * - get_top: `<docker_top><item><Process><UID/><PID/><PPID/><C/><STIME/><TTY/><TIME/><CMD/></Process></item>…`
 *   (one element per column of Docker's top, `ps -ef` by default);
 * - get_inspect: `<docker_inspect>…docker inspect…</docker_inspect>`, shown as a tree without its root.
 */
import { child, fail, parseXsDocument, type XsNode, type XsParseLimits, type XsResult } from './xml-tree';

/** The payload after the leading "True"; anything else is the plugin saying no (e.g. "ERROR: … dev mode."). */
export function pluginPayload(result: unknown): XsResult<string> {
  if (typeof result !== 'string') return fail('XSCONTAINER_DATA_NOT_A_RESULT', 'the plugin result is not text');
  if (result.slice(0, 4).toLowerCase() !== 'true') return fail('XSCONTAINER_DATA_NOT_A_RESULT', result.slice(0, 500) || 'empty plugin result');
  return { ok: true, value: result.slice(4) };
}

export interface DockerProcess {
  pid: string;
  command: string;
  /** ps's TIME column (`[DD-]HH:MM:SS`). */
  cpuTime: string;
  /** The same in seconds, for sorting (undefined when the column is not in that form). */
  cpuSeconds?: number;
  user?: string;
  /** Every column, by Docker's title. */
  fields: Record<string, string>;
}

/** `[DD-]HH:MM:SS` or `MM:SS` to seconds. */
export function cpuTimeSeconds(text: string): number | undefined {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** Parses get_top's result (with or without the leading "True"). */
export function parseDockerTop(result: unknown, limits?: XsParseLimits): XsResult<DockerProcess[]> {
  try {
    const xml = typeof result === 'string' && /^true/i.test(result) ? result.slice(4) : result;
    const doc = parseXsDocument(xml, 'docker_top', limits);
    if (!doc.ok) return doc;
    const out: DockerProcess[] = [];
    for (const item of doc.value.children) {
      const proc = item.name === 'item' ? child(item, 'Process') : undefined;
      if (!proc) return fail('XSCONTAINER_DATA_WRONG_SHAPE', 'an element of <docker_top> is not <item><Process>');
      const fields: Record<string, string> = {};
      for (const f of proc.children) if (!Object.hasOwn(fields, f.name)) fields[f.name] = f.text;
      const p: DockerProcess = { pid: fields.PID ?? '', command: fields.CMD ?? fields.COMMAND ?? '', cpuTime: fields.TIME ?? '', fields };
      const secs = cpuTimeSeconds(p.cpuTime);
      if (secs !== undefined) p.cpuSeconds = secs;
      if (fields.UID !== undefined || fields.USER !== undefined) p.user = fields.UID ?? fields.USER;
      out.push(p);
    }
    return { ok: true, value: out };
  } catch (err) {
    return fail('XSCONTAINER_DATA_MALFORMED', err instanceof Error ? err.message : String(err));
  }
}

/** Parses get_inspect's result into the tree a details view shows (the root's children). */
export function parseDockerInspect(result: unknown, limits?: XsParseLimits): XsResult<XsNode[]> {
  try {
    const xml = typeof result === 'string' && /^true/i.test(result) ? result.slice(4) : result;
    const doc = parseXsDocument(xml, 'docker_inspect', limits);
    return doc.ok ? { ok: true, value: doc.value.children } : doc;
  } catch (err) {
    return fail('XSCONTAINER_DATA_MALFORMED', err instanceof Error ? err.message : String(err));
  }
}

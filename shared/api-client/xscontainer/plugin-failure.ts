/**
 * What a failed xscontainer call means, from the XAPI error it ends with. The plugin's failures come in layers:
 * - XENAPI_PLUGIN_FAILURE [fn, "XSContainerException", "Request 'POST /containers/x/stop HTTP/1.0\r\n\r\n' led to
 *   status Conflict - {"message": "Container … is not running"} (409)"]: Docker said no (the message and status
 *   are pulled out);
 * - [fn, "SshException" | "AuthenticationException", …]: the guest could not be reached;
 * - [fn, "Exception", "INVALID_ARGUMENTS"]: an argument is missing;
 * - [fn, "Failure", "['XENAPI_PLUGIN_FAILURE', …]"]: the host running the VM failed (Python repr of its error);
 * - ["non-zero exit", stdout, stderr]: the plugin printed a failure before exiting (an XML-RPC reply in stdout)
 *   or crashed (a traceback in stderr, e.g. for an unknown VM uuid).
 * The result is a sentence for the task panel plus what was found on the way; the raw code stays with the caller.
 */
import { parseXsXml, type XsNode } from './xml-tree';

export interface XscontainerFailure {
  /** The innermost explanation: Docker's message, the SSH failure, the XAPI error. */
  text: string;
  /** The HTTP status Docker answered, when Docker refused the request. */
  dockerStatus?: number;
  /** The Python exception class the plugin raised. */
  pythonClass?: string;
  /** The innermost XAPI error code, when the failure is one (UUID_INVALID, UNKNOWN_XENAPI_PLUGIN_FUNCTION…). */
  code?: string;
}

const MAX_TEXT = 64 * 1024;

/** Parses Python's repr of a list of strings (`['a', "b'c", u'\xe9']`); undefined when it is not one. */
export function parsePythonStringList(text: string): string[] | undefined {
  const s = text.slice(0, MAX_TEXT);
  let i = 0;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  ws();
  if (s[i++] !== '[') return undefined;
  const out: string[] = [];
  ws();
  if (s[i] === ']') return i + 1 === s.trimEnd().length ? out : undefined;
  for (;;) {
    ws();
    if (s[i] === 'u' || s[i] === 'b') i++;
    const quote = s[i++];
    if (quote !== "'" && quote !== '"') return undefined;
    let value = '';
    for (;;) {
      if (i >= s.length) return undefined;
      const ch = s[i++];
      if (ch === quote) break;
      if (ch !== '\\') {
        value += ch;
        continue;
      }
      const e = s[i++];
      const hex = (n: number) => {
        const h = s.slice(i, i + n);
        if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) return undefined;
        i += n;
        return String.fromCodePoint(parseInt(h, 16));
      };
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };
      const decoded = e === 'x' ? hex(2) : e === 'u' ? hex(4) : e === 'U' ? hex(8) : e !== undefined ? simple[e] ?? `\\${e}` : undefined;
      if (decoded === undefined) return undefined;
      value += decoded;
    }
    out.push(value);
    ws();
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] === ']') return s.slice(i + 1).trim() === '' ? out : undefined;
    return undefined;
  }
}

/** The ErrorDescription of an XML-RPC failure reply `{Status: Failure, ErrorDescription: [...]}`. */
function xmlRpcFailure(stdout: string): string[] | undefined {
  const doc = parseXsXml(stdout.trim(), { maxLength: MAX_TEXT }, false);
  if (!doc.ok) return undefined;
  const find = (n: XsNode): XsNode | undefined => {
    if (n.name === 'member' && n.children.find((c) => c.name === 'name')?.text === 'ErrorDescription') return n;
    for (const c of n.children) {
      const f = find(c);
      if (f) return f;
    }
    return undefined;
  };
  const member = find(doc.value);
  const data = member?.children.find((c) => c.name === 'value')?.children.find((c) => c.name === 'array')?.children.find((c) => c.name === 'data');
  if (!data) return undefined;
  return data.children.filter((v) => v.name === 'value').map((v) => (v.children.find((c) => c.name === 'string')?.text ?? v.text));
}

/** Docker's refusal inside xscontainer's "Request '…' led to status …" text. */
function dockerRefusal(message: string): XscontainerFailure | undefined {
  const m = /^Request '[\s\S]*?' led to status [^-]*- ([\s\S]*)$/.exec(message);
  if (!m) return undefined;
  let body = m[1].trim();
  let status: number | undefined;
  const code = /\((\d{3})\)$/.exec(body);
  if (code) {
    status = Number(code[1]);
    body = body.slice(0, code.index).trim();
  }
  const json = /"message": ?"((?:[^"\\]|\\.)*)"/.exec(body);
  let text = body;
  if (json) {
    try {
      text = JSON.parse(`"${json[1]}"`) as string;
    } catch {
      text = json[1];
    }
  } else if (body.startsWith('Container Management Error: ')) text = body.slice('Container Management Error: '.length);
  return status === undefined ? { text, pythonClass: 'XSContainerException' } : { text, dockerStatus: status, pythonClass: 'XSContainerException' };
}

/** `('execute_ssh: No valid IP …', <traceback object at 0x…>)` → its first string. */
function firstOfTuple(text: string): string {
  const m = /^\((['"])([\s\S]*?)\1, <traceback object at 0x[0-9a-f]+>\)$/.exec(text);
  return m ? m[2] : text;
}

function describe(code: string, params: readonly string[], depth: number): XscontainerFailure | undefined {
  if (depth > 4) return undefined;
  if (code === 'XENAPI_PLUGIN_FAILURE') {
    if (params[0] === 'non-zero exit') {
      const inner = xmlRpcFailure(params[1] ?? '');
      if (inner?.length) return describe(inner[0], inner.slice(1), depth + 1) ?? { text: inner.join(' '), code: inner[0] };
      const lastLine = (params[2] ?? '').slice(-MAX_TEXT).trim().split('\n').pop() ?? '';
      const failure = /^XenAPI\.Failure: (.*)$/.exec(lastLine);
      const list = failure ? parsePythonStringList(failure[1]) : undefined;
      if (list?.length) return describe(list[0], list.slice(1), depth + 1) ?? { text: list.join(' '), code: list[0] };
      return { text: lastLine || 'The xscontainer plug-in failed.' };
    }
    const [, pyClass = '', message = ''] = params;
    if (pyClass === 'Failure') {
      const list = parsePythonStringList(message);
      if (list?.length) return describe(list[0], list.slice(1), depth + 1) ?? { text: list.join(' '), code: list[0] };
    }
    if (pyClass === 'XSContainerException') {
      const refusal = dockerRefusal(message);
      if (refusal) return refusal;
    }
    if (pyClass === 'Exception' && message === 'INVALID_ARGUMENTS') return { text: 'The plug-in was called without an argument it needs.', pythonClass: pyClass };
    return { text: firstOfTuple(message) || pyClass, pythonClass: pyClass || undefined };
  }
  if (code === 'UNKNOWN_XENAPI_PLUGIN_FUNCTION') return { text: `The plug-in has no function ${params[0] ?? ''}.`, code };
  if (code === 'UUID_INVALID' || code === 'HANDLE_INVALID') return { text: `No such ${params[0] ?? 'object'}: ${params[1] ?? ''}`, code };
  return undefined;
}

/** Explains a failed xscontainer call; undefined when the error is not the plugin's (HOST_OFFLINE, SESSION_INVALID…). */
export function describeXscontainerFailure(code: string, params: readonly unknown[]): XscontainerFailure | undefined {
  try {
    return describe(code, params.map((p) => String(p).slice(0, MAX_TEXT)), 0);
  } catch {
    return undefined;
  }
}

/**
 * How a Python dom0 plugin built on XenAPIPlugin.py ends, and what xapi (Xapi_plugins.call_plugin) makes of it:
 * - the function returns a string: the result of host.call_plugin;
 * - an exception escapes the function: XenAPIPlugin.dispatch prints XENAPI_PLUGIN_FAILURE [fn, class, str(e)];
 * - the function is not in the table: UNKNOWN_XENAPI_PLUGIN_FUNCTION [fn];
 * - the script exits non-zero (an exception outside dispatch, or sys.exit(1)): XENAPI_PLUGIN_FAILURE
 *   ["non-zero exit", stdout, stderr].
 * Also the Python 2 text those paths produce: repr() of strings and lists, and xmlrpclib's dumps() of a
 * failure, which a plugin prints before sys.exit(1).
 */
import { XapiError } from '../xapi-error';

/** A Python exception escaping a plugin function; `text` is str(e). */
export class PythonException extends Error {
  constructor(readonly pyClass: string, readonly text: string) {
    super(`${pyClass}: ${text}`);
  }
}

/** The plugin script ended with a non-zero status. */
export class PluginExit extends Error {
  constructor(readonly stdout: string, readonly stderr: string) {
    super('non-zero exit');
  }
}

export type PluginFunction<C> = (ctx: C, args: Record<string, string>) => string | Promise<string>;

/** XenAPIPlugin.dispatch(fn_table) as xapi sees its output. */
export async function dispatchPythonPlugin<C>(table: Record<string, PluginFunction<C>>, fn: string, ctx: C, args: Record<string, string>): Promise<string> {
  const f = Object.hasOwn(table, fn) ? table[fn] : undefined;
  if (!f) throw new XapiError('UNKNOWN_XENAPI_PLUGIN_FUNCTION', [fn]);
  try {
    return await f(ctx, args);
  } catch (err) {
    if (err instanceof PythonException) throw new XapiError('XENAPI_PLUGIN_FAILURE', [fn, err.pyClass, err.text]);
    throw err;
  }
}

/** xapi's answer to a plugin that exited non-zero. */
export function pluginExitError(e: PluginExit): XapiError {
  return new XapiError('XENAPI_PLUGIN_FAILURE', ['non-zero exit', e.stdout, e.stderr]);
}

/** Python 2 repr() of a str (or of a unicode object when it holds non-ASCII text). */
export function pythonRepr(s: string): string {
  const unicode = [...s].some((ch) => ch.codePointAt(0)! > 0x7f);
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = unicode ? 'u' : '';
  out += quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f || (c > 0x7f && c < 0x100)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x10000) out += `\\U${c.toString(16).padStart(8, '0')}`;
    else if (c > 0xff) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** str() of a Python list of strings (XenAPI.Failure's str(): its details list). */
export function pythonListRepr(items: readonly string[]): string {
  return `[${items.map(pythonRepr).join(', ')}]`;
}

const xmlrpcEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `print XenAPIPlugin.failure_message(description)`: Python 2 xmlrpclib.dumps of {Status, ErrorDescription}, and print's newline. */
export function printedFailureMessage(description: readonly string[]): string {
  const values = description.map((d) => `<value><string>${xmlrpcEscape(d)}</string></value>\n`).join('');
  return "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n"
    + '<member>\n<name>Status</name>\n<value><string>Failure</string></value>\n</member>\n'
    + `<member>\n<name>ErrorDescription</name>\n<value><array><data>\n${values}</data></array></value>\n</member>\n`
    + '</struct></value>\n</param>\n</params>\n</methodResponse>\n\n';
}

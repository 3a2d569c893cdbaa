/**
 * How deep a value from a server may nest. Everything XAPI sends is shallow (an event batch holding a
 * record holding a map of sets is about six levels), but a broken or hostile server can send a value
 * nested a hundred thousand levels deep: JSON.parse takes it, and then every recursive walk of it
 * (JSON.stringify to the page, structured clone over IPC, comparisons) overflows the stack. The
 * codecs refuse such a reply at once, as MALFORMED_REPLY naming this limit, so nothing past them ever
 * holds a deep value.
 */
import { ClientErrorCode, XapiError } from '../xapi-error';

export const MAX_VALUE_DEPTH = 128;

export function tooDeepError(method: string): XapiError {
  return new XapiError(ClientErrorCode.MALFORMED_REPLY, [method, `values nested deeper than ${MAX_VALUE_DEPTH} levels`], method,
    `The reply to ${method} holds values nested deeper than ${MAX_VALUE_DEPTH} levels, which no XAPI server sends: it was refused`);
}

/** Throws tooDeepError when `value` (decoded JSON) nests deeper than MAX_VALUE_DEPTH. One walk, no recursion. */
export function checkDepth(value: unknown, method: string): void {
  if (typeof value !== 'object' || value === null) return;
  const stack: object[] = [value];
  const depths: number[] = [1];
  while (stack.length) {
    const v = stack.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop() as number;
    if (depth > MAX_VALUE_DEPTH) throw tooDeepError(method);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        if (typeof item === 'object' && item !== null) {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in v) {
        const item = v[key];
        if (typeof item === 'object' && item !== null) {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
    }
  }
}

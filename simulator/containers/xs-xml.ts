/**
 * xscontainer's `util.converttoxml` as Python 2.7's minidom writes it (`dom.toxml()`), byte for byte:
 * - the declaration `<?xml version="1.0" ?>` and no newlines or indentation;
 * - a dict becomes one element per key, a list one `<item>` per element, a scalar a text node;
 * - keys that are not XML names (a leading digit, a `/`, a leading `.`, `:`, `!`, `?`, or starting with
 *   `xml`) become `<SPECIAL_XS_ENCODED_ELEMENT name="key">`;
 * - text is escaped twice: `xml.sax.saxutils.escape(str(value))`, then minidom's own escaping of `&`, `<`,
 *   `"` and `>` (so `a && b` is written `a &amp;amp;&amp;amp; b`);
 * - `str()` of Python values: True/False, None, integers;
 * - an element with no children is `<x/>`; one with an empty string is `<x></x>`.
 * Key order is the engine's (xscontainer's is Python 2 dict order, which no client may rely on).
 */
import type { Json } from './docker-json';

/** xml.sax.saxutils.escape: &, <, >. */
const saxEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** minidom's _write_data (Python 2.7): &, <, " and >. */
const writeData = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/>/g, '&gt;');

function pythonStr(v: string | number | boolean | null): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number' && !Number.isInteger(v)) throw new Error('converttoxml: only integers are modelled');
  return String(v);
}

function needsSpecialElement(key: string): boolean {
  return /^[0-9]/.test(key) || key.includes('/') || ['.', ':', '!', '?'].includes(key[0]) || key.toLowerCase().startsWith('xml');
}

function element(tag: string, attrs: string, content: string | undefined): string {
  return content === undefined ? `<${tag}${attrs}/>` : `<${tag}${attrs}>${content}</${tag}>`;
}

/** The children of an element holding `node` (undefined when it has none). */
function content(node: Json): string | undefined {
  if (Array.isArray(node)) return node.length ? node.map((item) => element('item', '', content(item))).join('') : undefined;
  if (node !== null && typeof node === 'object') {
    const keys = Object.keys(node);
    if (!keys.length) return undefined;
    return keys.map((key) => {
      if (!key) throw new Error('converttoxml: empty key'); // Python fails on key[0] too
      return needsSpecialElement(key)
        ? element('SPECIAL_XS_ENCODED_ELEMENT', ` name="${writeData(key)}"`, content(node[key]))
        : element(saxEscape(key), '', content(node[key]));
    }).join('');
  }
  return writeData(saxEscape(pythonStr(node)));
}

/** `converttoxml({root: value})`. */
export function convertToXml(root: string, value: Json): string {
  return `<?xml version="1.0" ?>${element(root, '', content(value))}`;
}

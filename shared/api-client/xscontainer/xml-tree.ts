/**
 * Reads the XML that xscontainer writes (VM other_config docker_ps / docker_info / docker_version, and the
 * get_top / get_inspect results) into a small element tree, treating it as untrusted input:
 * - a size cap before anything is parsed, a depth cap and an element-count cap while parsing;
 * - no DTD at all: a `<!DOCTYPE` (the only way to declare entities, billion-laughs included) is refused, and
 *   an undefined entity is an error, so nothing is ever expanded beyond the five XML entities;
 * - streaming (saxes, no DOM), so the work is linear in the input and cannot hang;
 * - every failure is an XscontainerDataError value, never an exception.
 * xscontainer's own encoding is undone: `<SPECIAL_XS_ENCODED_ELEMENT name="80/tcp">` is an element named
 * `80/tcp`, and text, which xscontainer escapes once more before minidom escapes it (`a &amp;amp; b`), is
 * unescaped once more (`a & b`).
 */
import { SaxesParser } from 'saxes';

export type XscontainerDataErrorCode =
  | 'XSCONTAINER_DATA_TOO_LARGE'
  | 'XSCONTAINER_DATA_TOO_DEEP'
  | 'XSCONTAINER_DATA_TOO_MANY_ELEMENTS'
  | 'XSCONTAINER_DATA_DTD_REFUSED'
  | 'XSCONTAINER_DATA_MALFORMED'
  | 'XSCONTAINER_DATA_WRONG_SHAPE'
  | 'XSCONTAINER_DATA_NOT_A_RESULT';

/** Why a document from xscontainer could not be read. Plain data: safe to keep in a store. */
export interface XscontainerDataError {
  code: XscontainerDataErrorCode;
  message: string;
}

export type XsResult<T> = { ok: true; value: T } | { ok: false; error: XscontainerDataError };

export const fail = (code: XscontainerDataErrorCode, message: string): { ok: false; error: XscontainerDataError } => ({ ok: false, error: { code, message } });

/** One element: its (decoded) name, its text (unescaped), its child elements in document order. */
export interface XsNode {
  name: string;
  text: string;
  children: XsNode[];
}

export interface XsParseLimits {
  /** Largest document accepted, in UTF-16 code units (default 1 MiB: xscontainer itself reads at most 300 KB of JSON from Docker). */
  maxLength?: number;
  /** Deepest element nesting accepted (default 40; Docker's inspect output nests about 8 deep). */
  maxDepth?: number;
  /** Most elements accepted (default 100,000). */
  maxElements?: number;
}

export const DEFAULT_LIMITS: Required<XsParseLimits> = { maxLength: 1024 * 1024, maxDepth: 40, maxElements: 100_000 };

export const SPECIAL_ELEMENT = 'SPECIAL_XS_ENCODED_ELEMENT';

/** The inverse of Python's xml.sax.saxutils.escape (its unescape, in its order). */
function saxUnescape(s: string): string {
  return s.indexOf('&') < 0 ? s : s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

class Refused extends Error {
  constructor(readonly code: XscontainerDataErrorCode, message: string) {
    super(message);
  }
}

/**
 * Parses `text` into its root element. `xscontainerText` (default true) undoes xscontainer's extra text
 * escaping; turn it off for other XML (an XML-RPC reply).
 */
export function parseXsXml(text: unknown, limits: XsParseLimits = {}, xscontainerText = true): XsResult<XsNode> {
  const { maxLength, maxDepth, maxElements } = { ...DEFAULT_LIMITS, ...limits };
  if (typeof text !== 'string') return fail('XSCONTAINER_DATA_WRONG_SHAPE', `expected XML text, got ${text === null ? 'null' : typeof text}`);
  if (text.length > maxLength) return fail('XSCONTAINER_DATA_TOO_LARGE', `document of ${text.length} characters is over the ${maxLength} limit`);
  const parser = new SaxesParser({ xmlns: false, position: false });
  const stack: XsNode[] = [];
  let root: XsNode | undefined;
  let elements = 0;
  parser.on('doctype', () => {
    throw new Refused('XSCONTAINER_DATA_DTD_REFUSED', 'document type declarations are not accepted (entities)');
  });
  parser.on('opentag', (tag) => {
    if (++elements > maxElements) throw new Refused('XSCONTAINER_DATA_TOO_MANY_ELEMENTS', `more than ${maxElements} elements`);
    if (stack.length >= maxDepth) throw new Refused('XSCONTAINER_DATA_TOO_DEEP', `elements nested deeper than ${maxDepth}`);
    const special = tag.name === SPECIAL_ELEMENT ? tag.attributes.name : undefined;
    const node: XsNode = { name: typeof special === 'string' ? special : tag.name, text: '', children: [] };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const node = stack.pop();
    if (node && xscontainerText) node.text = saxUnescape(node.text);
  });
  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof Refused) return fail(err.code, err.message);
    return fail('XSCONTAINER_DATA_MALFORMED', err instanceof Error ? err.message : String(err));
  }
  if (!root) return fail('XSCONTAINER_DATA_MALFORMED', 'no root element');
  return { ok: true, value: root };
}

/** Parses a document whose root must be `rootName`. */
export function parseXsDocument(text: unknown, rootName: string, limits?: XsParseLimits): XsResult<XsNode> {
  const r = parseXsXml(text, limits);
  if (!r.ok) return r;
  if (r.value.name !== rootName) return fail('XSCONTAINER_DATA_WRONG_SHAPE', `root element is <${r.value.name}>, expected <${rootName}>`);
  return r;
}

/** The first child named `name`. */
export function child(node: XsNode, name: string): XsNode | undefined {
  return node.children.find((c) => c.name === name);
}

/** The text of the first child named `name` (undefined when absent). */
export function childText(node: XsNode, name: string): string | undefined {
  return child(node, name)?.text;
}

/** A whole decimal number, or undefined. */
export function toInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d{1,16}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

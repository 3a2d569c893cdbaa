/**
 * The XAPI type language ("VM ref set", "(string -> enum vm_operations) map", …) as a tree.
 * Used by the generator, by the codecs (XML-RPC needs to know int64 from float) and by the simulator.
 */
export type XapiType =
  | { k: 'string' } | { k: 'int' } | { k: 'float' } | { k: 'bool' } | { k: 'datetime' } | { k: 'void' }
  | { k: 'ref'; cls: string }
  | { k: 'enum'; name: string }
  | { k: 'set'; of: XapiType }
  | { k: 'map'; key: XapiType; value: XapiType }
  | { k: 'option'; of: XapiType }
  | { k: 'record'; cls: string };

export function parseTypeString(source: string): XapiType {
  const s = source.trim();
  if (s.endsWith(' set')) return { k: 'set', of: parseTypeString(s.slice(0, -4)) };
  if (s.endsWith(' option')) return { k: 'option', of: parseTypeString(s.slice(0, -7)) };
  if (s.endsWith(' map') && s.startsWith('(')) {
    const body = s.slice(1, s.lastIndexOf(')'));
    const arrow = body.indexOf(' -> ');
    return { k: 'map', key: parseTypeString(body.slice(0, arrow)), value: parseTypeString(body.slice(arrow + 4)) };
  }
  if (s.endsWith(' ref')) return { k: 'ref', cls: s.slice(0, -4) };
  if (s.endsWith(' record')) return { k: 'record', cls: s.slice(0, -7) };
  if (s.startsWith('enum ')) return { k: 'enum', name: s.slice(5) };
  switch (s) {
    case 'string': case 'int': case 'float': case 'bool': case 'datetime': case 'void': return { k: s };
    // event.from's result is documented as prose; it is a struct (events, valid_ref_counts, token).
    case 'an event batch': return { k: 'record', cls: 'event_batch' };
    default: throw new Error(`unknown XAPI type: ${source}`);
  }
}

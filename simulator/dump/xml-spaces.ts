/**
 * xapi's protection of whitespace in database attribute values (ocaml/database/xml_spaces.ml), undone on
 * every value before it is read: XML parsers normalise whitespace in attributes, so xapi writes `%.` for a
 * space, `%t` tab, `%n` newline, `%r` carriage return and `%%` for `%`. Writers before 2017 (CA-268761) wrote
 * `%_` for two spaces and left single spaces alone; both forms are read. Any other `%` stays as it is.
 */
export function unprotectSpaces(value: string): string {
  if (!value.includes('%')) return value;
  let out = '';
  let from = 0;
  for (let i = 0; i < value.length - 1; i++) {
    if (value[i] !== '%') continue;
    const next = value[i + 1];
    const replacement = next === '.' ? ' ' : next === '_' ? '  ' : next === 't' ? '\t' : next === 'n' ? '\n' : next === 'r' ? '\r' : next === '%' ? '%' : undefined;
    if (replacement === undefined) continue;
    out += value.slice(from, i) + replacement;
    from = i + 2;
    i++;
  }
  return out + value.slice(from);
}

/** The current writer's protection (every space, tab, CR, LF and `%`), for tests that write dumps as xapi does. */
export function protectSpaces(value: string): string {
  return value.replace(/[ \t\n\r%]/g, (c) => (c === ' ' ? '%.' : c === '\t' ? '%t' : c === '\n' ? '%n' : c === '\r' ? '%r' : '%%'));
}

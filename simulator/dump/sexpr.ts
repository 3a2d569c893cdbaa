/**
 * The S-expression text xapi stores set and map fields in (ocaml/libs/sexpr: SExprLexer.mll, sExpr.ml;
 * read back by ocaml/database/string_unmarshall_helper.ml). What its lexer accepts, we accept:
 * - lists `( … )`, separated by spaces, tabs, CR or LF; `;` starts a comment that runs to the end of the line;
 * - strings in single quotes (what xapi has written since 2009) or double quotes (older writers, e.g. a 5.0-era
 *   state.db), where a backslash takes the next character literally (`\'`, `\"`, `\\`);
 * - bare symbols (anything else up to a space, a paren or a double quote), which we read as strings.
 * The parser is iterative: garbage, however deep, ends in an SExprError naming the position, never a hang
 * or a stack overflow.
 */

export type SExpr = string | SExpr[];

export type SExprProblem = 'unexpected-close' | 'unterminated-string' | 'unclosed-list' | 'trailing-text' | 'empty';

export class SExprError extends Error {
  constructor(
    readonly problem: SExprProblem,
    /** Character offset in the text where the problem is. */
    readonly position: number,
    message: string,
    /**
     * What could still be read: for `unclosed-list` the items completed before the text ended (a truncated
     * value), for `trailing-text` the whole value before the extra text.
     */
    readonly salvage?: SExpr,
  ) {
    super(message);
  }
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
/** Where a bare symbol ends (xapi's lexer: `[^ '"' ' ' '\t' '\n' '(' ')']+`; CR too, as whitespace). */
const endsSymbol = (c: string) => isSpace(c) || c === '(' || c === ')' || c === '"';

/** Reads one S-expression; throws SExprError (with its position) on anything else. */
export function parseSExpr(text: string): SExpr {
  const stack: { items: SExpr[]; open: number }[] = [];
  let result: SExpr | undefined;
  let i = 0;
  const n = text.length;
  const deliver = (value: SExpr) => {
    if (stack.length) stack[stack.length - 1].items.push(value);
    else result = value;
  };
  while (i < n) {
    const c = text[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === ';') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
      continue;
    }
    if (result !== undefined) {
      throw new SExprError('trailing-text', i, `unexpected ${describe(text, i)} at ${i} after the value`, result);
    }
    if (c === '(') {
      stack.push({ items: [], open: i });
      i++;
    } else if (c === ')') {
      const top = stack.pop();
      if (!top) throw new SExprError('unexpected-close', i, `unexpected ')' at ${i}`);
      i++;
      deliver(top.items);
    } else if (c === "'" || c === '"') {
      const start = i;
      let s = '';
      i++;
      for (;;) {
        if (i >= n) throw new SExprError('unterminated-string', start, `string opened at ${start} is not closed`, salvageOf(stack));
        const d = text[i];
        if (d === c) break;
        if (d === '\\') {
          if (i + 1 >= n) throw new SExprError('unterminated-string', start, `string opened at ${start} is not closed`, salvageOf(stack));
          s += text[i + 1];
          i += 2;
          continue;
        }
        // Copy a run of plain characters at once (long values such as XML in gui_config).
        let j = i + 1;
        while (j < n && text[j] !== c && text[j] !== '\\') j++;
        s += text.slice(i, j);
        i = j;
      }
      i++;
      deliver(s);
    } else {
      const start = i;
      while (i < n && !endsSymbol(text[i])) i++;
      deliver(text.slice(start, i));
    }
  }
  if (stack.length) {
    const open = stack[stack.length - 1].open;
    throw new SExprError('unclosed-list', open, `list opened at ${open} is not closed`, salvageOf(stack));
  }
  if (result === undefined) throw new SExprError('empty', 0, 'no value at 0 (only spaces or comments)');
  return result;
}

/** The outermost list as far as it was read (complete items only). */
function salvageOf(stack: { items: SExpr[] }[]): SExpr | undefined {
  return stack.length ? stack[0].items : undefined;
}

function describe(text: string, i: number): string {
  const c = text[i];
  return c === undefined ? 'end of text' : `'${c}'`;
}

/** xapi's escaping (sExpr.ml escape_buf): backslash and single quote get a backslash. */
function quote(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** Writes an S-expression the way xapi's String_marshall_helper does: `('a' 'b')`, `(('k' 'v'))`. */
export function formatSExpr(value: SExpr): string {
  if (typeof value === 'string') return quote(value);
  // Iterative as well, so that what the parser reads the writer can write.
  let out = '';
  const stack: { items: SExpr[]; next: number }[] = [{ items: value, next: 0 }];
  out += '(';
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next >= top.items.length) {
      out += ')';
      stack.pop();
      continue;
    }
    if (top.next > 0) out += ' ';
    const item = top.items[top.next++];
    if (typeof item === 'string') out += quote(item);
    else {
      out += '(';
      stack.push({ items: item, next: 0 });
    }
  }
  return out;
}

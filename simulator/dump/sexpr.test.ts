/** The S-expressions of xapi's database values: what its writers wrote reads back; garbage fails with a position. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatSExpr, parseSExpr, SExprError, type SExpr } from './sexpr';
import { protectSpaces, unprotectSpaces } from './xml-spaces';

/** Strings made of what is awkward in this format (quotes, backslashes, parens, comment and space characters) and anything else. */
const awkward = fc.oneof(
  fc.string({ unit: fc.constantFrom("'", '"', '\\', '(', ')', ' ', ';', '\n', '\r', '\t', '%', '.', '_', 'a', 'é', '\u{1F600}'), maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
);
const set = fc.array(awkward, { maxLength: 8 });
const map = fc.array(fc.tuple(awkward, awkward), { maxLength: 8 }).map((pairs) => pairs.map(([k, v]) => [k, v]));
const tree: fc.Arbitrary<SExpr> = fc.letrec<{ node: SExpr }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, awkward, fc.array(tie('node'), { maxLength: 5 })),
})).node;

/** The older writer's form (state.db of a 5.0-era host): double quotes, a backslash before `\`, `"` and `'`. */
function doubleQuoted(value: SExpr): string {
  if (typeof value === 'string') return `"${value.replace(/[\\"']/g, (c) => `\\${c}`)}"`;
  return `(${value.map(doubleQuoted).join(' ')})`;
}

describe('xapi S-expressions', () => {
  it('reads what xapi writes: sets, maps, escapes, both quote styles, bare symbols and comments', () => {
    expect(parseSExpr("('OpaqueRef:a' 'OpaqueRef:b')")).toEqual(['OpaqueRef:a', 'OpaqueRef:b']);
    expect(parseSExpr("(('options' 'e.g. \\'-o ro\\'') ('type' 'nfs'))")).toEqual([['options', "e.g. '-o ro'"], ['type', 'nfs']]);
    expect(parseSExpr('(("location" "/dev/xapi/cd") ("gui" "<a b=\\"c\\"/>"))')).toEqual([['location', '/dev/xapi/cd'], ['gui', '<a b="c"/>']]);
    expect(parseSExpr('()')).toEqual([]);
    expect(parseSExpr('(pygrub eliloader)')).toEqual(['pygrub', 'eliloader']);
    expect(parseSExpr("( ; a comment\n 'x'\t'y' )")).toEqual(['x', 'y']);
    expect(parseSExpr("('back\\\\slash' '')")).toEqual(['back\\slash', '']);
  });

  it('round-trips generated sets and maps of awkward strings, in both quote styles', () => {
    fc.assert(fc.property(fc.oneof(set, map), (value) => {
      expect(parseSExpr(formatSExpr(value))).toEqual(value);
      expect(parseSExpr(doubleQuoted(value))).toEqual(value);
    }), { numRuns: 1500 });
  });

  it('round-trips nested trees', () => {
    fc.assert(fc.property(tree, (value) => {
      expect(parseSExpr(formatSExpr(value))).toEqual(value);
    }), { numRuns: 1000 });
  });

  it('ends garbage with an SExprError whose position is inside the text, never with anything else', () => {
    const garbage = fc.oneof(
      fc.string({ unit: fc.constantFrom('(', ')', "'", '"', '\\', ' ', ';', '\n', 'x'), maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      // A real value with a cut or an insertion somewhere.
      fc.tuple(fc.oneof(set, map).map(formatSExpr), fc.nat(), fc.string({ maxLength: 3 })).map(([text, at, junk]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + junk + text.slice(i + (junk ? 0 : 1));
      }),
    );
    fc.assert(fc.property(garbage, (text) => {
      try {
        parseSExpr(text);
      } catch (err) {
        expect(err).toBeInstanceOf(SExprError);
        const e = err as SExprError;
        expect(e.position).toBeGreaterThanOrEqual(0);
        expect(e.position).toBeLessThanOrEqual(text.length);
        expect(e.message).toMatch(/\d/);
      }
    }), { numRuns: 1500 });
  });

  it('names what is wrong and where', () => {
    const fails = (text: string) => {
      try {
        parseSExpr(text);
      } catch (err) {
        return err as SExprError;
      }
      throw new Error(`no error for ${text}`);
    };
    expect(fails("('a' 'b'")).toMatchObject({ problem: 'unclosed-list', position: 0, salvage: ['a', 'b'] });
    expect(fails("('a' 'b)")).toMatchObject({ problem: 'unterminated-string', position: 5, salvage: ['a'] });
    expect(fails("'a')")).toMatchObject({ problem: 'trailing-text', position: 3, message: "unexpected ')' at 3 after the value" });
    expect(fails(')')).toMatchObject({ problem: 'unexpected-close', position: 0 });
    expect(fails('  ')).toMatchObject({ problem: 'empty' });
  });

  it('survives nesting far deeper than any call stack', () => {
    // A recursive reader overflows the stack at around 10,000 levels.
    const deep = '('.repeat(100_000);
    expect(() => parseSExpr(deep)).toThrow(/list opened at 99999 is not closed/);
    const closed = `${'('.repeat(100_000)}${')'.repeat(100_000)}`;
    let depth = 0;
    for (let v = parseSExpr(closed); Array.isArray(v) && v.length; v = v[0]) depth++;
    expect(depth).toBe(99_999);
    expect(formatSExpr(parseSExpr(closed))).toBe(closed);
  });
});

describe("xapi's protection of whitespace in attribute values", () => {
  it('reads what the current writer writes, for any string', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', '%', '.', '_', 't', 'a'), maxLength: 40 }), (s) => {
      expect(unprotectSpaces(protectSpaces(s))).toBe(s);
    }), { numRuns: 2000 });
  });

  it('reads the pre-2017 form (two spaces as %_) and leaves other percent signs alone', () => {
    expect(unprotectSpaces('Intel(R) Core(TM)2 CPU%_%_%_%_%_6420%_@ 2.13GHz')).toBe('Intel(R) Core(TM)2 CPU          6420  @ 2.13GHz');
    expect(unprotectSpaces('GUI team install.%_Do not delete!')).toBe('GUI team install.  Do not delete!');
    expect(unprotectSpaces('100% sure %x')).toBe('100% sure %x');
    expect(unprotectSpaces('%%t')).toBe('%t');
  });
});

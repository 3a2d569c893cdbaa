/**
 * The parsers against generated documents: valid ones in xscontainer's format round-trip (written by the
 * simulator's independent port of converttoxml), and hostile ones (entities, billion laughs, external entities,
 * huge, deep, wide, wrong shapes, garbage) end as a typed error value, never an exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertToXml } from '../../../simulator/containers/xs-xml';
import type { Json } from '../../../simulator/containers/docker-json';
import { parseDockerInfo, parseDockerInspect, parseDockerPs, parseDockerTop, parseDockerVersion, parseXsXml, type XsNode } from './index';

const CODES = new Set(['XSCONTAINER_DATA_TOO_LARGE', 'XSCONTAINER_DATA_TOO_DEEP', 'XSCONTAINER_DATA_TOO_MANY_ELEMENTS', 'XSCONTAINER_DATA_DTD_REFUSED', 'XSCONTAINER_DATA_MALFORMED', 'XSCONTAINER_DATA_WRONG_SHAPE', 'XSCONTAINER_DATA_NOT_A_RESULT']);
const PARSERS = [parseDockerPs, parseDockerInfo, parseDockerVersion, parseDockerTop, parseDockerInspect];

/** Text a container can carry: XML-legal characters (no CR: XML parsers normalise it), markup characters, non-ASCII. */
const text = fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_./:;=&<>"\'\t\n$()[]{}|é漢🚀'.split(/(?:)/u)), maxLength: 40 });
const containerName = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/);
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const labelKey = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9.-]{0,15}$/), fc.stringMatching(/^[a-z0-9][a-z0-9./]{0,12}\/[a-z]{1,5}$/), fc.stringMatching(/^[0-9][a-z0-9]{0,6}$/));
const port = fc.record({ privatePort: fc.integer({ min: 1, max: 65535 }), publicPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), ip: fc.constantFrom('0.0.0.0', '::', undefined), type: fc.constantFrom('tcp', 'udp') });
interface GeneratedStatus { status: string; state: string; exitCode?: number }
const status = fc.oneof<fc.Arbitrary<GeneratedStatus>[]>(
  fc.constant({ status: 'Up', state: 'running' }), fc.constant({ status: 'Up (Paused)', state: 'paused' }), fc.constant({ status: 'Created', state: 'created' }),
  fc.integer({ min: 0, max: 255 }).map((n) => ({ status: `Exited (${n})`, state: 'exited', exitCode: n })),
  fc.integer({ min: 0, max: 255 }).map((n) => ({ status: `Restarting (${n}) 12 seconds ago`, state: 'restarting', exitCode: n })),
);
const container = fc.record({ id: hex64, name: containerName, image: text, command: text, created: fc.integer({ min: 0, max: 2 ** 31 }), status, ports: fc.array(port, { maxLength: 4 }), labels: fc.dictionary(labelKey, text, { maxKeys: 5 }) });

describe('valid documents round-trip', () => {
  it('docker_ps: every container comes back with its id, name, state, command, ports and labels', () => {
    fc.assert(fc.property(fc.uniqueArray(container, { selector: (c) => c.id, maxLength: 8 }), (list) => {
      // What get_ps_dict hands converttoxml: Docker's fields, top-level keys lower-cased, Container = id[:10].
      const doc = convertToXml('docker_ps', list.map((c) => ({
        entry: {
          id: c.id, names: c.name, image: c.image, command: c.command, created: c.created, status: c.status.status, state: c.status.state, container: c.id.slice(0, 10),
          ports: c.ports.map((p) => ({ ...(p.ip ? { IP: p.ip } : {}), PrivatePort: p.privatePort, ...(p.publicPort !== undefined ? { PublicPort: p.publicPort } : {}), Type: p.type })),
          labels: c.labels, hostconfig: { NetworkMode: 'bridge' },
        },
      })));
      const r = parseDockerPs(doc);
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}\n${doc}`);
      expect(r.value.map((c) => ({ ...c }))).toEqual(list.map((c) => ({
        id: c.id, shortId: c.id.slice(0, 10), name: c.name, image: c.image, command: c.command, created: c.created, status: c.status.status, state: c.status.state,
        ...(c.status.exitCode !== undefined ? { exitCode: c.status.exitCode } : {}),
        ports: c.ports.map((p) => ({ ...(p.ip ? { ip: p.ip } : {}), privatePort: p.privatePort, ...(p.publicPort !== undefined ? { publicPort: p.publicPort } : {}), protocol: p.type })),
        labels: c.labels,
      })));
    }), { numRuns: 150 });
  });

  it('any dict/list/scalar document becomes the element tree it was written from', () => {
    const key = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,10}$/).filter((k) => !k.toLowerCase().startsWith('xml')), labelKey, fc.constantFrom('80/tcp', 'xmlns', '.dot', ':c', '!b', '?q'));
    const { value } = fc.letrec<{ value: Json }>((tie) => ({
      value: fc.oneof({ maxDepth: 5 }, text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
    }));
    const expected = (name: string, v: Json): XsNode => {
      if (Array.isArray(v)) return { name, text: '', children: v.map((x) => expected('item', x)) };
      if (v !== null && typeof v === 'object') return { name, text: '', children: Object.entries(v).map(([k, x]) => expected(k, x)) };
      return { name, text: v === null ? 'None' : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v), children: [] };
    };
    fc.assert(fc.property(value, (v) => {
      const r = parseXsXml(convertToXml('docker_inspect', v));
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value).toEqual(expected('docker_inspect', v));
    }), { numRuns: 200 });
  });
});

const BILLION_LAUGHS = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
  + '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
  + '<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><docker_ps><item><entry><id>&lol9;</id></entry></item></docker_ps>';

describe('hostile documents give a typed error for that VM', () => {
  it('refuses any DTD: entity definitions, billion laughs, external entities', () => {
    for (const doc of [
      BILLION_LAUGHS,
      '<!DOCTYPE docker_ps [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><docker_ps><item><entry><id>&xxe;</id></entry></item></docker_ps>',
      '<!DOCTYPE docker_ps SYSTEM "http://evil.example/x.dtd"><docker_ps/>',
      '<?xml version="1.0" ?><!DOCTYPE docker_ps><docker_ps/>',
    ]) expect(parseDockerPs(doc)).toMatchObject({ ok: false, error: { code: 'XSCONTAINER_DATA_DTD_REFUSED' } });
    expect(parseDockerPs('<docker_ps><item><entry><id>&undefined;</id></entry></item></docker_ps>')).toMatchObject({ ok: false, error: { code: 'XSCONTAINER_DATA_MALFORMED' } });
  });

  it('refuses a document over the size cap before parsing it, and one too deep or with too many elements', () => {
    const entry = `<item><entry><id>${'a'.repeat(64)}</id><names>n</names><status>Up</status></entry></item>`;
    expect(parseDockerPs(`<docker_ps>${entry.repeat(12_000)}</docker_ps>`)).toMatchObject({ ok: false, error: { code: 'XSCONTAINER_DATA_TOO_LARGE' } });
    expect(parseDockerPs(`<docker_ps>${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}</docker_ps>`)).toMatchObject({ ok: false, error: { code: 'XSCONTAINER_DATA_TOO_DEEP' } });
    expect(parseDockerInspect(`<docker_inspect>${'<i/>'.repeat(200_000)}</docker_inspect>`, { maxLength: 4_000_000 })).toMatchObject({ ok: false, error: { code: 'XSCONTAINER_DATA_TOO_MANY_ELEMENTS' } });
    expect(parseDockerPs(`<docker_ps>${entry}</docker_ps>`, { maxLength: 50 })).toMatchObject({ ok: false, error: { code: 'XSCONTAINER_DATA_TOO_LARGE' } });
  });

  it('names wrong shapes', () => {
    for (const doc of [
      '<docker_info/>', '<docker_ps><entry><id>x</id></entry></docker_ps>', '<docker_ps><item/></docker_ps>', '<docker_ps><item><entry><names>x</names></entry></item></docker_ps>',
      '<docker_ps><item><entry><id>x</id></entry></item><item><entry><id>x</id></entry></item></docker_ps>',
    ]) expect(parseDockerPs(doc)).toMatchObject({ ok: false, error: { code: 'XSCONTAINER_DATA_WRONG_SHAPE' } });
    for (const v of [null, undefined, 42, {}, ['<docker_ps/>']]) expect(parseDockerPs(v)).toMatchObject({ ok: false, error: { code: 'XSCONTAINER_DATA_WRONG_SHAPE' } });
    expect(parseDockerTop('True<?xml version="1.0" ?><docker_top><item><Nope/></item></docker_top>')).toMatchObject({ ok: false, error: { code: 'XSCONTAINER_DATA_WRONG_SHAPE' } });
    for (const doc of ['', 'True', '<docker_ps>', '<docker_ps></docker_pss>', 'Up (Paused)', '<a><b></a></b>', '<docker_ps/><docker_ps/>']) {
      expect(parseDockerPs(doc)).toMatchObject({ ok: false });
    }
  });

  it('never throws, whatever the text (garbage, cut or spliced documents)', () => {
    const valid = '<?xml version="1.0" ?><docker_ps><item><entry><id>abc</id><names>n</names><status>Up</status><ports><item><IP>0.0.0.0</IP></item></ports></entry></item></docker_ps>';
    const pieces = fc.constantFrom('<', '>', '</', '/>', '&', '&amp;', '&#x0;', '&#1114112;', '<!DOCTYPE x [', '<!ENTITY a "b">', ']>', '<![CDATA[', ']]>', '<?pi x?>', '<!--', '-->', '<docker_ps>', '<item>', '<entry>', '<id>', 'text', '\u0000', '\uFFFE', '\uD800', ' name="x"', '<SPECIAL_XS_ENCODED_ELEMENT name="a/b">');
    const docs = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(pieces, { maxLength: 40 }).map((p) => p.join('')),
      fc.tuple(fc.nat(valid.length), fc.nat(valid.length), fc.array(pieces, { maxLength: 4 })).map(([a, b, p]) => valid.slice(0, Math.min(a, b)) + p.join('') + valid.slice(Math.max(a, b))),
    );
    fc.assert(fc.property(docs, (doc) => {
      for (const parse of PARSERS) {
        const r = parse(doc);
        if (!r.ok) expect(CODES.has(r.error.code), r.error.code).toBe(true);
      }
    }), { numRuns: 400 });
  });
});

/**
 * Records from a broken or hostile server enter the store with every field of its datamodel type: the
 * wrong ones become empty values, wrong items of sets and maps are left out, anything that is not a
 * record is not stored, and the tree still builds from them. Clean records pass untouched (same object).
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionInfo, MirrorBatch } from '../../shared/bridge';
import { XAPI_CLASS_FIELDS, XAPI_FIELD_SHAPES } from '../../shared/xapi/generated/wire';
import type { XapiClassName } from '../../shared/xapi/generated/records';
import { buildInfrastructure, buildOrganization } from '../views/tree/tree-model';
import { applyBatch } from './apply-batch';
import { sanitiseRecord } from './sanitise-record';
import { createMirrorStore } from './mirror-store';

const batch = (parts: Partial<Omit<MirrorBatch, 'connectionId'>>): MirrorBatch => ({ connectionId: 'c', added: {}, modified: {}, removed: {}, ...parts });

/** Whether `value` has the shape a field's letter allows. */
function fits(shape: string, value: unknown): boolean {
  const isMap = (v: unknown, ok: (x: unknown) => boolean) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(ok);
  const str = (v: unknown) => typeof v === 'string';
  const num = (v: unknown) => typeof v === 'number';
  switch (shape) {
    case 's': case 'r': return str(value);
    case 'b': return typeof value === 'boolean';
    case 'n': return num(value);
    case 'S': return Array.isArray(value) && value.every(str);
    case 'I': return Array.isArray(value) && value.every(num);
    case 'M': return isMap(value, str);
    case 'N': return isMap(value, num);
    case 'L': return isMap(value, (v) => Array.isArray(v) && v.every(str));
    case 'o': return value === null || str(value);
    case 'O': return value === null || (typeof value === 'object' && !Array.isArray(value));
    default: throw new Error(`unknown shape ${shape}`);
  }
}

/** Values of every JSON type, each of which is wrong for most fields. */
const WRONG: unknown[] = [{ nested: { object: [1] } }, 'text', 42, true, ['a', 1, { b: 2 }], null, { key: 7, other: 'v', list: ['x'] }];

describe('sanitiseRecord', () => {
  it('gives every field of every class its datamodel type, whatever the server sent', () => {
    for (const cls of Object.keys(XAPI_CLASS_FIELDS) as XapiClassName[]) {
      const fields = XAPI_CLASS_FIELDS[cls];
      const shapes = XAPI_FIELD_SHAPES[cls];
      expect(shapes.length, cls).toBe(fields.length);
      for (const wrong of WRONG) {
        const record = Object.fromEntries(fields.map((f) => [f, structuredClone(wrong)]));
        const clean = sanitiseRecord(cls, record)!;
        fields.forEach((field, i) => expect(fits(shapes[i], clean[field]), `${cls}.${field} from ${JSON.stringify(wrong)} gave ${JSON.stringify(clean[field])}`).toBe(true));
      }
    }
  });

  it('keeps what is right: good items of a set or map, fields it does not know, and a clean record as the same object', () => {
    const clean = { uuid: 'u', name_label: 'web', tags: ['a'], other_config: { folder: '/x' }, VCPUs_max: 2, future_field: { any: 'thing' } };
    expect(sanitiseRecord('VM', clean)).toBe(clean);
    expect(sanitiseRecord('VM', { tags: ['a', 3, 'b'], other_config: { ok: 'yes', bad: { deep: 1 } }, future_field: [1] })).toEqual({ tags: ['a', 'b'], other_config: { ok: 'yes' }, future_field: [1] });
    expect(sanitiseRecord('some_future_class', { anything: [1, { a: 2 }] })).toEqual({ anything: [1, { a: 2 }] });
  });

  it('is not a record at all: a string, a list or null', () => {
    for (const notRecord of ['OpaqueRef:x', [1, 2], null, 3]) expect(sanitiseRecord('VM', notRecord)).toBeUndefined();
  });
});

describe('applying records of the wrong shape', () => {
  const hostileVm = {
    uuid: 'v', name_label: { text: 'an object' }, power_state: 7, tags: 'web, db', other_config: ['folder'], resident_on: { ref: 'h' },
    is_a_template: 'no', memory_static_max: '4 GiB', allowed_operations: ['start', 3], blocked_operations: { start: { reason: 1 } },
  };
  const mirror = applyBatch(undefined, batch({
    reset: true,
    added: {
      pool: { 'OpaqueRef:p': { uuid: 'p', name_label: ['not', 'a', 'name'], tags: null } },
      host: { 'OpaqueRef:h': { uuid: 'h', name_label: 'host-1', enabled: 'yes', address: 10, tags: 5 } },
      VM: { 'OpaqueRef:v': hostileVm, 'OpaqueRef:str': 'not a record', 'OpaqueRef:list': [1] } as unknown as Record<string, object>,
    },
  }));

  it('stores them with every field of its type, and leaves out what is not a record', () => {
    expect(mirror.objects.VM?.get('OpaqueRef:v')).toEqual({
      uuid: 'v', name_label: '', power_state: '', tags: [], other_config: {}, resident_on: 'OpaqueRef:NULL', is_a_template: false, memory_static_max: 0,
      allowed_operations: ['start'], blocked_operations: {},
    });
    expect([...mirror.objects.VM!.keys()]).toEqual(['OpaqueRef:v']);
    expect(mirror.objects.pool?.get('OpaqueRef:p')).toEqual({ uuid: 'p', name_label: '', tags: [] });
    expect(mirror.indexes.vmsByHost.size).toBe(0);
  });

  it('repairs a modification too, replacing the value held', () => {
    const after = applyBatch(mirror, batch({ modified: { VM: { 'OpaqueRef:v': { tags: { 0: 'x' }, name_label: 'renamed' } } } }));
    expect(after.objects.VM?.get('OpaqueRef:v')).toMatchObject({ tags: [], name_label: 'renamed' });
  });

  it('builds the tree from them', () => {
    const conn: ConnectionInfo = { id: 'c', address: 'pool.example', user: 'root', label: 'pool.example', demo: false, remembered: true, hidden: false, status: { state: 'connected' } };
    const src = { connections: [conn], mirrors: { c: mirror } };
    expect(() => buildInfrastructure(src)).not.toThrow();
    expect(() => buildOrganization(src)).not.toThrow();
  });
});

describe('the connection list', () => {
  it('takes a saved server whose label is an object, or whose flags are not booleans, with safe values', () => {
    const store = createMirrorStore();
    store.getState().setConnections([
      { id: 'a', address: 'xen1.example.com', user: 'root', label: { text: 'object' }, demo: 'no', remembered: 1, hidden: null, status: { state: 'connected' } },
      { id: 'b', address: 'xen2.example.com', user: 'root', label: 'Lab', demo: false, remembered: true, hidden: false, status: { state: 'reconnecting', attempt: 'x', error: { code: 'TIMEOUT', params: [1, 'b'], message: 5 } } },
      { address: 'no id' },
      'not a connection',
    ] as unknown as ConnectionInfo[]);
    expect(store.getState().connections).toEqual([
      { id: 'a', address: 'xen1.example.com', user: 'root', label: 'xen1.example.com', demo: false, remembered: false, hidden: false, status: { state: 'connected' } },
      { id: 'b', address: 'xen2.example.com', user: 'root', label: 'Lab', demo: false, remembered: true, hidden: false, status: { state: 'reconnecting', attempt: 0, error: { code: 'TIMEOUT', params: ['1', 'b'], message: 'TIMEOUT' } } },
    ]);
  });
});

/**
 * The messages xapi derives from the datamodel for every class (its "implicit" messages): get_all,
 * get_all_records, get_record, get_by_uuid, get_by_name_label, a getter per field, setters for RW fields,
 * add_to_/remove_from_ for maps, add_/remove_ for sets (add_tags), create and destroy.
 */
import type { ClassInfo, MessageInfo } from '../model';
import { XapiError } from '../xapi-error';
import type { ApiHandler } from './api-registry';

export function genericHandler(cls: ClassInfo, msg: MessageInfo): ApiHandler | undefined {
  const name = msg.name;
  const c = cls.name;
  // Some classes (message) declare these explicitly rather than implicitly; their meaning is the same.
  const always = ['get_all', 'get_all_records', 'get_record', 'get_by_uuid', 'get_by_name_label'];
  if (!msg.implicit && !always.includes(name)) return undefined;
  switch (name) {
    case 'get_all': return (call) => call.db.refs(c);
    case 'get_all_records': return (call) => call.db.allRecords(c);
    case 'get_record': return (call, self: string) => call.db.get(c, self);
    case 'get_by_uuid': return (call, uuid: string) => call.db.byUuid(c, uuid);
    case 'get_by_name_label': return (call, label: string) => {
      const refs: string[] = [];
      for (const [ref, rec] of call.db.all(c)) if (rec.name_label === label) refs.push(ref);
      return refs;
    };
    case 'create': return (call, args: Record<string, unknown>) => call.db.create(c, args);
    case 'destroy': return (call, self: string) => {
      call.db.get(c, self);
      call.db.destroy(c, self);
    };
  }
  const field = (prefix: string) => (name.startsWith(prefix) ? cls.fieldByName.get(name.slice(prefix.length)) : undefined);
  let f = field('get_');
  if (f) {
    const fname = f.name;
    return (call, self: string) => call.db.get(c, self)[fname];
  }
  f = field('set_');
  if (f) {
    const fname = f.name;
    return (call, self: string, value: unknown) => {
      call.db.get(c, self);
      call.db.update(c, self, { [fname]: value });
    };
  }
  f = field('add_to_');
  if (f && f.type.k === 'map') {
    const fname = f.name;
    return (call, self: string, key: string, value: unknown) => {
      const map = call.db.get(c, self)[fname] as Record<string, unknown>;
      // xapi: MAP_DUPLICATE_KEY [class, field, ref, key]; clients remove then add (xen-api setFieldEntry).
      if (Object.prototype.hasOwnProperty.call(map, key)) throw new XapiError('MAP_DUPLICATE_KEY', [c, fname, self, key]);
      call.db.update(c, self, { [fname]: { ...map, [key]: value } });
    };
  }
  f = field('remove_from_');
  if (f && f.type.k === 'map') {
    const fname = f.name;
    return (call, self: string, key: string) => {
      const map = call.db.get(c, self)[fname] as Record<string, unknown>;
      // Removing a missing key is not an error in xapi.
      if (!Object.prototype.hasOwnProperty.call(map, key)) return;
      const next = { ...map };
      delete next[key];
      call.db.update(c, self, { [fname]: next });
    };
  }
  f = field('add_') ?? field('add_to_');
  if (f && f.type.k === 'set') {
    const fname = f.name;
    return (call, self: string, value: unknown) => {
      const set = call.db.get(c, self)[fname] as unknown[];
      if (!set.includes(value)) call.db.update(c, self, { [fname]: [...set, value] });
    };
  }
  f = field('remove_') ?? field('remove_from_');
  if (f && f.type.k === 'set') {
    const fname = f.name;
    return (call, self: string, value: unknown) => {
      const set = call.db.get(c, self)[fname] as unknown[];
      if (set.includes(value)) call.db.update(c, self, { [fname]: set.filter((x) => x !== value) });
    };
  }
  return undefined;
}

/**
 * The strictness of the stand-in: every object it hands the app is a Proxy that checks each property the app
 * touches against the installed electron.d.ts (electron-api.ts). A name Electron does not declare, a declared
 * name the stand-in does not model, an event `on` does not accept, or a member used on the wrong side of the
 * app's `ready` event throws a StandInViolation, which the start-up test reports. The stand-in's own
 * implementation is checked the same way when it is built, so a model of an API that Electron renamed fails too.
 */
import type { ElectronApi, ReadyRule } from './electron-api';

export class StandInViolation extends Error {
  override readonly name = 'StandInViolation';
}

export interface Strictness {
  api: ElectronApi;
  isReady(): boolean;
  /** Violations seen, also those the app caught and swallowed. */
  violations: string[];
  /** Rules Electron's documentation states outside the doc comments of electron.d.ts (each with its source). */
  extraRules: Record<string, ReadyRule>;
}

const EMITTER_EVENT_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'off', 'removeListener']);

export function violation(strictness: Strictness, message: string): never {
  strictness.violations.push(message);
  throw new StandInViolation(message);
}

function checkReady(strictness: Strictness, label: string, rule: ReadyRule | undefined): void {
  if (!rule) return;
  const ready = strictness.isReady();
  if (rule.when === 'after-ready' && !ready) violation(strictness, `${label} was used before the app's 'ready' event (${rule.says})`);
  if (rule.when === 'before-ready' && ready) violation(strictness, `${label} was used after the app's 'ready' event (${rule.says})`);
}

/**
 * Wraps `impl` as an instance of Electron's `typeName`. `statics` marks a class's constructor side. Names
 * starting with `_` and symbols are the stand-in's own (EventEmitter internals) and pass unchecked.
 */
export function strict<T extends object>(strictness: Strictness, typeName: string, impl: T, label = typeName, statics = false): T {
  const { api } = strictness;
  const declared = statics ? api.staticMembers(typeName) : api.members(typeName);
  // A class's constructor side has function intrinsics (prototype, length, name) that are JavaScript's, not Electron's.
  const intrinsic = typeof impl === 'function' ? new Set(Object.getOwnPropertyNames(Function.prototype).concat('prototype', 'length', 'name')) : new Set<string>();
  const own = (key: string) => !key.startsWith('_') && !intrinsic.has(key);
  // The model itself: everything it implements must still exist in this Electron.
  for (const key of modelledNames(impl)) {
    if (own(key) && !declared.has(key)) violation(strictness, `the stand-in models ${label}.${key}, which electron.d.ts (Electron ${api.version}) does not declare`);
  }
  const events = EMITTER_EVENT_METHODS;
  return new Proxy(impl, {
    get(target, key, receiver) {
      if (typeof key === 'symbol' || !own(key)) return Reflect.get(target, key, receiver);
      if (!declared.has(key)) violation(strictness, `${label}.${key} is not in electron.d.ts (Electron ${api.version})`);
      if (!(key in target)) violation(strictness, `${label}.${key} exists in Electron ${api.version} but the stand-in does not model it: add it to electron/testing/strict-electron/`);
      checkReady(strictness, `${label}.${key}`, strictness.extraRules[`${typeName}.${key}`] ?? api.readyRule(typeName, key));
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (events.has(key)) {
        const names = api.events(typeName);
        return (event: unknown, ...rest: unknown[]) => {
          // Types whose `on` takes any string (ipcRenderer channels) declare no event names to check against.
          if (typeof event === 'string' && names.size > 0 && !names.has(event)) violation(strictness, `${label}.${key}('${event}'): Electron ${api.version} emits no such event on ${typeName}`);
          (value as (...a: unknown[]) => unknown).call(target, event, ...rest);
          return receiver;
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
    set(target, key, value, receiver) {
      if (typeof key === 'string' && own(key) && !declared.has(key)) violation(strictness, `${label}.${key} = … : not in electron.d.ts (Electron ${api.version})`);
      return Reflect.set(target, key, value, receiver);
    },
  });
}

/** Own and prototype names of a model, up to (not including) Object and EventEmitter's prototypes. */
function modelledNames(impl: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = impl; o && o !== Object.prototype && o.constructor?.name !== 'EventEmitter'; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Object.getOwnPropertyNames(o)) if (key !== 'constructor') names.add(key);
  }
  return [...names];
}

/** Checks the keys of an options object the app passes (BrowserWindowConstructorOptions, WebPreferences, …). */
export function checkKeys(strictness: Strictness, typeName: string, value: object, label: string): void {
  const declared = strictness.api.members(typeName);
  for (const key of Object.keys(value)) {
    if (!declared.has(key)) violation(strictness, `${label}.${key} is not an option of ${typeName} in electron.d.ts (Electron ${strictness.api.version})`);
  }
}

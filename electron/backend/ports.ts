/**
 * Ports: what the backend services need from the platform, passed in through constructors.
 * The Electron composition root (electron/main.ts) provides safeStorage-backed secrets; the
 * browser-mode root (electron/web-host.ts) provides file-backed ones. No service under
 * electron/backend/ imports `electron`.
 */
import type { BridgeEvents, EventName } from '../../shared/bridge';
import type { SettingKey, SettingValue } from './stores/settings-schema';

/** Passwords, kept in the main process only. */
export interface SecretStore {
  /** 'os-keychain' when encrypted by the OS (Electron safeStorage), 'user-file' for a 0600 file. */
  readonly kind: 'os-keychain' | 'user-file';
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Trust-on-first-use certificate pins, by host address. */
export interface CertificateStore {
  get(host: string): Promise<string | undefined>;
  set(host: string, fingerprint256: string): Promise<void>;
  delete(host: string): Promise<void>;
}

/** Small JSON settings (saved servers without their passwords, preferences), typed by stores/settings-schema.ts. */
export interface SettingsStore {
  get<K extends SettingKey>(key: K): Promise<SettingValue<K> | undefined>;
  /** `undefined` removes the setting. */
  set<K extends SettingKey>(key: K, value: SettingValue<K> | undefined): Promise<void>;
}

/** Sends an event to every renderer attached to this backend. */
export type EmitEvent = <E extends EventName>(event: E, payload: BridgeEvents[E]) => void;

/** Wall clock and timers, injectable so tests can drive time. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

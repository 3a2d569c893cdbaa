/** The parts of xen-api 4.7 (Xen Orchestra's client, untyped ESM) the contract tests use. */
declare module 'xen-api' {
  import type { EventEmitter } from 'node:events';
  export interface XapiObject { $ref: string; $type: string; $id: string; [field: string]: unknown }
  export interface XapiOptions {
    url: string;
    auth: { user: string; password: string };
    allowUnauthorized?: boolean;
    transport?: 'json-rpc' | 'xml-rpc' | 'auto';
    watchEvents?: string[] | boolean;
    debounce?: number;
    eventPollDelay?: number;
    roCallRetryOptions?: { delay?: number; tries?: number };
  }
  export class Xapi extends EventEmitter {
    constructor(opts: XapiOptions);
    connect(): Promise<void>;
    disconnect(): Promise<void>;
    readonly status: 'connected' | 'connecting' | 'disconnected';
    readonly pool: XapiObject;
    readonly objectsFetched: Promise<void>;
    readonly objects: { all: Record<string, XapiObject> };
    readonly sessionId: string;
    call(method: string, ...args: unknown[]): Promise<unknown>;
    callAsync(method: string, ...args: unknown[]): Promise<unknown>;
    barrier(ref?: string): Promise<void>;
    getObject(idOrUuidOrRef: string, defaultValue?: unknown): XapiObject;
    getObjectByRef(ref: string, defaultValue?: unknown): XapiObject | undefined;
  }
}

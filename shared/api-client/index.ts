/** shared/api-client: the XAPI client. Platform-neutral: the transport is injected (see transport.ts). */
export { XapiClient, type XapiClientOptions, type TaskPromise, type ChangeReason } from './xapi-client';
export { Session, type SessionOptions, type SessionCallOptions } from './session';
export { XapiError, ClientErrorCode, isXapiError, isAuthenticationError, errorFromDescription } from './xapi-error';
export type { Transport, TransportRequest, TransportResponse } from './transport';
export { bodyText } from './transport';
export type { ConnectionState } from './connection-state';
export { type ChangeSet, type XapiObject, emptyChangeSet, isEmptyChangeSet, countChanges } from './change-set';
export { RawRecord, recordValue, stringifyWithRawRecords, type MirrorRecord } from './raw-record';
export { ObjectCache, sameValue } from './object-cache';
export { ConcurrencyLimit } from './concurrency-limit';
export { systemClock, type Clock } from './clock';
export { parseAddress, baseUrlOf, siblingUrl, hostKey, formatBaseUrl } from './address';
export { RpcChannel, type RpcProtocol } from './rpc-channel';

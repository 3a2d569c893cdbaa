/**
 * Test support: a small XAPI server over HTTPS that behaves until told otherwise. It serves one pool,
 * one host and a few VMs over JSON-RPC (or XML-RPC only, as old servers do), with `event.from` long
 * polls, so a real client connects, loads and follows events. Then `misbehave(method, reply)` makes the
 * next call of `method` get a hostile reply: text that is not JSON or XML, values nested 100,000 deep,
 * a body larger than any cap, a body that never ends. `addVms` / `removeVms` send event batches of any size.
 *
 * It runs in a process of its own (`HostileXapiServer.start` forks this file), as a real server is
 * another machine: what it allocates to build a 40 MB reply does not count in the client's memory.
 * It has a self-signed certificate of its own, so clients trust it through the normal pin prompt.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadOrCreateHostCertificate } from '../../../simulator/http/certificate';
import { decodeJsonRpcRequest, encodeJsonRpcResponse } from '../../../shared/api-client/codec/json-rpc';
import { decodeXmlRpc } from '../../../shared/api-client/codec/xml-rpc-decode';
import { encodeXapiXmlRpcResponse } from '../../../shared/api-client/codec/xml-rpc-encode';

/** How the next call of a method is answered instead of normally. */
export type HostileReply =
  | { kind: 'text'; body: string; contentType: string }
  | { kind: 'deepResult'; depth: number }
  | { kind: 'deepEvent'; depth: number; ref: string }
  | { kind: 'oversized'; bytes: number }
  | { kind: 'declaresSize'; bytes: number }
  | { kind: 'neverEnds' }
  | { kind: 'failure'; code: string; params: string[] };

export const hostile = {
  /** A 200 with this body and content type (text that is not what it claims to be). */
  text: (body: string, contentType: string): HostileReply => ({ kind: 'text', body, contentType }),
  /** A valid reply whose result is a value nested `depth` levels deep. */
  deepResult: (depth: number): HostileReply => ({ kind: 'deepResult', depth }),
  /** An event.from batch with one VM event whose snapshot holds a field nested `depth` levels deep. */
  deepEvent: (depth: number, ref = 'OpaqueRef:vm-0'): HostileReply => ({ kind: 'deepEvent', depth, ref }),
  /** A valid-looking reply of `bytes` bytes, streamed in chunks without a Content-Length (the client must count). */
  oversized: (bytes: number): HostileReply => ({ kind: 'oversized', bytes }),
  /** Announces `bytes` in Content-Length, sends a few bytes and waits (a size known before the body is read). */
  declaresSize: (bytes: number): HostileReply => ({ kind: 'declaresSize', bytes }),
  /** Starts a reply and never finishes it (the socket stays open until the client gives up). */
  neverEnds: (): HostileReply => ({ kind: 'neverEnds' }),
  /** A XAPI failure (EVENTS_LOST makes the client load everything again). */
  failure: (code: string, params: string[] = []): HostileReply => ({ kind: 'failure', code, params }),
};

export interface HostileServerOptions {
  /** 'xml': an old server, XML-RPC on `/` only (`/jsonrpc` is a 404). */
  protocol?: 'json' | 'xml';
  /** Where its certificate is kept. */
  stateDir: string;
}

type Command =
  | { op: 'misbehave'; method: string; reply: HostileReply }
  | { op: 'addVms'; prefix: string; count: number }
  | { op: 'removeVms'; prefix: string; count: number }
  | { op: 'renameVm'; ref: string; name: string };

/** The parent's handle on the server process. */
export class HostileXapiServer {
  readonly password = PASSWORD;
  private nextId = 1;
  private readonly waiting = new Map<number, () => void>();

  private constructor(private readonly child: ChildProcess, readonly url: string, readonly fingerprint256: string) {
    child.on('message', (message: { id?: number }) => {
      if (message.id !== undefined) this.waiting.get(message.id)?.();
    });
  }

  static async start(options: HostileServerOptions): Promise<HostileXapiServer> {
    const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<{ url: string; fingerprint256: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { url: string; fingerprint256: string }));
      child.once('exit', (code) => reject(new Error(`the hostile server exited (${code})`)));
    });
    return new HostileXapiServer(child, ready.url, ready.fingerprint256);
  }

  /** The next call of `method` gets `reply` instead of its normal answer (queued: one per call). */
  misbehave(method: string, reply: HostileReply): Promise<void> {
    return this.send({ op: 'misbehave', method, reply });
  }

  /** One event batch adding `count` VMs named `<prefix>-<i>` (refs `OpaqueRef:<prefix>-<i>`). */
  addVms(prefix: string, count: number): Promise<void> {
    return this.send({ op: 'addVms', prefix, count });
  }

  /** One event batch removing them again. */
  removeVms(prefix: string, count: number): Promise<void> {
    return this.send({ op: 'removeVms', prefix, count });
  }

  renameVm(ref: string, name: string): Promise<void> {
    return this.send({ op: 'renameVm', ref, name });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  private send(command: Command): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, () => {
        this.waiting.delete(id);
        resolve();
      });
      this.child.send({ id, ...command });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The server process.

type Rec = Record<string, unknown>;

interface Call {
  method: string;
  params: unknown[];
  id: number | string;
  protocol: 'json' | 'xml';
}

interface QueuedEvent {
  id: number;
  class: string;
  operation: 'add' | 'mod' | 'del';
  ref: string;
  snapshot?: Rec;
}

const SESSION = 'OpaqueRef:hostile-session';
const PASSWORD = 'hostile';
const METHODS = ['session.login_with_password', 'session.logout', 'event.from', 'event.inject', 'pool.get_all', 'pool.get_all_records', 'host.get_all_records', 'VM.get_all_records', 'VM.get_record', 'VM.get_all'];

/** A VM record with the fields the tree and the tabs read. */
function vmRecord(name: string): Rec {
  return {
    uuid: randomUUID(), name_label: name, name_description: '', power_state: 'Halted', is_a_template: false, is_control_domain: false,
    is_a_snapshot: false, resident_on: 'OpaqueRef:NULL', tags: [], other_config: {}, memory_static_max: 1073741824, VCPUs_max: 1,
  };
}

class FakePool {
  private readonly records: Record<'pool' | 'host' | 'VM', Map<string, Rec>> = { pool: new Map(), host: new Map(), VM: new Map() };
  private readonly tricks = new Map<string, HostileReply[]>();
  private events: QueuedEvent[] = [];
  private lastEventId = 0;
  private waiting = new Set<() => void>();

  constructor(private readonly protocol: 'json' | 'xml') {
    this.records.pool.set('OpaqueRef:pool', { uuid: randomUUID(), name_label: 'Hostile pool', name_description: '', master: 'OpaqueRef:host', tags: [], other_config: {} });
    this.records.host.set('OpaqueRef:host', { uuid: randomUUID(), name_label: 'hostile-01', name_description: '', address: '127.0.0.1', enabled: true, tags: [], other_config: {} });
    for (let i = 0; i < 3; i++) this.records.VM.set(`OpaqueRef:vm-${i}`, vmRecord(`vm-${i}`));
  }

  command(command: Command): void {
    switch (command.op) {
      case 'misbehave': {
        const list = this.tricks.get(command.method) ?? [];
        list.push(command.reply);
        this.tricks.set(command.method, list);
        return;
      }
      case 'addVms':
        return this.push(Array.from({ length: command.count }, (_, i) => ({ class: 'vm', operation: 'add' as const, ref: `OpaqueRef:${command.prefix}-${i}`, snapshot: vmRecord(`${command.prefix}-${i}`) })));
      case 'removeVms':
        return this.push(Array.from({ length: command.count }, (_, i) => ({ class: 'vm', operation: 'del' as const, ref: `OpaqueRef:${command.prefix}-${i}` })));
      case 'renameVm':
        return this.push([{ class: 'vm', operation: 'mod', ref: command.ref, snapshot: { ...this.records.VM.get(command.ref), name_label: command.name } }]);
    }
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const json = req.url === '/jsonrpc';
      if (json && this.protocol === 'xml') {
        res.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>Not found</h1>');
        return;
      }
      let call: Call;
      try {
        if (json) {
          const request = decodeJsonRpcRequest(body);
          call = { method: request.method, params: request.params, id: request.id, protocol: 'json' };
        } else {
          const message = decodeXmlRpc(body);
          call = { method: message.methodName ?? '', params: message.params, id: 1, protocol: 'xml' };
        }
      } catch {
        res.writeHead(400).end();
        return;
      }
      const trick = this.tricks.get(call.method)?.shift();
      if (trick) return misbehave(res, call, trick);
      void this.answer(call).then((outcome) => {
        if (res.destroyed) return;
        const text = call.protocol === 'json' ? encodeJsonRpcResponse(call.id, outcome) : encodeXapiXmlRpcResponse(outcome);
        res.writeHead(200, { 'Content-Type': call.protocol === 'json' ? 'application/json' : 'text/xml' }).end(text);
      });
    });
  }

  private push(events: Omit<QueuedEvent, 'id'>[]): void {
    for (const event of events) {
      if (event.operation === 'del') this.records.VM.delete(event.ref);
      else if (event.snapshot) this.records.VM.set(event.ref, event.snapshot);
      this.events.push({ ...event, id: ++this.lastEventId });
    }
    const waiting = this.waiting;
    this.waiting = new Set();
    for (const resume of waiting) resume();
  }

  private async answer(call: Call): Promise<{ result: unknown } | { error: { code: string; params: string[] } }> {
    switch (call.method) {
      case 'system.listMethods':
        return { result: METHODS };
      case 'session.login_with_password':
        return call.params[1] === PASSWORD ? { result: SESSION } : { error: { code: 'SESSION_AUTHENTICATION_FAILED', params: [String(call.params[0]), 'Authentication failure'] } };
      case 'session.logout':
        return { result: '' };
    }
    if (call.params[0] !== SESSION) return { error: { code: 'SESSION_INVALID', params: [String(call.params[0])] } };
    if (call.method === 'event.inject') return { result: String(this.lastEventId) };
    if (call.method === 'event.from') return { result: await this.eventFrom(String(call.params[2] ?? ''), Number(call.params[3] ?? 1)) };
    const [cls, message] = call.method.split('.');
    const records = this.records[cls as 'pool' | 'host' | 'VM'];
    if (records) {
      if (message === 'get_all') return { result: [...records.keys()] };
      if (message === 'get_all_records') return { result: Object.fromEntries(records) };
      if (message === 'get_record') {
        const record = records.get(String(call.params[1]));
        return record ? { result: record } : { error: { code: 'HANDLE_INVALID', params: [cls, String(call.params[1])] } };
      }
    }
    return { error: { code: 'MESSAGE_METHOD_UNKNOWN', params: [call.method] } };
  }

  private async eventFrom(token: string, timeoutSeconds: number): Promise<Rec> {
    const since = Number(token) || 0;
    if (!this.events.some((e) => e.id > since)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resume, Math.min(timeoutSeconds, 5) * 1000);
        function resume() {
          clearTimeout(timer);
          resolve();
        }
        this.waiting.add(resume);
      });
    }
    const events = this.events.filter((e) => e.id > since).map((e) => ({ ...e, id: String(e.id), timestamp: '' }));
    const counts = { pool: this.records.pool.size, host: this.records.host.size, vm: this.records.VM.size };
    // Keep only what the client may still ask for again (a token older than the last batch it read).
    this.events = this.events.filter((e) => e.id > since);
    return { events, valid_ref_counts: counts, token: String(this.lastEventId) };
  }
}

function misbehave(res: ServerResponse, call: Call, reply: HostileReply): void {
  const json = call.protocol === 'json';
  const type = json ? 'application/json' : 'text/xml';
  switch (reply.kind) {
    case 'text':
      res.writeHead(200, { 'Content-Type': reply.contentType }).end(reply.body);
      return;
    case 'deepResult':
      return writeResult(res, call, deepText(call.protocol, reply.depth));
    case 'deepEvent': {
      if (json) {
        return writeResult(res, call, `{"events":[{"id":"1","timestamp":"","class":"vm","operation":"mod","ref":"${reply.ref}","snapshot":{"name_label":"deep","tags":${deepText('json', reply.depth)}}}],"valid_ref_counts":{},"token":"0"}`);
      }
      const member = (name: string, value: string) => `<member><name>${name}</name>${value}</member>`;
      const snapshot = `<value><struct>${member('name_label', '<value>deep</value>')}${member('tags', deepText('xml', reply.depth))}</struct></value>`;
      const event = `<value><struct>${member('id', '<value>1</value>')}${member('class', '<value>vm</value>')}${member('operation', '<value>mod</value>')}${member('ref', `<value>${reply.ref}</value>`)}${member('snapshot', snapshot)}</struct></value>`;
      return writeResult(res, call, `<value><struct>${member('events', `<value><array><data>${event}</data></array></value>`)}${member('valid_ref_counts', '<value><struct></struct></value>')}${member('token', '<value>0</value>')}</struct></value>`);
    }
    case 'oversized': {
      res.writeHead(200, { 'Content-Type': type });
      const head = json ? '{"jsonrpc":"2.0","id":1,"result":"' : '<?xml version="1.0"?><methodResponse><params><param><value>';
      const tail = json ? '"}' : '</value></param></params></methodResponse>';
      const filler = Buffer.alloc(64 * 1024, 'x');
      let left = reply.bytes - head.length - tail.length;
      res.once('close', () => { left = 0; });
      res.write(head);
      const pump = () => {
        while (left > 0 && !res.destroyed) {
          const chunk = left >= filler.length ? filler : filler.subarray(0, left);
          left -= chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end(tail);
      };
      pump();
      return;
    }
    case 'declaresSize':
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(reply.bytes) });
      res.write(json ? '{"jsonrpc":"2.0","result":"' : '<?xml version="1.0"?>');
      return;
    case 'neverEnds':
      res.writeHead(200, { 'Content-Type': type });
      res.write(json ? '{"jsonrpc":"2.0","id":1,"result":{"events":[' : '<?xml version="1.0"?><methodResponse><params>');
      return;
    case 'failure':
      res.writeHead(200, { 'Content-Type': type }).end(json
        ? encodeJsonRpcResponse(call.id, { error: { code: reply.code, params: reply.params } })
        : encodeXapiXmlRpcResponse({ error: { code: reply.code, params: reply.params } }));
  }
}

function deepText(protocol: 'json' | 'xml', depth: number): string {
  return protocol === 'json' ? '['.repeat(depth) + ']'.repeat(depth) : '<value><array><data>'.repeat(depth) + '</data></array></value>'.repeat(depth);
}

/** A success reply whose result is `valueText` (JSON text, or an XML-RPC <value>), written as is. */
function writeResult(res: ServerResponse, call: Call, valueText: string): void {
  if (call.protocol === 'json') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"jsonrpc":"2.0","id":${JSON.stringify(call.id)},"result":${valueText}}`);
  } else {
    res.writeHead(200, { 'Content-Type': 'text/xml' }).end(
      `<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name>${valueText}</member></struct></value></param></params></methodResponse>`,
    );
  }
}

async function serve(options: HostileServerOptions): Promise<void> {
  const certificate = await loadOrCreateHostCertificate(options.stateDir, { uuid: 'hostile', name: 'hostile-xapi' });
  const pool = new FakePool(options.protocol ?? 'json');
  const server = https.createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => pool.handle(req, res));
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', (message: Command & { id: number }) => {
    pool.command(message);
    process.send?.({ id: message.id });
  });
  process.once('SIGTERM', () => {
    for (const socket of sockets) socket.destroy();
    server.close(() => process.exit(0));
  });
  // The parent going away ends this process too.
  process.once('disconnect', () => process.exit(0));
  process.send?.({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, fingerprint256: certificate.fingerprint256 });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void serve(JSON.parse(process.argv[2] ?? '{}') as HostileServerOptions);
}

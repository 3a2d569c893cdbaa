/**
 * The simulator's console handler: `CONNECT /console?uuid=…|ref=…&session_id=…` (session also as a
 * cookie) answers `HTTP/1.1 200 OK` and then speaks RFB on the same socket, as xapi's console.ml
 * does; `GET /console` with `Upgrade: websocket` (xapi's connect_console_ws, subprotocol `binary`)
 * carries the same RFB inside WebSocket frames.
 *
 * The console records themselves belong to the VM lifecycle (api/vm-state.ts creates them on
 * start, reboot and migration with a new uuid and location, and destroys them on stop). Here,
 * when a console record goes away, every tunnel to it is closed, as XAPI does. The screen belongs
 * to the running domain, not to the console record: a live migration keeps it (the guest did not
 * notice), a reboot, stop or suspend drops it. A guest's screen is created on the first
 * connection, so 5000 running VMs cost nothing.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { guardWebSocket } from '../../shared/listener-guard';
import type { PoolSim, Simulator } from '../core';
import { requestUrl, sessionFromRequest, type RouteContext } from '../http/routes';
import { toXapiError } from '../xapi-error';
import type { ConsoleClock } from './console-clock';
import { realConsoleClock } from './console-clock';
import { createGuestScreen, type GuestScreen, type GuestScreenTiming } from './guest-screen';
import { guestInfo, type GuestInfo } from './guest-info';
import { serveRfb, type RfbSession } from './rfb-server';

export interface ConsoleExtensionOptions {
  /** Boot animation speed; the defaults look like a real boot. Tests may pass 0s. */
  timing?: GuestScreenTiming;
  /** A VM whose domain started longer ago than this (simulated ms) shows its login prompt at once. */
  bootedAfterMs?: number;
}

interface LiveConsole {
  screen: GuestScreen;
  sessions: Set<RfbSession>;
}

/** A guest's screen and the domain it belongs to (VM_metrics.start_time changes on start and reboot, not on migration). */
interface DomainScreen {
  screen: GuestScreen;
  startedAt: number | undefined;
}

export function createConsoleExtension(options: ConsoleExtensionOptions = {}): (sim: Simulator) => void {
  return (sim) => {
    const service = new ConsoleService(sim, options);
    sim.onVmMove((e) => service.moveScreen(e.from, e.fromRef, e.to, e.toRef));
    sim.routes.connect('/console', (req, socket, head, ctx) => service.connect(req, socket, head, ctx));
    sim.routes.upgrade('/console', (req, socket, head, ctx) => service.upgrade(req, socket, head, ctx));
  };
}

/** The installer for simulator/extensions.ts. */
export const installConsoles = createConsoleExtension();

export class ConsoleService {
  private readonly live = new Map<string, LiveConsole>();
  /** By pool uuid and VM ref. */
  private readonly screens = new Map<string, DomainScreen>();
  private readonly watched = new WeakSet<PoolSim>();
  // RFB client messages are a few bytes; a clipboard paste (ClientCutText) is the largest a viewer sends.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024, perMessageDeflate: false, handleProtocols: (p) => (p.has('binary') ? 'binary' : false) });
  private readonly clock: ConsoleClock;

  constructor(
    private readonly sim: Simulator,
    private readonly options: ConsoleExtensionOptions,
  ) {
    // Guests show the simulated time, but their boot animates at wall speed for the people watching.
    this.clock = { now: () => sim.clock.now(), setTimeout: realConsoleClock.setTimeout };
  }

  /** CONNECT /console: reply 200, then RFB on the raw socket. */
  connect(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: RouteContext): void {
    const found = this.authorise(req, socket, ctx);
    if (!found) return;
    socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n');
    if (head.length) socket.unshift(head);
    (socket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
    this.attach(found.consoleRef, socket, ctx);
  }

  /** GET /console with Upgrade: websocket: RFB inside binary WebSocket messages. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: RouteContext): void {
    const found = this.authorise(req, socket, ctx);
    if (!found) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      guardWebSocket(ws);
      const stream = createWebSocketStream(ws);
      stream.on('error', () => undefined);
      this.attach(found.consoleRef, stream, ctx);
    });
  }

  /** Checks the session and finds the console; answers the HTTP error itself when it cannot. */
  private authorise(req: IncomingMessage, socket: Duplex, ctx: RouteContext): { consoleRef: string } | undefined {
    this.watch(ctx.pool);
    try {
      sessionFromRequest(req, ctx);
    } catch (err) {
      refuse(socket, 401, 'Unauthorized', toXapiError(err).description.join(' '));
      return undefined;
    }
    const url = requestUrl(req);
    const ref = url.searchParams.get('ref');
    const uuid = url.searchParams.get('uuid');
    let consoleRef: string | undefined;
    if (ref && ctx.db.find('console', ref)) consoleRef = ref;
    else if (uuid) consoleRef = ctx.db.refs('console').find((r) => ctx.db.find('console', r)?.uuid === uuid);
    const record = consoleRef ? ctx.db.find('console', consoleRef) : undefined;
    if (!consoleRef || !record || record.protocol !== 'rfb') {
      refuse(socket, 404, 'Not Found', 'No such console');
      return undefined;
    }
    const vm = ctx.db.find('VM', String(record.VM));
    // The console lives on the VM's resident host: a stale location after a migration no longer works.
    if (!vm || vm.power_state === 'Halted' || vm.resident_on !== ctx.host.ref) {
      refuse(socket, 404, 'Not Found', 'The console is not on this host');
      return undefined;
    }
    return { consoleRef };
  }

  private attach(consoleRef: string, socket: Duplex, ctx: RouteContext): void {
    const live = this.liveConsole(consoleRef, ctx);
    const session = serveRfb(socket, live.screen);
    live.sessions.add(session);
    session.onClose(() => live.sessions.delete(session));
  }

  private liveConsole(consoleRef: string, ctx: RouteContext): LiveConsole {
    let live = this.live.get(consoleRef);
    if (!live) {
      const vmRef = String(ctx.db.get('console', consoleRef).VM);
      live = { screen: this.domainScreen(ctx.pool, vmRef), sessions: new Set() };
      this.live.set(consoleRef, live);
    }
    return live;
  }

  /** The screen of the VM's current domain: the one it had before a migration, a new one after a start or reboot. */
  private domainScreen(pool: PoolSim, vmRef: string): GuestScreen {
    this.dropStaleScreen(pool, vmRef);
    const key = screenKey(pool, vmRef);
    const kept = this.screens.get(key);
    if (kept) return kept.screen;
    const info = this.guestInfoFor(pool, vmRef);
    const startedAt = this.domainStartedAt(pool, vmRef);
    const booted = startedAt !== undefined && this.sim.clock.now() - startedAt > (this.options.bootedAfterMs ?? 20_000);
    const timing: GuestScreenTiming = booted ? { bootLineMs: 0, windowsStartMs: 0 } : (this.options.timing ?? {});
    const screen = createGuestScreen(info, this.clock, timing);
    this.screens.set(key, { screen, startedAt });
    return screen;
  }

  /** Disposes a VM's screen once its domain is gone (stopped, suspended, deleted) or replaced (rebooted). */
  private dropStaleScreen(pool: PoolSim, vmRef: string): void {
    const key = screenKey(pool, vmRef);
    const kept = this.screens.get(key);
    if (!kept) return;
    const vm = pool.db.find('VM', vmRef);
    const running = vm && (vm.power_state === 'Running' || vm.power_state === 'Paused');
    if (running && kept.startedAt === this.domainStartedAt(pool, vmRef)) return;
    this.screens.delete(key);
    kept.screen.dispose();
  }

  /**
   * When a console record is destroyed (stop, reboot, migration), its tunnels close, as XAPI's do.
   * A screen is dropped when its domain ends: on a VM leaving the running states, or on a new
   * console whose domain started later than the screen's (reboot).
   */
  private watch(pool: PoolSim): void {
    if (this.watched.has(pool)) return;
    this.watched.add(pool);
    pool.db.onChange((change) => {
      if (change.cls === 'VM' && (change.op === 'del' || change.rec.power_state !== change.before?.power_state)) {
        if (change.op === 'del') {
          const key = screenKey(pool, change.ref);
          this.screens.get(key)?.screen.dispose();
          this.screens.delete(key);
        } else this.dropStaleScreen(pool, change.ref);
        return;
      }
      if (change.cls !== 'console') return;
      if (change.op === 'add') {
        this.dropStaleScreen(pool, String(change.rec.VM));
        return;
      }
      if (change.op !== 'del') return;
      const live = this.live.get(change.ref);
      if (!live) return;
      this.live.delete(change.ref);
      for (const session of [...live.sessions]) session.close();
    });
  }

  private domainStartedAt(pool: PoolSim, vmRef: string): number | undefined {
    const vm = pool.db.find('VM', vmRef);
    const metrics = vm ? pool.db.find('VM_metrics', String(vm.metrics)) : undefined;
    return metrics ? parseXapiTime(metrics.start_time) : undefined;
  }

  private guestInfoFor(pool: PoolSim, vmRef: string): GuestInfo {
    const vm = pool.db.get('VM', vmRef);
    const name = String(vm.name_label);
    const memoryMiB = Math.round(Number(vm.memory_static_max) / 1024 / 1024) || 2048;
    const vcpus = Number(vm.VCPUs_at_startup) || 1;
    if (vm.is_control_domain) {
      const host = pool.db.find('host', String(vm.resident_on));
      const sv = (host?.software_version ?? {}) as Record<string, string>;
      const brand = sv.product_brand || 'XCP-ng';
      const version = sv.product_version || '8.3.0';
      return guestInfo({
        desktopName: name,
        hostname: String(host?.hostname || host?.name_label || 'xcp-host'),
        distro: `${brand} ${version}`,
        kernel: '4.19.0+1',
        kernelBuilder: 'mockbuild@builder',
        memoryMiB,
        vcpus,
        width: 800,
        height: 600,
      });
    }
    const osName = pool.guests.get(vmRef)?.os_version?.name ?? '';
    const windows = /windows/i.test(osName) || /\bwin(dows)?\b|^win-?\d/i.test(name);
    // Windows tools report `Microsoft Windows Server 2022 Datacenter|C:\\Windows|…`; Linux ones `Debian GNU/Linux 12 (bookworm)`.
    const distro = osName.split('|')[0].replace(/\s*\(.*\)\s*$/, '').replace(/^Microsoft /, '');
    return guestInfo({ desktopName: name, os: windows ? 'windows' : 'linux', ...(distro ? { distro } : {}), memoryMiB, vcpus });
  }

  /** A VM that moved to another pool keeps its running guest, so its screen: re-filed under its new pool and ref. */
  moveScreen(from: PoolSim, fromRef: string, to: PoolSim, toRef: string): void {
    const kept = this.screens.get(screenKey(from, fromRef));
    if (!kept) return;
    this.screens.delete(screenKey(from, fromRef));
    this.screens.set(screenKey(to, toRef), kept);
  }

  /** Live screens, for tests and for a future /vncsnapshot handler. */
  screenOf(consoleRef: string): GuestScreen | undefined {
    return this.live.get(consoleRef)?.screen;
  }
}

function screenKey(pool: PoolSim, vmRef: string): string {
  return `${pool.uuid}/${vmRef}`;
}

function refuse(socket: Duplex, status: number, reason: string, body: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body) + 1}\r\nConnection: close\r\n\r\n${body}\n`);
}

/** XAPI datetimes: `20240102T03:04:05Z` (also with dashes and colons). */
function parseXapiTime(value: unknown): number | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})/.exec(String(value ?? ''));
  if (!m) return undefined;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return t > 0 ? t : undefined;
}

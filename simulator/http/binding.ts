/**
 * Gives every simulated host its listener. Preferred: one loopback IP per host (127.0.0.1, .2, …) and the
 * same port for all, so host.address is a bare IP as on a real pool. Where the OS cannot bind 127.0.0.x
 * (macOS without aliases), every host listens on one IP with its own port and host.address is `IP:PORT`.
 */
import type { SimHost } from '../core';
import type { ServerCertificate } from './certificate';
import { HostListener } from './listener';
import { hostHandlers } from './request-handler';

export type AddressMode = 'loopback-per-host' | string;

export function loopbackIp(i: number): string {
  return i < 254 ? `127.0.0.${i + 1}` : `127.0.${1 + Math.floor(i / 254)}.${1 + (i % 254)}`;
}

async function closeAll(hosts: SimHost[]): Promise<void> {
  await Promise.all(hosts.map((h) => h.listener?.close()));
}

async function bindPerHostIp(hosts: SimHost[], port: number): Promise<void> {
  const first = await hosts[0].listener!.listen(loopbackIp(0), port);
  hosts[0].ip = loopbackIp(0);
  hosts[0].port = first;
  for (let i = 1; i < hosts.length; i++) {
    hosts[i].port = await hosts[i].listener!.listen(loopbackIp(i), first);
    hosts[i].ip = loopbackIp(i);
  }
  for (const h of hosts) h.address = h.ip;
}

async function bindSharedIp(hosts: SimHost[], ip: string, port: number): Promise<void> {
  for (let i = 0; i < hosts.length; i++) {
    hosts[i].port = await hosts[i].listener!.listen(ip, i === 0 ? port : 0);
    hosts[i].ip = ip;
    hosts[i].address = `${ip}:${hosts[i].port}`;
  }
}

/** Binds every host, each serving its own certificate (`certificateOf`, as a real host serves its xapi-ssl.pem). */
export async function bindHosts(hosts: SimHost[], certificateOf: (host: SimHost) => ServerCertificate, mode: AddressMode, port: number): Promise<'per-host-ip' | 'shared-ip'> {
  for (const h of hosts) {
    const cert = certificateOf(h);
    h.listener = new HostListener(cert, hostHandlers(h));
    h.certificate = cert;
    h.fingerprint256 = cert.fingerprint256;
  }
  if (mode !== 'loopback-per-host') {
    await bindSharedIp(hosts, mode, port);
    return 'shared-ip';
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      await bindPerHostIp(hosts, port);
      return 'per-host-ip';
    } catch (err) {
      lastError = err;
      await closeAll(hosts);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL') break; // this OS has no 127.0.0.x beyond .1
      if (code === 'EADDRINUSE' && port !== 0 && attempt > 0) throw err; // the requested port is taken
    }
  }
  if ((lastError as NodeJS.ErrnoException)?.code !== 'EADDRNOTAVAIL') throw lastError;
  await bindSharedIp(hosts, '127.0.0.1', port);
  return 'shared-ip';
}

/** How a container's fields read in its General tab (as `docker ps` and XenCenter write them). */
import type { DockerPort } from '../../../shared/api-client/xscontainer';

/** `0.0.0.0:8080->80/tcp`, or `80/tcp` for a port that is only exposed (docker ps's PORTS column). */
export function formatPort(p: DockerPort): string {
  const inner = `${p.privatePort ?? '?'}/${p.protocol || 'tcp'}`;
  if (p.publicPort === undefined) return inner;
  const ip = p.ip ? (p.ip.includes(':') ? `[${p.ip}]` : p.ip) : '';
  return `${ip ? `${ip}:` : ''}${p.publicPort}->${inner}`;
}

/** Unix seconds as local date and time (XenCenter converts `created` the same way). */
export function formatCreated(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return '—';
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleString();
}

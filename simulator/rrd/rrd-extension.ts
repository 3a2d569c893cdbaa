/**
 * Installs the performance-data handlers on every simulated host: `GET /rrd_updates`, `/host_rrds`, `/vm_rrds`
 * (PROTOCOL.md "Performance data"), and follows VM power and host changes so the data follows the VMs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimExtension } from '../extension';
import type { PoolSim } from '../core';
import { requestUrl, sendXapiHttpError, sessionFromRequest, XapiError, type RouteContext } from '../http/routes';
import { CONSOLIDATION_FNS, type ConsolidationFn } from './archives';
import { RrdModel } from './rrd-export';
import { rrdDumpXml } from './rrd-dump';
import { updatesToJson, updatesToXml } from './xport-writer';

const models = new WeakMap<PoolSim, RrdModel>();

/** The pool's RRD model (created on first use; tests and the bench use it directly). */
export function rrdModel(pool: PoolSim): RrdModel {
  let m = models.get(pool);
  if (!m) {
    m = new RrdModel(pool);
    models.set(pool, m);
  }
  return m;
}

/** Whole seconds from a query parameter (xapi parses int64; a bad one is an error, a missing one 0). */
function intParam(url: URL, name: string): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return 0;
  if (!/^-?\d+$/.test(raw.trim())) throw new XapiError('FIELD_TYPE_ERROR', [name]);
  return Number(raw);
}

function send(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache' });
  res.end(body);
}

/** The counter tests read to check that clients share requests (one per host and archive, not one per chart). */
export interface RrdRequestLog { path: string; host: string; query: string }
export const rrdRequestLogs = new WeakMap<PoolSim, RrdRequestLog[]>();

function logRequest(req: IncomingMessage, ctx: RouteContext): void {
  const url = requestUrl(req);
  let log = rrdRequestLogs.get(ctx.pool);
  if (!log) rrdRequestLogs.set(ctx.pool, (log = []));
  if (log.length > 10_000) log.splice(0, 5_000);
  const q = new URLSearchParams(url.searchParams);
  q.delete('session_id');
  log.push({ path: url.pathname, host: ctx.host.uuid, query: q.toString() });
}

export const installRrd: SimExtension = (sim) => {
  for (const pool of sim.pools) rrdModel(pool);
  sim.onVmChange((e) => rrdModel(e.pool).lifecycles.change(e.ref, e.before, e.after));
  // A VM moved to another pool keeps its graphs: its history goes with it (xapi's Rrdd_proxy.migrate_rrd).
  sim.onVmMove((e) => {
    const from = rrdModel(e.from).lifecycles;
    rrdModel(e.to).lifecycles.adopt(e.toRef, from.segments(e.fromRef));
    from.forget(e.fromRef);
  });

  sim.routes.http('GET', '/rrd_updates', (req, res, ctx) => {
    try {
      logRequest(req, ctx);
      sessionFromRequest(req, ctx);
      const url = requestUrl(req);
      const cfRaw = url.searchParams.get('cf');
      const cf = cfRaw ? (cfRaw.toUpperCase() as ConsolidationFn) : undefined;
      if (cf && !CONSOLIDATION_FNS.includes(cf)) throw new XapiError('FIELD_TYPE_ERROR', ['cf']);
      const vmUuid = url.searchParams.get('vm_uuid') ?? undefined;
      const updates = rrdModel(ctx.pool).updates(ctx.host.ref, {
        start: intParam(url, 'start'),
        interval: intParam(url, 'interval'),
        cf,
        includeHost: url.searchParams.get('host') === 'true',
        vmUuid,
      });
      if (!updates) {
        // xapi-rrd raises No_RRA_Available when nothing matches (a VM not resident here, host=false).
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('No_RRA_Available\n');
        return;
      }
      if (url.searchParams.get('json') === 'true') send(res, 'application/json', updatesToJson(updates));
      else send(res, 'text/xml', updatesToXml(updates));
    } catch (err) {
      sendXapiHttpError(res, err);
    }
  });

  sim.routes.http('GET', '/host_rrds', (req, res, ctx) => {
    try {
      logRequest(req, ctx);
      sessionFromRequest(req, ctx);
      const model = rrdModel(ctx.pool);
      send(res, 'text/xml', rrdDumpXml(model.hostEntity(ctx.host.ref), model.nowSec()));
    } catch (err) {
      sendXapiHttpError(res, err);
    }
  });

  sim.routes.http('GET', '/vm_rrds', (req, res, ctx) => {
    try {
      logRequest(req, ctx);
      sessionFromRequest(req, ctx);
      const uuid = requestUrl(req).searchParams.get('uuid') ?? '';
      let ref: string;
      try {
        ref = ctx.db.byUuid('VM', uuid);
      } catch {
        throw new XapiError('UUID_INVALID', ['VM', uuid]);
      }
      const model = rrdModel(ctx.pool);
      send(res, 'text/xml', rrdDumpXml(model.vmEntity(ref), model.nowSec()));
    } catch (err) {
      sendXapiHttpError(res, err);
    }
  });
};

/**
 * Bench case `sim-large`: the simulator's large scenario (16 hosts, 5,000 VMs). Figures: startup time,
 * VM.get_all_records over JSON-RPC and XML-RPC (second call, records cached), and the JSON reply time
 * as a ratio of the floor: JSON.stringify of the same records in-process, no HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../simulator';
import type { BenchFigures } from './index';

async function post(url: string, body: string, contentType: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': contentType }, body });
  await res.arrayBuffer();
  return performance.now() - t0;
}

export async function simLargeBench(): Promise<BenchFigures> {
  const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-bench-sim-'));
  const t0 = performance.now();
  const sim = await startSimulator({ scenario: 'large', hosts: 16, vms: 5000, stateDir });
  const startup = performance.now() - t0;
  try {
    const base = sim.hosts[0].httpUrl;
    const login = await fetch(`${base}/jsonrpc`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'session.login_with_password', params: ['root', 'xendeck'], id: 1 }),
    });
    const session = ((await login.json()) as { result: string }).result;
    const jsonBody = JSON.stringify({ jsonrpc: '2.0', method: 'VM.get_all_records', params: [session], id: 2 });
    const xmlBody = `<?xml version="1.0"?><methodCall><methodName>VM.get_all_records</methodName><params><param><value>${session}</value></param></params></methodCall>`;
    const jsonCold = await post(`${base}/jsonrpc`, jsonBody, 'application/json');
    const json = await post(`${base}/jsonrpc`, jsonBody, 'application/json');
    await post(`${base}/`, xmlBody, 'text/xml');
    const xml = await post(`${base}/`, xmlBody, 'text/xml');
    const records = Object.fromEntries(sim.db.all('VM'));
    const f0 = performance.now();
    JSON.stringify(records);
    const floor = performance.now() - f0;
    return {
      startup: { value: startup, unit: 'ms' },
      vmRecordsJsonCold: { value: jsonCold, unit: 'ms' },
      vmRecordsJson: { value: json, unit: 'ms' },
      vmRecordsXml: { value: xml, unit: 'ms' },
      vmRecordsJsonVsStringify: { value: json / floor, unit: 'x' },
    };
  } finally {
    await sim.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The demo and large scenarios as a client would explore them (databases loaded by `dump`: dump/*.test.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSimulator } from '../contract/harness';
import { login, rpc } from '../contract/json-rpc-client';

type Rec = Record<string, unknown>;
let running: Awaited<ReturnType<typeof startTestSimulator>>[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.cleanup()));
  running = [];
});
async function start(opts: Parameters<typeof startTestSimulator>[0]) {
  const sim = await startTestSimulator(opts);
  running.push(sim);
  return sim;
}
async function records(url: string, s: string, cls: string): Promise<Rec[]> {
  return Object.values((await rpc(url, `${cls}.get_all_records`, s)) as Record<string, Rec>);
}

describe('demo scenario', () => {
  it('serves two pools and a standalone server, each from its own master address, that look like a small company', async () => {
    const sim = await start({});
    expect(sim.pools.map((p) => p.name)).toEqual(['Production', 'Lab', '']);
    const [prod, lab, spare] = sim.pools;
    expect(new Set([prod.masterAddress, lab.masterAddress, spare.masterAddress]).size).toBe(3);
    const url = sim.hosts[0].httpUrl;
    const s = await login(url);
    const vms = await records(url, s, 'VM');
    const guests = vms.filter((v) => !v.is_a_template && !v.is_control_domain);
    expect(guests.length).toBeGreaterThanOrEqual(15);
    expect(new Set(guests.map((v) => v.power_state))).toEqual(new Set(['Running', 'Halted', 'Suspended', 'Paused']));
    expect(vms.filter((v) => v.is_control_domain)).toHaveLength(3);
    const templates = vms.filter((v) => v.is_a_template);
    expect(templates.map((t) => t.name_label)).toEqual(expect.arrayContaining(['Debian Bookworm 12', 'Windows Server 2022 (64-bit)', 'web-base (Debian 12)']));
    expect(templates.find((t) => t.name_label === 'web-base (Debian 12)')!.is_default_template).toBe(false);
    const docker = guests.filter((v) => (v.other_config as Record<string, string>)['xscontainer-monitor'] === 'True');
    expect(docker.length).toBeGreaterThanOrEqual(2);
    const gms = await records(url, s, 'VM_guest_metrics');
    expect(gms.some((g) => (g.os_version as Record<string, string>).distro === 'windows')).toBe(true);
    const srs = await records(url, s, 'SR');
    expect(srs.filter((x) => x.type === 'nfs' && x.shared)).toHaveLength(1);
    expect(srs.filter((x) => x.type === 'ext')).toHaveLength(3);
    expect(srs.filter((x) => x.content_type === 'iso')).toHaveLength(1);
    expect(await records(url, s, 'Bond')).toHaveLength(3);
    expect((await records(url, s, 'VLAN')).every((v) => v.tag === 20)).toBe(true);
    expect(new Set((await records(url, s, 'message')).map((m) => m.priority)).size).toBeGreaterThan(2);
    expect(await records(url, s, 'VMSS')).toHaveLength(1);
    // The Lab pool is another pool: its master knows nothing of Production.
    const labUrl = sim.hosts.find((h) => h.address === lab.masterAddress)!.httpUrl;
    const ls = await login(labUrl);
    const labPool = (await records(labUrl, ls, 'pool'))[0];
    expect(labPool.name_label).toBe('Lab');
    expect((await records(labUrl, ls, 'host')).map((h) => h.name_label).sort()).toEqual(['xcp-lab-01', 'xcp-lab-02']);
    // xcp-lab-02 keeps a local ISO SR; rocky9-eval runs there with a CD from it.
    const labSrs = await records(labUrl, ls, 'SR');
    const localIso = labSrs.find((x) => x.content_type === 'iso')!;
    expect(localIso).toMatchObject({ shared: false, name_label: 'Local ISOs on xcp-lab-02' });
    const [rocky] = (await rpc(labUrl, 'VM.get_by_name_label', ls, 'rocky9-eval')) as string[];
    expect(await rpc(labUrl, 'VM.get_power_state', ls, rocky)).toBe('Running');
    const cd = (await records(labUrl, ls, 'VBD')).find((b) => b.VM === rocky && b.type === 'CD')!;
    expect(await rpc(labUrl, 'VDI.get_SR', ls, cd.VDI)).toBe(((await rpc(labUrl, 'SR.get_by_name_label', ls, 'Local ISOs on xcp-lab-02')) as string[])[0]);
    // xcp-lab-03 is a standalone server: a pool without a name, one AMD host, local storage only.
    const spareUrl = sim.hosts.find((h) => h.address === spare.masterAddress)!.httpUrl;
    const ss = await login(spareUrl);
    expect((await records(spareUrl, ss, 'pool'))[0].name_label).toBe('');
    const [spareHost] = await records(spareUrl, ss, 'host');
    expect(spareHost.name_label).toBe('xcp-lab-03');
    expect((spareHost.cpu_info as Record<string, string>).vendor).toBe('AuthenticAMD');
    expect((await records(spareUrl, ss, 'SR')).filter((x) => x.shared)).toEqual([]);
  });

  it('is the same data for the same seed', async () => {
    const a = await start({ seed: 5 });
    const b = await start({ seed: 5 });
    const uuids = async (sim: typeof a) => {
      const s = await login(sim.hosts[0].httpUrl);
      return (await records(sim.hosts[0].httpUrl, s, 'VM')).map((v) => `${v.uuid} ${v.name_label}`).sort();
    };
    expect(await uuids(a)).toEqual(await uuids(b));
  });
});

describe('large scenario', () => {
  it('generates the requested hosts and VMs with disks, CD drives and VIFs', async () => {
    const sim = await start({ scenario: 'large', hosts: 4, vms: 300 });
    const url = sim.hosts[0].httpUrl;
    const s = await login(url);
    expect(sim.hosts).toHaveLength(4);
    const guests = (await records(url, s, 'VM')).filter((v) => !v.is_a_template && !v.is_control_domain);
    expect(guests).toHaveLength(300);
    expect(guests.every((v) => (v.VBDs as string[]).length === 2 && (v.VIFs as string[]).length === 1)).toBe(true);
    const running = guests.filter((v) => v.power_state === 'Running');
    expect(running.length).toBeGreaterThan(150);
    const free = await Promise.all(sim.pools[0].pool.hosts.map((h) => rpc(url, 'host.compute_free_memory', s, h.ref) as Promise<number>));
    expect(free.every((f) => f > 0)).toBe(true);
  });
});

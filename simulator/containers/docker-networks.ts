/**
 * A Docker engine's networks: `bridge` (172.17.0.0/16) and user networks such as compose's `<project>_default`
 * (172.18, 172.19…), each with its id and the next free address for a container endpoint.
 */
import type { SeededRandom } from '../random';

export interface DockerNetwork { id: string; subnet: number; next: number }
export interface Endpoint { ip: string; mac: string; id: string }

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

export class DockerNetworks {
  private nets = new Map<string, DockerNetwork>();

  constructor(private readonly rng: SeededRandom) {}

  get(name: string): DockerNetwork {
    let n = this.nets.get(name);
    if (!n) {
      const userNetworks = [...this.nets.keys()].filter((k) => k !== 'bridge').length;
      this.nets.set(name, (n = { id: this.rng.hex(64), subnet: name === 'bridge' ? 17 : 18 + userNetworks, next: 2 }));
    }
    return n;
  }

  /** A new endpoint for a container in network mode `mode` (none on the host network or without a network). */
  endpoint(mode: string): Endpoint | undefined {
    if (mode === 'host' || mode === 'none') return undefined;
    const net = this.get(mode);
    const host = net.next++;
    const [hi, lo] = [(host >> 8) & 255, host & 255];
    return { ip: `172.${net.subnet}.${hi}.${lo}`, mac: `02:42:ac:${hex2(net.subnet)}:${hex2(hi)}:${hex2(lo)}`, id: this.rng.hex(64) };
  }
}

/** What a console screen needs to know about its guest to draw something believable. */
export interface GuestInfo {
  os: 'linux' | 'windows';
  /** RFB desktop name (ServerInit), e.g. the VM's name_label. */
  desktopName: string;
  /** Shown in the login prompt, e.g. `web-01 login:`. */
  hostname: string;
  /** `Debian GNU/Linux 12`, `Windows Server 2022 Datacenter`, `XCP-ng 8.3.0`… */
  distro: string;
  kernel: string;
  kernelBuilder: string;
  rootUuid: string;
  memoryMiB: number;
  vcpus: number;
  width: number;
  height: number;
}

/** Fills what the caller does not know with the defaults of a Debian 12 HVM guest at 1024×768. */
export function guestInfo(partial: Partial<GuestInfo> & Pick<GuestInfo, 'desktopName'>): GuestInfo {
  const os = partial.os ?? 'linux';
  return {
    os,
    hostname: hostnameFrom(partial.desktopName),
    distro: os === 'windows' ? 'Windows Server 2022 Datacenter' : 'Debian GNU/Linux 12',
    kernel: '6.1.0-18-amd64',
    kernelBuilder: 'debian-kernel@lists.debian.org',
    rootUuid: '6f1c2a9e-5b1d-4c3e-9a7f-2d8e0b4c1a53',
    memoryMiB: 2048,
    vcpus: 2,
    width: 1024,
    height: 768,
    ...partial,
  };
}

/** A VM's name_label as a hostname: lower case, letters, digits and dashes. */
export function hostnameFrom(name: string): string {
  const host = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return host || 'localhost';
}

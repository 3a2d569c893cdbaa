import { describe, expect, it } from 'vitest';
import { baseUrlOf, siblingUrl } from './address';

describe('server addresses', () => {
  it('accepts host, host:port, [v6], [v6]:port, bare IPv6 and URLs', () => {
    expect(baseUrlOf('xen1.lab')).toBe('https://xen1.lab');
    expect(baseUrlOf('10.0.0.1:8443')).toBe('https://10.0.0.1:8443');
    expect(baseUrlOf('[fe80::1]')).toBe('https://[fe80::1]');
    expect(baseUrlOf('[fe80::1]:444')).toBe('https://[fe80::1]:444');
    expect(baseUrlOf('fe80::1')).toBe('https://[fe80::1]');
    expect(baseUrlOf('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(baseUrlOf('https://[::1]:8443')).toBe('https://[::1]:8443');
  });

  it('follows HOST_IS_SLAVE keeping scheme and port unless the master address has its own port', () => {
    expect(siblingUrl('https://127.0.0.2:4433', '127.0.0.3')).toBe('https://127.0.0.3:4433');
    expect(siblingUrl('http://127.0.0.1:4000', '127.0.0.1:4001')).toBe('http://127.0.0.1:4001');
    expect(siblingUrl('https://10.0.0.1', 'fd00::5')).toBe('https://[fd00::5]');
    expect(siblingUrl('https://10.0.0.1:8443', '[fd00::5]:9000')).toBe('https://[fd00::5]:9000');
  });
});

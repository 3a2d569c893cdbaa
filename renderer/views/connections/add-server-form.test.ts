import { describe, expect, it } from 'vitest';
import { addressProblem, addServerArgs, validateAddServer } from './add-server-form';

describe('Add server form', () => {
  it('accepts the address forms users type: host, host:port, IPv4, [IPv6]:port, bare IPv6 and URLs', () => {
    for (const ok of ['xcp-01.example.com', 'xcp-01', '10.0.0.5', '10.0.0.5:8443', '[::1]:443', '[fd00::5]', 'fd00::5', 'https://xcp-01.example.com', 'http://127.0.0.2:8080/']) {
      expect(addressProblem(ok), ok).toBeUndefined();
    }
  });

  it('refuses what it could not connect to, with a sentence saying why', () => {
    expect(addressProblem('')).toMatch(/Type the address/);
    expect(addressProblem('xcp 01')).toMatch(/no spaces/);
    expect(addressProblem('ftp://xcp-01')).toMatch(/http:\/\/ and https:\/\//);
    expect(addressProblem('xcp-01:99999')).toMatch(/1 to 65535/);
    expect(addressProblem('xcp-01:abc')).toMatch(/not an address/);
    expect(addressProblem('bad_host!')).toMatch(/not a valid host name/);
  });

  it('needs a user name but allows an empty password', () => {
    expect(validateAddServer({ address: 'h', user: ' ', password: '', remember: false })).toEqual({ user: expect.stringMatching(/user name/) });
    expect(validateAddServer({ address: 'h', user: 'root', password: '', remember: false })).toEqual({});
  });

  it('sends the address and user trimmed, the password exactly as typed', () => {
    expect(addServerArgs({ address: ' h:443 ', user: ' root ', password: ' p w ', remember: true })).toEqual({ address: 'h:443', user: 'root', password: ' p w ', remember: true });
  });
});

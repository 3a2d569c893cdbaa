import { describe, expect, it } from 'vitest';
import { addressProblem, addServerArgs, cleartextHost, httpsVariant, validateAddServer } from './add-server-form';

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

  it('asks before sending a password over plain http, except to this computer', () => {
    for (const remote of ['http://xcp-01.example.com', 'HTTP://10.0.0.5:8080/', 'http://[fd00::5]:80', 'http://192.168.1.127']) expect(cleartextHost(remote), remote).toBeTruthy();
    expect(cleartextHost('http://xcp-01.example.com')).toBe('xcp-01.example.com');
    for (const local of ['http://127.0.0.1:8080', 'http://127.0.0.2', 'http://localhost:80', 'http://LOCALHOST.', 'http://[::1]:8080', 'http://pool.localhost']) expect(cleartextHost(local), local).toBeUndefined();
    for (const encrypted of ['https://xcp-01.example.com', 'xcp-01.example.com', '10.0.0.5:80', '[fd00::5]:443', 'not an address at all']) expect(cleartextHost(encrypted), encrypted).toBeUndefined();
    expect(httpsVariant(' http://xcp-01:8080/ ')).toBe('https://xcp-01:8080/');
  });
});

/** xendeck:// links and files given to the app: what is accepted, and that no link can carry a password. */
import { describe, expect, it } from 'vitest';
import { openFileRequest, parseXendeckUrl } from './open-request';

describe('xendeck:// links', () => {
  it('pre-fill Add server with an address and optionally a user', () => {
    expect(parseXendeckUrl('xendeck://add-server?address=pool.example.com')).toEqual({ kind: 'add-server', address: 'pool.example.com' });
    expect(parseXendeckUrl('xendeck://add-server?address=10.0.0.5%3A8443&user=admin')).toEqual({ kind: 'add-server', address: '10.0.0.5:8443', user: 'admin' });
    expect(parseXendeckUrl('xendeck:add-server?address=%5Bfd00%3A%3A1%5D%3A443')).toEqual({ kind: 'add-server', address: '[fd00::1]:443' });
    expect(parseXendeckUrl('XENDECK://Add-Server?address=https%3A%2F%2Fpool.example.com')).toEqual({ kind: 'add-server', address: 'https://pool.example.com' });
  });

  it('never carry a password: a link with one is refused whole', () => {
    for (const url of [
      'xendeck://add-server?address=pool&password=secret',
      'xendeck://root:secret@add-server?address=pool',
      'xendeck://add-server?address=https%3A%2F%2Froot%3Asecret%40pool.example.com',
      'xendeck://add-server?address=root@pool',
    ]) expect(parseXendeckUrl(url), url).toBeUndefined();
  });

  it('refuse what they do not understand', () => {
    for (const url of ['xendeck://add-server', 'xendeck://add-server?address=', 'xendeck://delete-server?address=pool', 'https://add-server?address=pool', 'xendeck://add-server?address=a%20b', 'not a url', 'xendeck://add-server?address=pool&user=', 'xendeck://add-server?address=pool&session=x']) {
      expect(parseXendeckUrl(url), url).toBeUndefined();
    }
  });
});

describe('files given to the app', () => {
  it('are VM exports (.xva) or appliances (.ova), by extension', () => {
    expect(openFileRequest('/home/u/web.xva')).toEqual({ kind: 'open-file', path: '/home/u/web.xva', fileKind: 'xva' });
    expect(openFileRequest('C:\\VMs\\Appliance.OVA')).toEqual({ kind: 'open-file', path: 'C:\\VMs\\Appliance.OVA', fileKind: 'ova' });
    expect(openFileRequest('/home/u/notes.txt')).toBeUndefined();
    expect(openFileRequest('/home/u/xva')).toBeUndefined();
  });
});

/**
 * What the operating system asks the app to open: a `xendeck://` link (which can pre-fill Add server) or a
 * VM file given to the app (.xva, .ova: the file associations the installers register). Parsed in the main
 * process from the command line, macOS open-url/open-file events and a second launch; the page takes them
 * with `app.takeOpenRequests`. Pure code: no Node, DOM or Electron.
 */
export type OpenRequest =
  | {
      kind: 'add-server';
      /** As Add server accepts it: host, host:port, [v6]:port or an https:// URL. */
      address: string;
      user?: string;
    }
  | { kind: 'open-file'; path: string; fileKind: 'xva' | 'ova' };

export const URL_SCHEME = 'xendeck';

/**
 * `xendeck://add-server?address=pool.example.com&user=root`. Never a password: a `password` parameter or a
 * password in the URL's user info makes the link refused (a link is not a place for secrets, and Add server
 * asks for it). Anything else that is not understood is refused too (undefined).
 */
export function parseXendeckUrl(text: string): OpenRequest | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${URL_SCHEME}:` || url.username || url.password) return undefined;
  const action = (url.hostname || url.pathname.replace(/^\/+/, '')).toLowerCase();
  if (action !== 'add-server') return undefined;
  const params = url.searchParams;
  if ([...params.keys()].some((k) => !['address', 'user'].includes(k))) return undefined;
  const address = params.get('address')?.trim() ?? '';
  const user = params.get('user')?.trim();
  if (!address || address.length > 512 || /[\s@]/.test(address) || /^[a-z][\w+.-]*:\/\/[^/]*@/i.test(address)) return undefined;
  if (user !== undefined && (user.length === 0 || user.length > 256)) return undefined;
  return user === undefined ? { kind: 'add-server', address } : { kind: 'add-server', address, user };
}

/** A file the app was asked to open, by its extension; other files are not ours and give undefined. */
export function openFileRequest(path: string): OpenRequest | undefined {
  const m = /\.(xva|ova)$/i.exec(path);
  return m ? { kind: 'open-file', path, fileKind: m[1].toLowerCase() as 'xva' | 'ova' } : undefined;
}

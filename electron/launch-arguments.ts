/**
 * What a launch of XenDeck was asked to open, from its command line: `xendeck://` links (Windows and Linux pass
 * them as an argument) and .xva/.ova files (file associations, "Open with"). Used for the first launch and for
 * the command line a second launch forwards to the first (app 'second-instance').
 */
import { resolve } from 'node:path';
import { openFileRequest, parseXendeckUrl, URL_SCHEME, type OpenRequest } from '../shared/open-request';

export function openRequestsFromArgv(argv: readonly string[], workingDirectory: string): OpenRequest[] {
  const requests: OpenRequest[] = [];
  // argv[0] is the executable; in development argv[1] is the app folder. Switches are Chromium's or ours.
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    const request = arg.toLowerCase().startsWith(`${URL_SCHEME}:`) ? parseXendeckUrl(arg) : openFileRequest(resolve(workingDirectory, arg));
    if (request) requests.push(request);
  }
  return requests;
}

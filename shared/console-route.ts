/**
 * The address of an undocked console: the app's page with `#console/<connectionId>/<vmRef>`, which the renderer
 * shows as that VM's console alone. Shared because the main process lets exactly these addresses open a window.
 */
export function consoleRouteHash(connectionId: string, vmRef: string): string {
  return `#console/${encodeURIComponent(connectionId)}/${encodeURIComponent(vmRef)}`;
}

export function parseConsoleRouteHash(hash: string): { connectionId: string; vmRef: string } | undefined {
  const m = /^#console\/([^/]+)\/([^/]+)$/.exec(hash);
  if (!m) return undefined;
  try {
    return { connectionId: decodeURIComponent(m[1]), vmRef: decodeURIComponent(m[2]) };
  } catch {
    return undefined;
  }
}

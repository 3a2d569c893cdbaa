// XenDeck's electron-builder configuration (https://www.electron.build/configuration), used by scripts/dist.mjs
// and by the packaging test. Installers: AppImage, deb and rpm (Linux x64 and arm64), dmg and zip (macOS
// universal), NSIS and portable (Windows x64 and arm64). One icon source: assets/icon.svg, rendered into
// assets/icons/ by `npm run icons`.

/** The Electron fuses flipped in the packaged binary (https://www.electronjs.org/docs/latest/tutorial/fuses). */
export const FUSES = {
  // No `ELECTRON_RUN_AS_NODE`: the signed binary cannot be used as a general Node.js runtime.
  runAsNode: false,
  // Chromium's cookie store encrypted with the OS keychain key.
  enableCookieEncryption: true,
  // NODE_OPTIONS and --inspect cannot inject code into the main process.
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  // app.asar is checked against its hash in the signed binary (macOS and Windows), and only app.asar is loaded.
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  // XenDeck serves its page on app://, never file://.
  grantFileProtocolExtraPrivileges: false,
};

export const FILE_ASSOCIATIONS = [
  { ext: 'xva', name: 'XenServer VM export', description: 'XenServer / XCP-ng virtual machine export', mimeType: 'application/x-xva', role: 'Viewer' },
  { ext: 'ova', name: 'Open Virtual Appliance', description: 'Virtual appliance (OVF in a tar archive)', mimeType: 'application/x-ova', role: 'Viewer' },
];

/**
 * @param {{ electronDist?: string, output?: string, env?: NodeJS.ProcessEnv }} [options]
 * `electronDist`: an unpacked Electron to package instead of downloading one (a stand-in where Electron cannot be
 * downloaded: scripts/electron-stand-in.mjs). Signing and notarisation follow the environment (signingNotes).
 */
export function distConfig({ electronDist, output = 'release', env = process.env } = {}) {
  const macSigning = Boolean(env.CSC_LINK || env.CSC_NAME);
  const notarize = Boolean((env.APPLE_ID && env.APPLE_APP_SPECIFIC_PASSWORD && env.APPLE_TEAM_ID) || (env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER));
  return {
    appId: 'org.xendeck.XenDeck',
    productName: 'XenDeck',
    executableName: 'xendeck',
    copyright: 'XenDeck contributors, MIT licence',
    directories: { output, buildResources: 'assets' },
    ...(electronDist ? { electronDist } : {}),
    // The bundles in dist/ (no source maps) and the Linux window icon; electron-builder adds the production
    // dependencies of package.json (the renderer's packages are devDependencies: Vite bundled them).
    files: ['package.json', 'dist/electron/**', 'dist/renderer/**', 'assets/icons/512x512.png', '!**/*.map', '!**/*.test.*', '!**/*.d.ts', '!**/*.md'],
    asar: true,
    electronFuses: FUSES,
    fileAssociations: FILE_ASSOCIATIONS,
    protocols: [{ name: 'XenDeck link', schemes: ['xendeck'] }],
    linux: {
      target: ['AppImage', 'deb', 'rpm'].map((target) => ({ target, arch: ['x64', 'arm64'] })),
      icon: 'assets/icons',
      category: 'System',
      synopsis: 'Manage Xen pools (XAPI)',
      description: 'XenDeck manages Xen pools (XCP-ng, XenServer) over XAPI: hosts, VMs, storage, consoles and performance graphs.',
      maintainer: 'XenDeck contributors <xendeck@users.noreply.github.com>',
      desktop: { entry: { Name: 'XenDeck', GenericName: 'Xen pool manager', Comment: 'Manage Xen pools (XCP-ng, XenServer)', Keywords: 'xen;xcp-ng;xenserver;xapi;virtualization;vm;', StartupWMClass: 'XenDeck' } },
    },
    deb: { depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'] },
    mac: {
      target: ['dmg', 'zip'].map((target) => ({ target, arch: ['universal'] })),
      icon: 'assets/icons/icon.icns',
      category: 'public.app-category.developer-tools',
      hardenedRuntime: true,
      entitlements: 'assets/entitlements.mac.plist',
      entitlementsInherit: 'assets/entitlements.mac.plist',
      // Without a certificate the app is left unsigned on purpose (signingNotes says so) rather than ad-hoc signed.
      ...(macSigning ? {} : { identity: null }),
      notarize,
    },
    win: {
      target: ['nsis', 'portable'].map((target) => ({ target, arch: ['x64', 'arm64'] })),
      icon: 'assets/icons/icon.ico',
    },
    nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false, artifactName: '${productName}-Setup-${version}-${arch}.${ext}' },
    portable: { artifactName: '${productName}-${version}-${arch}-portable.${ext}' },
    publish: [{ provider: 'github', releaseType: 'draft' }],
  };
}

/** One line per platform about signing: what the environment provides, or why the build stays unsigned. */
export function signingNotes(platforms, env = process.env) {
  const notes = [];
  if (platforms.includes('mac')) {
    notes.push(env.CSC_LINK || env.CSC_NAME ? 'macOS: signing with the certificate in CSC_LINK / CSC_NAME.' : 'macOS: CSC_LINK is not set, so the app is not signed; Gatekeeper will refuse to open it until the user allows it.');
    notes.push(
      (env.APPLE_ID && env.APPLE_APP_SPECIFIC_PASSWORD && env.APPLE_TEAM_ID) || (env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER)
        ? 'macOS: notarising with Apple (APPLE_ID or APPLE_API_KEY credentials found).'
        : 'macOS: no APPLE_ID / APPLE_APP_SPECIFIC_PASSWORD / APPLE_TEAM_ID (or APPLE_API_KEY / APPLE_API_KEY_ID / APPLE_API_ISSUER), so the app is not notarised.',
    );
  }
  if (platforms.includes('win')) {
    notes.push(env.WIN_CSC_LINK || env.CSC_LINK ? 'Windows: signing with the certificate in WIN_CSC_LINK / CSC_LINK.' : 'Windows: WIN_CSC_LINK is not set, so the installer is not signed; SmartScreen will warn before it runs.');
  }
  return notes;
}

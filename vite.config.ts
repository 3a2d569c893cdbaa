import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer: a plain web app built into dist/renderer, loaded by Electron from app://xendeck/ and by
// the browser-mode web host from http://127.0.0.1:PORT/. Both send the CSP of
// electron/backend/renderer-assets.ts, which allows scripts and styles from the bundle only: Vite must
// therefore emit no inline script (modulepreload polyfill off; Chromium supports modulepreload natively).
export default defineConfig(({ command }) => ({
  root: 'renderer',
  // A build is always React's production build: tests that build dist/ run with NODE_ENV=test, and Vite keeps
  // an inherited NODE_ENV, which gave the app React's development build (StrictMode's doubled effects, slower).
  define: command === 'build' ? { 'process.env.NODE_ENV': JSON.stringify('production') } : undefined,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    modulePreload: { polyfill: false },
    // noVNC and xterm are large by nature; one chunk per view is issue 5's concern.
    chunkSizeWarningLimit: 2000,
  },
}));

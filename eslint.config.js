// ESLint flat config. Besides the usual rules it enforces the process boundaries of
// ../shared/design/ARCHITECTURE.md: the renderer imports nothing from Node or Electron,
// electron/backend/ never imports `electron`, shared/api-client/ stays platform-neutral.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'http', 'https', 'net', 'tls', 'crypto', 'child_process', 'stream', 'url', 'events', 'zlib', 'util', 'worker_threads', 'dgram', 'dns'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'e2e/results/**', 'bench/results/**', 'shared/xapi/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...nodeBuiltins, 'electron', 'electron/*', 'ws'], message: 'The renderer is sandboxed: no Node or Electron imports. Go through the Bridge.' },
          { group: ['**/electron/**', '**/simulator/**'], message: 'The renderer may import only renderer/ and shared/.' },
        ],
      }],
    },
  },
  {
    // Renderer tests run under Node: those that read real records start the simulator in-process (renderer/test/demo-pools.ts).
    files: ['renderer/**/*.test.{ts,tsx}', 'renderer/test/demo-pools.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['electron/backend/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['electron', 'electron/*'], message: 'electron/backend/ is plain Node: take Electron services through constructor ports.' }],
      }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...nodeBuiltins, 'electron', 'ws', 'react', 'react-dom'], message: 'shared/ is platform-neutral: inject transports instead.' },
          { group: ['**/electron/**', '**/renderer/**', '**/simulator/**'], message: 'shared/ imports only shared/.' },
        ],
      }],
    },
  },
);

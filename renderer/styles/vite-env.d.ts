// Vite's client types: lets renderer/main.tsx import this folder's .css files (bundled by Vite, served under the CSP's style-src 'self').
/// <reference types="vite/client" />

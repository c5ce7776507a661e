import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
// Same variable as `facteur serve` (PRODUCT.md "Interface"): the dev proxy follows the server's port.
const apiPort = process.env.FACTEUR_HTTP_PORT ?? '8080';

// The built client is served by `facteur serve` under a strict CSP (script-src 'self'; style-src 'self'):
// no inline script or style may end up in dist/web. Vite's modulepreload polyfill is bundled into the
// entry chunk, not inlined; `test/e2e` and the web report check the built index.html.
export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    sourcemap: true,
    // Never inline assets as data: URLs into JS/CSS (img-src allows data:, but fonts/scripts would not).
    assetsInlineLimit: 0,
    // The change-password chunk carries zxcvbn's French and common dictionaries (~1.1 MB, ~540 kB
    // gzipped). It is split out and loaded only when a password change is due; the sign-in entry stays small.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': { target: `http://127.0.0.1:${apiPort}`, changeOrigin: false },
    },
  },
});

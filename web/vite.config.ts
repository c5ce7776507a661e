import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
// Same variable as `facteur serve` (PRODUCT.md "Interface"): the dev proxy follows the server's port.
const apiPort = process.env.FACTEUR_HTTP_PORT ?? '8080';

// The built client is served by `facteur serve` under a strict CSP (script-src 'self'; style-src 'self'):
// no inline script or style may end up in dist/web. Vite's modulepreload polyfill is bundled into the
// entry chunk, not inlined; `test/e2e` and the web report check the built index.html.
/**
 * Writes `.br` and `.gz` beside every text asset once the bundle is written: `facteur serve` sends
 * them to browsers that accept them (@fastify/static `preCompressed`), so nothing is compressed
 * per request and a deployment without a compressing proxy still sends small files.
 */
function precompress(outDir: string): Plugin {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return {
    name: 'facteur-precompress',
    apply: 'build',
    closeBundle() {
      for (const path of walk(outDir)) {
        if (!/\.(m?js|css|html|svg|json)$/.test(path)) continue;
        const data = readFileSync(path);
        if (data.length < 1024) continue;
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));

export default defineConfig({
  root: webRoot,
  plugins: [react(), precompress(outDir)],
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

import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The built page's Content-Security-Policy: everything from its own origin, nothing else; WebAssembly may be
 * compiled (tfjs' wasm backend, the HDF5 reader) but no script text is ever evaluated. Inline styles are
 * allowed for React's style attributes. The dev server (npm start) keeps Vite's own inline scripts.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' blob: data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'ctr-studio-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

// No COOP/COEP headers: threaded wasm hangs in a minified build when they are set (toolchain notes).
export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  base: './',
  worker: { format: 'es' },
  // The dev server pre-bundles these before the first page load: found only when the worker runs, they would
  // make Vite re-bundle and reload the page mid-load on the first `npm start`.
  optimizeDeps: {
    entries: ['index.html', 'workers/*.worker.ts'],
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
      'onnxruntime-web/wasm',
      'onnxruntime-web/webgpu',
    ],
  },
  server: { port: 5173, strictPort: false, host: 'localhost' },
  // The preview server also sends the policy as a header, which (unlike the meta tag) covers the worker.
  preview: {
    port: 4173,
    strictPort: false,
    host: 'localhost',
    headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 5120 },
});

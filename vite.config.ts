import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// No COOP/COEP headers: threaded wasm hangs in a minified build when they are set (toolchain notes).
export default defineConfig({
  plugins: [react()],
  base: './',
  worker: { format: 'es' },
  server: { port: 5173, strictPort: false, host: 'localhost' },
  preview: { port: 4173, strictPort: false, host: 'localhost' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});

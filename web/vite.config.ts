import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// `npm run dev` forwards API calls to a batuta server (default: one started with
// `batuta serve` on port 8080; BATUTA_API_URL overrides it).
const apiTarget = process.env.BATUTA_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    proxy: {
      '/api': apiTarget,
      '/healthz': apiTarget,
      '/readyz': apiTarget,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});

import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const shared = fileURLToPath(new URL('../../packages/shared/src/', import.meta.url));

// The shared package is plain TypeScript source (same alias as the root tsconfig).
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^@calmdesk\/shared$/, replacement: `${shared}index.ts` },
      { find: /^@calmdesk\/shared\/(.*)$/, replacement: `${shared}$1` },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Libraries change less often than the app: a separate file stays cached across releases.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'mantine', test: /node_modules[\\/]@mantine/ },
            { name: 'vendor', test: /node_modules/ },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});

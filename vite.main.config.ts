import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';
import path from 'node:path';
import pkg from './package.json' with { type: 'json' };

// The Electron main process and preload, bundled to CommonJS (a sandboxed preload cannot be ESM).
// electron, Node built-ins and our runtime dependencies stay external: electron-builder ships node_modules.
const external = ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies)];

export default defineConfig({
  build: {
    ssr: true,
    outDir: path.resolve(import.meta.dirname, 'dist-main'),
    emptyOutDir: true,
    target: 'node20',
    sourcemap: false,
    minify: false,
    rollupOptions: {
      input: {
        main: path.resolve(import.meta.dirname, 'src-main/electron/main.ts'),
        preload: path.resolve(import.meta.dirname, 'src-main/electron/preload.ts'),
      },
      external: (id) => external.some((e) => id === e || id.startsWith(`${e}/`)),
      output: { format: 'cjs', entryFileNames: '[name].cjs' },
    },
  },
});

import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';
import path from 'node:path';
import pkg from './package.json' with { type: 'json' };

// The Electron main process (`--mode main`) and the preload (`--mode preload`), each bundled to one CommonJS
// file: a sandboxed preload may require only 'electron', so it must not share chunks with main.
// `--mode cli` bundles the `flare-misp` command and the headless service (src-main/headless/cli.ts) to ESM:
// dist-main/cli.mjs plus content-hashed chunks under dist-main/cli-chunks/ that each command loads when it runs
// (bin/flare-misp.mjs runs it, and rebuilds it in a checkout whose sources are newer).
// electron, Node built-ins and our runtime dependencies stay external: electron-builder ships node_modules.
const external = ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies)];

export default defineConfig(({ mode }) => {
  const isExternal = (id: string) => external.some((e) => id === e || id.startsWith(`${e}/`));
  if (mode === 'cli') {
    return {
      logLevel: 'warn',
      build: {
        ssr: true,
        outDir: path.resolve(import.meta.dirname, 'dist-main'),
        emptyOutDir: false,
        target: 'node20',
        sourcemap: false,
        minify: false,
        copyPublicDir: false,
        rollupOptions: {
          input: { cli: path.resolve(import.meta.dirname, 'src-main/headless/cli.ts') },
          external: isExternal,
          output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'cli-chunks/[name]-[hash].mjs' },
        },
      },
    };
  }
  const entry = mode === 'preload' ? 'src-main/electron/preload.ts' : 'src-main/electron/main.ts';
  return {
    build: {
      ssr: true,
      outDir: path.resolve(import.meta.dirname, 'dist-main'),
      emptyOutDir: mode !== 'preload',
      target: 'node20',
      sourcemap: false,
      minify: false,
      rollupOptions: {
        input: { [mode === 'preload' ? 'preload' : 'main']: path.resolve(import.meta.dirname, entry) },
        external: isExternal,
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  };
});

#!/usr/bin/env node
/**
 * Proves electron-builder.yml offline: a `--linux dir` build against a stub Electron dist (electron-builder's
 * `electronDist` option, so nothing is downloaded), then checks what a user would get — the app archive holds the main
 * process, the preload, the console, the icons and the runtime dependencies (and no sources or tests), and the
 * shipped config defaults sit beside it as resources/config. electron-builder validates the whole file on the
 * way, the Windows and macOS sections too. Run by .ci/run before `npm test`; here `node scripts/check-packaging.mjs`.
 *
 * The stub differs from a real build in one way only: electronFuses are left out (they patch the real binary,
 * which the stub is not). `npm run dist` on a networked machine builds the real installers with them.
 * Builds dist-main/ and dist-renderer/ first when they are missing. Exit 1 with the reason on any failure.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const started = Date.now();
class CheckFailed extends Error {}
const die = (why) => {
  console.error(`Packaging check failed: ${why}`);
  process.exit(1);
};
const fail = (why) => {
  throw new CheckFailed(why);
};

// 1. What the archive is made of.
const needed = ['dist-main/main.cjs', 'dist-main/preload.cjs', 'dist-renderer/index.html'];
if (needed.some((f) => !existsSync(path.join(root, f)))) {
  console.log('Packaging check: building the console and the Electron main/preload first');
  for (const script of ['build:renderer', 'build:main']) {
    const r = spawnSync('npm', ['run', '-s', script], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) die(`npm run ${script} failed`);
  }
}

// 2. The icons electron-builder needs per platform: 512 px for macOS (and at least 256 for Windows).
const pngSize = (file) => {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(24);
  readSync(fd, head, 0, 24, 0);
  closeSync(fd);
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
};
const icon = pngSize(path.join(root, 'assets', 'icon.png'));
if (icon.width < 512 || icon.height < 512) die(`assets/icon.png is ${icon.width}x${icon.height}; macOS needs at least 512x512 (node scripts/make-icons.mjs)`);

// 3. A stub Electron dist: what electron-builder copies for `dir` (the executable, version, licences).
const work = mkdtempSync(path.join(tmpdir(), 'flare-packaging-'));
const keep = process.argv.includes('--keep');
try {
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const dist = path.join(work, 'electron-dist');
  const out = path.join(work, 'release');
  mkdirSync(dist, { recursive: true });
  writeFileSync(path.join(dist, 'electron'), '#!/bin/sh\necho "stub Electron: packaging check only" >&2\nexit 1\n');
  chmodSync(path.join(dist, 'electron'), 0o755);
  writeFileSync(path.join(dist, 'version'), electronVersion);
  writeFileSync(path.join(dist, 'LICENSE'), 'stub\n');
  writeFileSync(path.join(dist, 'LICENSES.chromium.html'), '<p>stub</p>\n');

  // 4. The real configuration, minus the fuses, into a scratch output folder.
  const yaml = require('js-yaml');
  const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'));
  delete config.electronFuses;
  config.electronDist = dist;
  config.electronVersion = electronVersion;
  config.directories = { ...config.directories, output: out };
  // As a file of its own: given as an object, electron-builder would merge it into electron-builder.yml (fuses and all).
  const configFile = path.join(work, 'electron-builder.check.yml');
  writeFileSync(configFile, yaml.dump(config));
  const builder = require('electron-builder');
  await builder.build({ projectDir: root, targets: builder.Platform.LINUX.createTarget('dir', builder.Arch.x64), config: configFile, publish: 'never' });

  // 5. What a user would get.
  const unpacked = path.join(out, 'linux-unpacked');
  const resources = path.join(unpacked, 'resources');
  const asarFile = path.join(resources, 'app.asar');
  if (!existsSync(asarFile)) fail(`no ${path.relative(work, asarFile)} was made`);
  if (!existsSync(path.join(unpacked, config.linux.executableName))) fail(`the executable ${config.linux.executableName} is missing`);
  for (const f of ['config/config.properties', 'config/application.properties']) {
    if (!existsSync(path.join(resources, f))) fail(`resources/${f} (the shipped defaults) is missing`);
  }
  const asar = require('@electron/asar');
  const files = new Set(asar.listPackage(asarFile, { isPack: false }).map((f) => f.split(path.sep).join('/').replace(/^\//, '')));
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const mustHave = ['package.json', 'dist-main/main.cjs', 'dist-main/preload.cjs', 'dist-renderer/index.html', 'assets/icon.png', 'assets/tray-idle.png', 'assets/tray-polling.png', 'assets/tray-error.png', ...Object.keys(pkg.dependencies).map((d) => `node_modules/${d}/package.json`)];
  const missing = mustHave.filter((f) => !files.has(f));
  if (missing.length) fail(`app.asar lacks ${missing.join(', ')}`);
  const stray = [...files].filter((f) => /^(src-main|src-renderer|shared|test|e2e|bench|config)\//.test(f) || /\.test\.[cm]?[jt]sx?$/.test(f) || /^node_modules\/(electron|electron-builder|vite|vitest|typescript|react|@playwright)\//.test(f));
  if (stray.length) fail(`app.asar holds what the app does not run: ${stray.slice(0, 8).join(', ')}${stray.length > 8 ? ` and ${stray.length - 8} more` : ''}`);
  const packed = JSON.parse(asar.extractFile(asarFile, 'package.json').toString('utf8'));
  if (packed.main !== 'dist-main/main.cjs') fail(`the packed package.json starts ${packed.main}, not dist-main/main.cjs`);
  // Every module the bundled main process requires (beside electron and Node's own) resolves inside the package.
  const appDir = path.join(work, 'app');
  asar.extractAll(asarFile, appDir);
  const mainJs = path.join(appDir, 'dist-main', 'main.cjs');
  const specs = [...new Set([...readFileSync(mainJs, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]))].filter((spec) => spec !== 'electron' && !spec.startsWith('node:') && !builtinModules.includes(spec));
  const packedRequire = createRequire(mainJs);
  const unresolved = specs.filter((spec) => {
    try {
      return !packedRequire.resolve(spec).startsWith(appDir + path.sep);
    } catch {
      return true;
    }
  });
  if (unresolved.length) fail(`the packaged main process cannot find ${unresolved.join(', ')}`);
  const { size } = statSync(asarFile);
  console.log(
    `Packaging check passed in ${((Date.now() - started) / 1000).toFixed(1)} s: electron-builder.yml builds ${config.productName} ${pkg.version} for Linux (dir, Electron ${electronVersion} stubbed, fuses left out) — app.asar ${(size / 1048576).toFixed(1)} MB, ${files.size} entries, the ${specs.length} modules the main process requires all inside it, the shipped config in resources/config.`,
  );
} catch (e) {
  console.error(`Packaging check failed: ${e instanceof CheckFailed ? e.message : (e?.stack ?? String(e))}`);
  process.exitCode = 1;
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

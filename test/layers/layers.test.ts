import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../paths';

const script = path.join(REPO_ROOT, 'scripts', 'check-layers.mjs');
const run = (root?: string) => spawnSync(process.execPath, [script, ...(root ? [root] : [])], { encoding: 'utf8' });

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'flare-layers-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('layering check', () => {
  it('passes on this repository', () => {
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('fails on deliberately bad imports, naming each', () => {
    const root = tree({
      'package.json': JSON.stringify({ dependencies: { 'fast-xml-parser': '1' }, devDependencies: { 'xmllint-wasm': '1', electron: '1' } }),
      'src-main/core/taxii/bad.ts': "import { app } from 'electron';\nexport const x = app;\n",
      'src-main/core/misp/bad2.ts': "export { x } from '../../electron/main';\n",
      'src-main/core/ok.ts': "import fs from 'node:fs';\nexport const y = fs;\n",
      'src-renderer/views/Bad.tsx': "import { readFileSync } from 'node:fs';\nimport path from 'path';\nimport { FlareService } from '../../src-main/core/service';\nexport const z = [readFileSync, path, FlareService];\n",
      'src-renderer/views/Ok.tsx': "import { create } from 'zustand';\nimport type { AdminApi } from '../../shared/api';\nexport const ok = create;\n",
      'shared/bad.ts': "import { z } from 'zod';\nexport const s = z;\n",
      'src-main/electron/bad3.ts': "import { CSP } from '../headless/server';\nexport const c = CSP;\n",
      'src-main/electron/ok.ts': "import { CSP } from '../../shared/csp';\nimport { FlareService } from '../core/service';\nexport const c = [CSP, FlareService];\n",
      'src-main/core/misp/helper.ts': "import { corpusFile } from '../../../test/paths';\nexport const h = corpusFile;\n",
      'src-main/core/misp/helper.test.ts': "import { corpusFile } from '../../../test/paths';\nexport const h = corpusFile;\n",
      'src-renderer/testing/fake.ts': "export * from '../../test/support/fake';\n",
      'src-renderer/views/Ok.test.tsx': "import { x } from '../../test/support/fake';\nexport const t = x;\n",
      'shared/bad4.ts': "import type { T } from '../test/support/types';\nexport type U = T;\n",
      'src-main/core/taxii/sim.ts': "import { startTaxiiServer } from '../../simulators/taxii/server';\nexport const s = startTaxiiServer;\n",
      'src-main/core/taxii/sim.test.ts': "import { startTaxiiServer } from '../../simulators/taxii/server';\nexport const s = startTaxiiServer;\n",
      'src-main/simulators/taxii/xsd.ts': "import { validateXML } from 'xmllint-wasm';\nimport { XMLParser } from 'fast-xml-parser/src/fxp';\nexport const v = [validateXML, XMLParser];\n",
      'src-main/simulators/taxii/xsd.test.ts': "import { validateXML } from 'xmllint-wasm';\nexport const v = validateXML;\n",
      'src-main/headless/commands/x.ts': "import { build } from 'vite';\nimport { z } from 'zod';\nexport const b = [build, z];\n",
    });
    const r = run(root);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n').slice(1).map((l) => l.trim()).sort();
    expect(lines).toEqual(
      [
        'shared/bad.ts: imports "zod": shared/ must have no runtime dependencies, not "zod"',
        'shared/bad4.ts: imports "../test/support/types": product code must not import test/ (test helpers live under test/support/, used by *.test.* files only)',
        'shared/bad4.ts: imports "../test/support/types": shared/ may import only shared/, not test/support/types',
        'src-main/core/misp/helper.ts: imports "../../../test/paths": product code must not import test/ (test helpers live under test/support/, used by *.test.* files only)',
        'src-main/core/misp/bad2.ts: imports "../../electron/main": the engine must not depend on src-main/electron',
        'src-main/core/taxii/bad.ts: imports "electron": the engine must not import electron (it runs headless and under plain Node)',
        'src-main/core/taxii/bad.ts: imports "electron": "electron" is not a runtime dependency (package.json "dependencies"): a copy installed with --omit=dev lacks it',
        'src-main/core/taxii/sim.ts: imports "../../simulators/taxii/server": the engine must not import the simulators (only its tests use them)',
        'src-main/simulators/taxii/xsd.ts: imports "xmllint-wasm": "xmllint-wasm" is not a runtime dependency (package.json "dependencies"): a copy installed with --omit=dev lacks it',
        'src-main/headless/commands/x.ts: imports "vite": "vite" is not a runtime dependency (package.json "dependencies"): a copy installed with --omit=dev lacks it',
        'src-main/headless/commands/x.ts: imports "zod": "zod" is not a runtime dependency (package.json "dependencies"): a copy installed with --omit=dev lacks it',
        'src-main/electron/bad3.ts: imports "../headless/server": the desktop shell must not import the headless server (share through src-main/core or shared/)',
        'src-renderer/views/Bad.tsx: imports "../../src-main/core/service": the renderer may import only its own files and shared/, not src-main/core/service',
        'src-renderer/views/Bad.tsx: imports "node:fs": the renderer must not import the Node built-in "node:fs"',
        'src-renderer/testing/fake.ts: imports "../../test/support/fake": product code must not import test/ (test helpers live under test/support/, used by *.test.* files only)',
        'src-renderer/testing/fake.ts: imports "../../test/support/fake": the renderer may import only its own files and shared/, not test/support/fake',
        'src-renderer/views/Bad.tsx: imports "path": the renderer must not import the Node built-in "path"',
      ].sort(),
    );
  });
});

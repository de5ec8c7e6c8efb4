/*
 * A long-lived XSD validator thread. xmllint-wasm's own validateXML starts a worker and compiles libxml2's
 * WebAssembly for every call (≈150-500 ms); the test server validates every request, so this worker compiles it
 * once and only instantiates it per validation (a few ms). It runs xmllint-wasm's own Emscripten module: the file
 * is loaded without the worker bootstrap at its end, which we replace with the loop below.
 */
'use strict';
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');

const dir = path.dirname(require.resolve('xmllint-wasm/xmllint-node.js'));
const file = path.join(dir, 'xmllint-node.js');
const source = fs.readFileSync(file, 'utf8');
const bootstrap = source.indexOf(';(function initWorker()');
if (bootstrap < 0) throw new Error('xmllint-wasm layout changed: worker bootstrap not found');
const loaded = { exports: {} };
new Function('module', 'exports', 'require', '__filename', '__dirname', source.slice(0, bootstrap))(loaded, loaded.exports, require, file, dir);
const createXmllint = loaded.exports;
const compiled = new WebAssembly.Module(fs.readFileSync(path.join(dir, 'xmllint.wasm')));

function run({ files, args, initialMemory, maxMemory }) {
  return new Promise((resolve) => {
    let stderr = '';
    createXmllint({
      inputFiles: files,
      arguments: args,
      print() {},
      printErr(text) {
        stderr += text + '\n';
      },
      onExit(exitCode) {
        resolve({ exitCode, stderr });
      },
      onAbort(reason) {
        resolve({ exitCode: -1, stderr: 'WASM Abort: ' + reason });
      },
      wasmMemory: new WebAssembly.Memory({ initial: initialMemory, maximum: maxMemory }),
      instantiateWasm(imports, receive) {
        receive(new WebAssembly.Instance(compiled, imports), compiled);
        return {};
      },
    }).catch((e) => resolve({ exitCode: -1, stderr: String(e && e.stack ? e.stack : e) }));
  });
}

parentPort.on('message', async (job) => {
  const result = await run(job);
  parentPort.postMessage({ id: job.id, ...result });
});

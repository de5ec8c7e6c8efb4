/**
 * Opens a tracker file and prints, as JSON, how long opening + indexing took and the process's peak RSS: run
 * by main.ts in a fresh process so nothing else is in that memory.
 */
import { Tracker } from '../../src-main/core/tracker';

const MB = 1024 * 1024;
const file = process.argv[2]!;
const rssBeforeMB = process.memoryUsage().rss / MB;
const t0 = performance.now();
const c0 = process.cpuUsage();
const t = await Tracker.open(file, { autoCompact: false });
const openMs = performance.now() - t0;
// CPU time too: on a shared machine the wall time also counts other processes' turns
const cpu = process.cpuUsage(c0);
const openCpuMs = (cpu.user + cpu.system) / 1000;
const peakRssMB = (process.resourceUsage().maxRSS * 1024) / MB;
const heapUsedMB = process.memoryUsage().heapUsed / MB;
const { records, packages } = t.stats();
const sample = t.list({ limit: 2000 });
const v0 = performance.now();
for (const r of sample) t.verdict('stixToMisp', r.packageId, r.contentHash);
const verdictsPerSec = sample.length / ((performance.now() - v0) / 1000);
await t.close();
process.stdout.write(JSON.stringify({ openMs, openCpuMs, rssBeforeMB, peakRssMB, heapUsedMB, records, packages, verdictsPerSec }));

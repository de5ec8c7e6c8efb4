// Loaded into the `flare-misp poll` child with `node --import` (bench/e2e/main.ts): samples the process's own RSS
// and heap every FLARE_BENCH_E2E_SAMPLE_MS (250) and, when the process exits, writes to FLARE_BENCH_E2E_REPORT its
// peak RSS as the kernel counts it (process.resourceUsage().maxRSS, and VmHWM from /proc/self/status), its CPU
// time, the event-loop stalls over 100 ms and the samples. Nothing here keeps the process alive or writes to its stdout/stderr.
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.FLARE_BENCH_E2E_REPORT;
if (out) {
  const t0 = performance.now();
  const every = Number(process.env.FLARE_BENCH_E2E_SAMPLE_MS ?? 250);
  const MB = 1024 * 1024;
  /** [ms since start, rss MB, heapUsed MB, external + arrayBuffers MB] */
  const samples = [];
  const sample = () => {
    const m = process.memoryUsage();
    samples.push([Math.round(performance.now() - t0), +(m.rss / MB).toFixed(1), +(m.heapUsed / MB).toFixed(1), +((m.external + m.arrayBuffers) / MB).toFixed(1)]);
  };
  sample();
  setInterval(sample, every).unref();
  // Event-loop stalls: a 20 ms timer that fires more than 100 ms late was held up by synchronous work.
  const stalls = { count: 0, totalMs: 0, maxMs: 0 };
  let expected = performance.now() + 20;
  setInterval(() => {
    const now = performance.now();
    const late = now - expected;
    if (late > 100) {
      stalls.count++;
      stalls.totalMs += late;
      stalls.maxMs = Math.max(stalls.maxMs, late);
    }
    expected = now + 20;
  }, 20).unref();
  const hwmKB = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  };
  process.on('exit', (code) => {
    sample();
    const usage = process.resourceUsage();
    const report = {
      exitCode: code,
      maxRssKB: usage.maxRSS,
      vmHwmKB: hwmKB(),
      cpuUserMs: usage.userCPUTime / 1000,
      cpuSystemMs: usage.systemCPUTime / 1000,
      wallMs: performance.now() - t0,
      sampleEveryMs: every,
      stalls: { count: stalls.count, totalMs: Math.round(stalls.totalMs), maxMs: Math.round(stalls.maxMs) },
      samples,
    };
    try {
      writeFileSync(out, JSON.stringify(report));
    } catch {
      /* the parent reports the missing file */
    }
  });
}

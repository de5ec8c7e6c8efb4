/**
 * The whole corpus through the CybOX mapping: every well-formed package converts with zero validator errors, and
 * every CybOX type found is mapped, kept as text, or skipped with a warning — none silently lost.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCorpusFiles, extraCorpusFiles } from '../../../../../test/paths';
import { isStixError, readPackages } from '../../../stix/index';
import type { CyboxObject, StixPackage } from '../../../stix/model/types';
import { walkModel } from '../../../stix/model/walk';
import { ConversionReport } from '../contract';
import { coverageOfPackages, formatCoverage, mapPackageObservables, silentlyLost } from './coverage';
import { corpusPackage, EVENT_UUID } from '../../../../../test/support/observables';

/** Every package of the corpus; CybOX-only files (root cybox:Observables) wrapped so their objects count too. */
function corpus(): { id: string; model: StixPackage }[] {
  const out: { id: string; model: StixPackage }[] = [];
  for (const { rel, file } of allCorpusFiles()) {
    try {
      for (const p of readPackages(readFileSync(file))) out.push({ id: `${rel}#${p.id ?? ''}`, model: p.model });
    } catch (e) {
      if (!isStixError(e)) throw e;
      if (/<cybox:Observables\b/.test(readFileSync(file, 'utf8').slice(0, 2000)) && e.code === 'stix_not_a_package') out.push({ id: rel, model: corpusPackage(rel) });
    }
  }
  return out;
}

/** CybOX object types defined (with properties) anywhere in the packages. */
function typesIn(packages: { model: StixPackage }[]): Set<string> {
  const types = new Set<string>();
  for (const p of packages) {
    walkModel(p.model, (c) => {
      if (c.kind === 'object' && (c as CyboxObject).objectType) types.add((c as CyboxObject).objectType!.name);
    });
  }
  return types;
}

describe('CybOX coverage of the corpus', () => {
  /** The APT1 and Poison Ivy files (withheld from the repository) hold the only Process, Code… of the corpus. */
  const withheldHere = extraCorpusFiles().length > 0;
  const packages = corpus();
  const result = coverageOfPackages(packages);

  it('reads the corpus (packages and wrapped CybOX documents)', () => {
    expect(packages.length).toBeGreaterThan(70);
    expect(result.totals.observables).toBeGreaterThan(withheldHere ? 10_000 : 1_000);
  });

  it('gives zero validator errors for every package', () => {
    const errors = result.packages.flatMap((p) => p.errors.map((e) => `${p.id}: ${e.path} ${e.field}: ${e.message}`));
    expect(errors).toEqual([]);
    expect(result.totals.errors).toBe(0);
  });

  it('accounts for every CybOX type found: mapped, text, or skipped with a warning', () => {
    const found = typesIn(packages);
    const covered = new Set(result.report.coverage.keys());
    expect([...found].filter((t) => !covered.has(t))).toEqual([]);
    expect(silentlyLost(result.report)).toEqual([]);
    // The types the issue names explicitly, as found in the corpus.
    for (const t of ['Address', 'DomainName', 'URI', 'File', 'WindowsExecutableFile', 'EmailMessage', 'Mutex', 'WindowsRegistryKey', 'SocketAddress', 'HTTPSession', 'AS', 'Process', 'Artifact', 'Whois', 'DNSQuery', 'DNSRecord', 'WindowsProcess', 'WindowsDriver', 'WindowsService', 'Code']) {
      if (withheldHere || found.has(t)) expect(covered.has(t), t).toBe(true);
    }
  });

  it('maps (not just keeps as text) the bulk of every well-understood type', () => {
    const c = (t: string) => result.report.coverage.get(t) ?? { mapped: 0, text: 0, skipped: 0 };
    for (const t of ['Address', 'DomainName', 'URI', 'EmailMessage', 'Mutex', 'WindowsRegistryKey', 'DNSQuery', 'DNSRecord', 'Whois', 'HTTPSession', 'SocketAddress', 'AS', 'Artifact']) {
      expect(c(t).mapped, t).toBeGreaterThanOrEqual(c(t).text + c(t).skipped);
    }
    // Skips are only empty objects (APT1 OpenIOC placeholders) and unresolvable references, each with a warning.
    const skippedWarnings = result.report.warnings.filter((w) => w.code === 'skipped' || w.code === 'unresolved-idref');
    expect(skippedWarnings.length).toBeGreaterThan(0);
    expect(formatCoverage(result)).toMatch(/validator errors: 0$/);
  });

  it('is deterministic: the same packages give byte-identical output', () => {
    const some = packages.filter((p) => /Poison Ivy|stix_ais_1[0-9]|Phishing_Email_Structured/.test(p.id));
    expect(some.length).toBeGreaterThan(3);
    const run = (): string =>
      JSON.stringify(
        some.map((p) => {
          const report = new ConversionReport();
          return [mapPackageObservables(p.model, EVENT_UUID, report).mapped, report.entries, [...report.coverage]];
        }),
      );
    const once = run();
    expect(run()).toBe(once);
    expect(once.length).toBeGreaterThan(50_000);
  });
});

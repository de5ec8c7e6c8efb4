/**
 * Test support for the CybOX → MISP mapping (used by src-main/core/misp/convert/observables/*.test.ts; kept under
 * test/ because it reads the corpus, and product code never imports test/):
 * observables taken from the real corpus files by id, or small snippets wrapped into a package; mapping with a
 * fixed event uuid; the MISP validator over the result.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS_DIR, corpusFile } from '../paths';
import { readPackages } from '../../src-main/core/stix/index';
import type { Observable, StixPackage } from '../../src-main/core/stix/model/types';
import { indexIds } from '../../src-main/core/stix/model/walk';
import type { MispAttribute, MispEvent, MispObject, MispTag } from '../../src-main/core/misp/model';
import { checkEvent, type ValidationIssue } from '../../src-main/core/misp/validate/index';
import { ConversionReport, derivedUuid, type Mapped, type MappingContext } from '../../src-main/core/misp/convert/contract';
import { mapPackageObservables } from '../../src-main/core/misp/convert/observables/coverage';
import { mapObservable } from '../../src-main/core/misp/convert/observables/index';
import { mergeMapped } from '../../src-main/core/misp/convert/observables/merge';
import { resolversFor } from '../../src-main/core/misp/convert/observables/resolve';

export const EVENT_UUID = '5b0f1c1e-8d2a-4c3e-9f4a-2b6c8d0e1f20';

/** The uuid the mapping gives the piece with this key in the test event. */
export const uuid = (key: string): string => derivedUuid(EVENT_UUID, key);

const cache = new Map<string, StixPackage>();

/**
 * A corpus file as a package. Files whose root is `cybox:Observables` (real CybOX samples the STIX reader refuses
 * as packages) are wrapped, bytes otherwise untouched, into a STIX_Package so their observables can be mapped.
 */
export function corpusPackage(file: string): StixPackage {
  let pkg = cache.get(file);
  if (pkg) return pkg;
  let xml = readFileSync(corpusFile(file) ?? path.join(CORPUS_DIR, file), 'utf8');
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<cybox:Observables\b/.test(xml)) {
    xml = xml
      .replace(/<cybox:Observables\b/, '<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" id="test:wrapped-1" version="1.1.1"><stix:Observables')
      .replace(/<\/cybox:Observables>\s*$/, '</stix:Observables></stix:STIX_Package>');
  }
  const [first] = readPackages(xml);
  if (!first) throw new Error(`${file}: no package`);
  pkg = first.model;
  cache.set(file, pkg);
  return pkg;
}

const NAMESPACES: Readonly<Record<string, string>> = {
  cybox: 'http://cybox.mitre.org/cybox-2',
  cyboxCommon: 'http://cybox.mitre.org/common-2',
  cyboxVocabs: 'http://cybox.mitre.org/default_vocabularies-2',
  AddressObj: 'http://cybox.mitre.org/objects#AddressObject-2',
  DomainNameObj: 'http://cybox.mitre.org/objects#DomainNameObject-1',
  HostnameObj: 'http://cybox.mitre.org/objects#HostnameObject-1',
  URIObj: 'http://cybox.mitre.org/objects#URIObject-2',
  LinkObj: 'http://cybox.mitre.org/objects#LinkObject-1',
  FileObj: 'http://cybox.mitre.org/objects#FileObject-2',
  WinFileObj: 'http://cybox.mitre.org/objects#WinFileObject-2',
  WinExecutableFileObj: 'http://cybox.mitre.org/objects#WinExecutableFileObject-2',
  PDFFileObj: 'http://cybox.mitre.org/objects#PDFFileObject-1',
  EmailMessageObj: 'http://cybox.mitre.org/objects#EmailMessageObject-2',
  MutexObj: 'http://cybox.mitre.org/objects#MutexObject-2',
  PipeObj: 'http://cybox.mitre.org/objects#PipeObject-2',
  WinPipeObj: 'http://cybox.mitre.org/objects#WinPipeObject-2',
  SemaphoreObj: 'http://cybox.mitre.org/objects#SemaphoreObject-2',
  WinRegistryKeyObj: 'http://cybox.mitre.org/objects#WinRegistryKeyObject-2',
  PortObj: 'http://cybox.mitre.org/objects#PortObject-2',
  SocketAddressObj: 'http://cybox.mitre.org/objects#SocketAddressObject-1',
  NetworkConnectionObj: 'http://cybox.mitre.org/objects#NetworkConnectionObject-2',
  NetworkSocketObj: 'http://cybox.mitre.org/objects#NetworkSocketObject-2',
  HTTPSessionObj: 'http://cybox.mitre.org/objects#HTTPSessionObject-2',
  DNSQueryObj: 'http://cybox.mitre.org/objects#DNSQueryObject-2',
  DNSRecordObj: 'http://cybox.mitre.org/objects#DNSRecordObject-2',
  X509CertificateObj: 'http://cybox.mitre.org/objects#X509CertificateObject-2',
  WhoisObj: 'http://cybox.mitre.org/objects#WhoisObject-2',
  ASObj: 'http://cybox.mitre.org/objects#ASObject-1',
  ProcessObj: 'http://cybox.mitre.org/objects#ProcessObject-2',
  WinProcessObj: 'http://cybox.mitre.org/objects#WinProcessObject-2',
  WinHandleObj: 'http://cybox.mitre.org/objects#WinHandleObject-2',
  WinServiceObj: 'http://cybox.mitre.org/objects#WinServiceObject-2',
  WinDriverObj: 'http://cybox.mitre.org/objects#WinDriverObject-3',
  WinTaskObj: 'http://cybox.mitre.org/objects#WinTaskObject-2',
  SystemObj: 'http://cybox.mitre.org/objects#SystemObject-2',
  AccountObj: 'http://cybox.mitre.org/objects#AccountObject-2',
  UserAccountObj: 'http://cybox.mitre.org/objects#UserAccountObject-2',
  WinUserAccountObj: 'http://cybox.mitre.org/objects#WinUserAccountObject-2',
  UnixUserAccountObj: 'http://cybox.mitre.org/objects#UnixUserAccountObject-2',
  ArtifactObj: 'http://cybox.mitre.org/objects#ArtifactObject-2',
  CustomObj: 'http://cybox.mitre.org/objects#CustomObject-1',
  CodeObj: 'http://cybox.mitre.org/objects#CodeObject-2',
  SemObj: 'http://cybox.mitre.org/objects#WinSemaphoreObject-2',
  example: 'http://example.com',
};

/** A package whose `stix:Observables` holds the given `cybox:Observable` elements (prefixes above). */
export function snippetPackage(observablesXml: string): StixPackage {
  const decls = Object.entries(NAMESPACES)
    .map(([p, uri]) => `xmlns:${p}="${uri}"`)
    .join(' ');
  const xml = `<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ${decls} id="example:Package-1" version="1.1.1"><stix:Observables cybox_major_version="2" cybox_minor_version="1">${observablesXml}</stix:Observables></stix:STIX_Package>`;
  const [first] = readPackages(xml);
  if (!first) throw new Error('no package');
  return first.model;
}

export interface MapOptions {
  toIds?: boolean;
  comment?: string;
  tags?: MispTag[];
  /** Leave out `resolveObject` (a caller that only gives the required `resolve`). */
  withoutObjectResolver?: boolean;
}

export interface MapResult extends Mapped {
  report: ConversionReport;
}

function context(pkg: StixPackage, report: ConversionReport, opts: MapOptions): MappingContext {
  const r = resolversFor(pkg, indexIds(pkg));
  const ctx: MappingContext = { eventUuid: EVENT_UUID, toIds: opts.toIds ?? false, resolve: r.resolve, report };
  if (!opts.withoutObjectResolver) ctx.resolveObject = r.resolveObject;
  if (opts.comment !== undefined) ctx.comment = opts.comment;
  if (opts.tags !== undefined) ctx.tags = opts.tags;
  return ctx;
}

/** Maps one observable of a package (found by id anywhere in it). */
export function mapById(pkg: StixPackage, observableId: string, opts: MapOptions = {}): MapResult {
  const target = indexIds(pkg).byId.get(observableId);
  if (!target || target.kind !== 'observable') throw new Error(`no observable ${observableId}`);
  const report = new ConversionReport();
  const mapped = mapObservable(target, context(pkg, report, opts));
  return { ...mapped, report };
}

/** Maps one observable of a corpus file. */
export function mapCorpus(file: string, observableId: string, opts: MapOptions = {}): MapResult {
  return mapById(corpusPackage(file), observableId, opts);
}

/** Maps every top-level observable of a snippet package, merged like an event would be. */
export function mapSnippet(observablesXml: string, opts: MapOptions = {}): MapResult {
  const pkg = snippetPackage(observablesXml);
  const report = new ConversionReport();
  const ctx = context(pkg, report, opts);
  const parts = pkg.observables.map((o: Observable) => mapObservable(o, ctx));
  return { ...mergeMapped(parts, report, { pruneReferences: true }), report };
}

/** The validator's errors for an event holding these pieces (expected: none). */
export function validationErrors(mapped: Mapped): ValidationIssue[] {
  const event: MispEvent = { uuid: EVENT_UUID, info: 'test', date: '2020-01-01', threat_level_id: 4, analysis: 0, distribution: 0 };
  if (mapped.attributes.length > 0) event.Attribute = mapped.attributes;
  if (mapped.objects.length > 0) event.Object = mapped.objects;
  return checkEvent({ Event: event }).issues.filter((i) => i.level === 'error');
}

/** An attribute as the tests spell it: uuid from its key, the rest as given. */
export function attr(key: string, fields: Omit<MispAttribute, 'uuid'>): MispAttribute {
  return { uuid: uuid(key), ...fields };
}

/** An object's attributes as [relation, type, category, value, to_ids] rows (uuids checked separately). */
export function rows(object: MispObject | undefined): [string | undefined, string, string, string, boolean][] {
  return (object?.Attribute ?? []).map((a) => [a.object_relation, a.type, a.category, a.value, a.to_ids]);
}

/** Every observable of a corpus file mapped and merged as one event would be (see coverage.ts). */
export function mapCorpusPackage(file: string): MapResult {
  const report = new ConversionReport();
  const { mapped } = mapPackageObservables(corpusPackage(file), EVENT_UUID, report);
  return { ...mapped, report };
}

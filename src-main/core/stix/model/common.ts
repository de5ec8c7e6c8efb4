/**
 * Structures shared by every STIX construct: vocabulary values, statements, confidence, information sources
 * and identities (with the CIQ details AIS uses for submitter, sector and country), tools, kill chains, and the
 * `Related_X` relationship wrappers.
 */
import { NS, STIX_FAMILY } from '../namespaces';
import { attrValue, type XmlElement } from '../xml/tree';
import { attr, baseOf, BuildContext, eachChild, intAttr, joinText, textOf } from './context';
import { toGeneric } from './generic';
import type {
  CiqIdentity,
  Confidence,
  GenericElement,
  Identity,
  InformationSource,
  KillChain,
  KillChainPhase,
  KillChainPhaseReference,
  PackageReference,
  Related,
  Statement,
  ToolInformation,
  VocabValue,
} from './types';

export function vocab(el: XmlElement): VocabValue {
  const out: VocabValue = { value: textOf(el) ?? '' };
  if (el.xsiType) out.vocab = { ns: el.xsiType.ns, local: el.xsiType.local };
  const name = attr(el, 'vocab_name');
  const ref = attr(el, 'vocab_reference');
  if (name !== undefined) out.vocabName = name;
  if (ref !== undefined) out.vocabReference = ref;
  return out;
}

export function confidence(el: XmlElement, ctx: BuildContext): Confidence {
  const out: Confidence = {};
  const ts = attr(el, 'timestamp');
  if (ts !== undefined) out.timestamp = ts;
  const ignored: GenericElement[] = [];
  eachChild(el, ignored, (c, local) => {
    if (local === 'Value') out.value = vocab(c);
    else if (local === 'Description') out.description = joinText(out.description, textOf(c));
    else if (local === 'Source') out.source = informationSource(c, ctx);
    else return false;
  });
  return out;
}

export function statement(el: XmlElement, ctx: BuildContext): Statement {
  const out: Statement = {};
  const ts = attr(el, 'timestamp');
  if (ts !== undefined) out.timestamp = ts;
  const ignored: GenericElement[] = [];
  eachChild(el, ignored, (c, local) => {
    if (local === 'Value') out.value = vocab(c);
    else if (local === 'Description') out.description = joinText(out.description, textOf(c));
    else if (local === 'Source') out.source = informationSource(c, ctx);
    else if (local === 'Confidence') out.confidence = confidence(c, ctx);
    else return false;
  });
  // A Statement written as bare text (seen in old samples) still has a value.
  if (!out.value) {
    const text = textOf(el);
    if (text !== undefined) out.value = { value: text };
  }
  return out;
}

export function informationSource(el: XmlElement, ctx: BuildContext): InformationSource {
  const out: InformationSource = { roles: [], contributingSources: [], tools: [], references: [], extensions: [] };
  eachChild(el, out.extensions, (c, local) => {
    switch (local) {
      case 'Description':
        out.description = joinText(out.description, textOf(c));
        return;
      case 'Identity':
        out.identity = identity(c, ctx);
        return;
      case 'Role':
        out.roles.push(vocab(c));
        return;
      case 'Contributing_Sources':
        eachChild(c, out.extensions, (s, l) => (l === 'Source' ? void out.contributingSources.push(informationSource(s, ctx)) : false));
        return;
      case 'Time': {
        const time: NonNullable<InformationSource['time']> = {};
        eachChild(c, out.extensions, (t, l) => {
          const v = textOf(t);
          if (v === undefined) return;
          if (l === 'Start_Time') time.start = v;
          else if (l === 'End_Time') time.end = v;
          else if (l === 'Produced_Time') time.produced = v;
          else if (l === 'Received_Time') time.received = v;
          else return false;
        });
        out.time = time;
        return;
      }
      case 'Tools':
        eachChild(c, out.extensions, (t, l) => (l === 'Tool' ? void out.tools.push(tool(t)) : false));
        return;
      case 'References':
        for (const r of c.children) if (typeof r !== 'string' && r.local === 'Reference') pushText(out.references, r);
        return;
      default:
        return false;
    }
  });
  return out;
}

export function tool(el: XmlElement): ToolInformation {
  const out: ToolInformation = { types: [], metadata: [], extensions: [] };
  const id = attr(el, 'id');
  const idref = attr(el, 'idref');
  if (id !== undefined) out.id = id;
  if (idref !== undefined) out.idref = idref;
  eachChild(el, out.extensions, (c, local) => {
    switch (local) {
      case 'Name':
        setText(out, 'name', c);
        return;
      case 'Title':
        setText(out, 'title', c);
        return;
      case 'Type':
        out.types.push(vocab(c));
        return;
      case 'Description':
        out.description = joinText(out.description, textOf(c));
        return;
      case 'Short_Description':
        out.shortDescription = joinText(out.shortDescription, textOf(c));
        return;
      case 'Vendor':
        setText(out, 'vendor', c);
        return;
      case 'Version':
        setText(out, 'version', c);
        return;
      case 'Metadata': {
        const m: { type?: string; value?: string } = {};
        const type = attr(c, 'type');
        if (type !== undefined) m.type = type;
        for (const v of c.children) if (typeof v !== 'string' && v.local === 'Value') m.value = textOf(v) ?? '';
        if (m.value === undefined) {
          const direct = textOf(c);
          if (direct !== undefined) m.value = direct;
        }
        out.metadata.push(m);
        return;
      }
      default:
        return false;
    }
  });
  return out;
}

export function identity(el: XmlElement, ctx: BuildContext): Identity {
  const b = baseOf(el);
  const out: Identity = { kind: 'identity', relatedIdentities: [], extensions: [] };
  if (b.id !== undefined) out.id = b.id;
  if (b.idref !== undefined) out.idref = b.idref;
  if (b.xsiType) out.xsiType = b.xsiType;
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    if (c.local === 'Name' && (STIX_FAMILY.has(c.ns) || c.ns === '')) {
      setText(out, 'name', c);
    } else if (c.local === 'Related_Identities' && STIX_FAMILY.has(c.ns)) {
      for (const r of c.children) {
        if (typeof r !== 'string' && r.local === 'Related_Identity') out.relatedIdentities.push(related(r, ctx, 'Identity', identity));
      }
    } else if (c.local === 'Specification') {
      out.ciq = ciqIdentity(c, out.ciq);
    } else if (c.local === 'Role' && c.ns === NS.ciqIdentity) {
      out.ciq ??= emptyCiq();
      pushText(out.ciq.roles, c);
    } else {
      out.extensions.push(toGeneric(c));
    }
  }
  if (out.name === undefined && out.ciq) {
    const first = out.ciq.organisationNames[0] ?? out.ciq.personNames[0];
    if (first !== undefined) out.name = first;
  }
  return out;
}

function emptyCiq(): CiqIdentity {
  return {
    organisationNames: [],
    personNames: [],
    countries: [],
    administrativeAreas: [],
    sectors: [],
    electronicAddresses: [],
    roles: [],
    languages: [],
    nationalities: [],
    freeText: [],
  };
}

/**
 * Reads a CIQ `Specification` by local names, whatever its namespaces' prefixes: party names, addresses
 * (country, administrative area), industry type (the AIS sector), electronic addresses, languages,
 * nationalities. The whole specification stays in `specification`.
 */
function ciqIdentity(spec: XmlElement, existing: CiqIdentity | undefined): CiqIdentity {
  const out = existing ?? emptyCiq();
  out.specification = toGeneric(spec);
  const visit = (el: XmlElement, inside: string): void => {
    for (const c of el.children) {
      if (typeof c === 'string') continue;
      switch (c.local) {
        case 'OrganisationName':
          pushNameElements(out.organisationNames, c);
          continue;
        case 'PersonName':
          pushNameElements(out.personNames, c);
          continue;
        case 'Country':
          if (inside === 'Nationalities') out.nationalities.push(...namesOf(c).map((n) => n.code ?? n.name ?? ''));
          else out.countries.push(...namesOf(c));
          continue;
        case 'AdministrativeArea':
          out.administrativeAreas.push(...namesOf(c));
          continue;
        case 'OrganisationInfo': {
          const industry = attrValue(c, 'IndustryType', NS.xpil) ?? attrValue(c, 'IndustryType');
          if (industry !== undefined) {
            for (const s of industry.split(/[|,]/)) if (s.trim()) out.sectors.push(s.trim());
          }
          continue;
        }
        case 'ElectronicAddressIdentifier': {
          const value = textOf(c);
          if (value !== undefined) {
            const type = attrValue(c, 'Type', NS.xpil) ?? attrValue(c, 'Type');
            out.electronicAddresses.push(type !== undefined ? { type, value } : { value });
          }
          continue;
        }
        case 'Language':
          pushNameElements(out.languages, c);
          continue;
        case 'FreeTextLine':
          pushText(out.freeText, c);
          continue;
        case 'Relationships':
          // Other parties this one relates to (e.g. the units it is part of): not its own names.
          continue;
        default:
          visit(c, c.local);
      }
    }
  };
  visit(spec, 'Specification');
  return out;
}

/** xal `NameElement`s of a Country or AdministrativeArea: code attribute and/or text. */
function namesOf(el: XmlElement): { code?: string; name?: string }[] {
  const out: { code?: string; name?: string }[] = [];
  for (const c of el.children) {
    if (typeof c === 'string' || c.local !== 'NameElement') continue;
    const entry: { code?: string; name?: string } = {};
    const code = attrValue(c, 'NameCode', NS.xal) ?? attrValue(c, 'NameCode');
    const name = textOf(c);
    if (code !== undefined) entry.code = code;
    if (name !== undefined) entry.name = name;
    if (code !== undefined || name !== undefined) out.push(entry);
  }
  return out;
}

function pushNameElements(into: string[], el: XmlElement): void {
  const parts: string[] = [];
  for (const c of el.children) if (typeof c !== 'string') {
    const t = textOf(c);
    if (t !== undefined) parts.push(t);
  }
  if (parts.length) into.push(parts.join(' '));
  else pushText(into, el);
}

export function killChain(el: XmlElement): KillChain {
  const out: KillChain = { phases: [] };
  for (const key of ['id', 'name', 'definer', 'reference'] as const) {
    const v = attr(el, key);
    if (v !== undefined) out[key] = v;
  }
  const n = attr(el, 'number_of_phases');
  if (n !== undefined) out.numberOfPhases = n;
  for (const c of el.children) if (typeof c !== 'string' && c.local === 'Kill_Chain_Phase') out.phases.push(killChainPhase(c));
  return out;
}

function killChainPhase(el: XmlElement): KillChainPhase {
  const out: KillChainPhase = {};
  const phaseId = attr(el, 'phase_id');
  const name = attr(el, 'name');
  const ordinality = intAttr(el, 'ordinality');
  if (phaseId !== undefined) out.phaseId = phaseId;
  if (name !== undefined) out.name = name;
  if (ordinality !== undefined) out.ordinality = ordinality;
  return out;
}

/** `Kill_Chain_Phases/Kill_Chain_Phase*` as references. */
export function killChainPhaseRefs(el: XmlElement): KillChainPhaseReference[] {
  const out: KillChainPhaseReference[] = [];
  for (const c of el.children) {
    if (typeof c === 'string' || c.local !== 'Kill_Chain_Phase') continue;
    const ref: KillChainPhaseReference = killChainPhase(c);
    const chainId = attr(c, 'kill_chain_id');
    const chainName = attr(c, 'kill_chain_name');
    if (chainId !== undefined) ref.killChainId = chainId;
    if (chainName !== undefined) ref.killChainName = chainName;
    out.push(ref);
  }
  return out;
}

/**
 * A `Related_X` wrapper: Confidence, Information_Source and Relationship, and the item element (named
 * `itemName`) built by `build`.
 */
export function related<T>(el: XmlElement, ctx: BuildContext, itemName: string, build: (e: XmlElement, ctx: BuildContext) => T): Related<T> {
  const out: Related<T> = {};
  const extensions: GenericElement[] = [];
  eachChild(el, extensions, (c, local) => {
    if (local === itemName) out.item = build(c, ctx);
    else if (local === 'Relationship') out.relationship = vocab(c);
    else if (local === 'Confidence') out.confidence = confidence(c, ctx);
    else if (local === 'Information_Source') out.source = informationSource(c, ctx);
    else return false;
  });
  if (extensions.length) out.extensions = extensions;
  return out;
}

/** The `Related_X*` children of a list element (`Related_TTPs`, `Suggested_COAs`…). */
export function relatedList<T>(
  list: XmlElement,
  ctx: BuildContext,
  entryName: string,
  itemName: string,
  build: (e: XmlElement, ctx: BuildContext) => T,
  extensions: GenericElement[],
): Related<T>[] {
  const out: Related<T>[] = [];
  eachChild(list, extensions, (c, local) => (local === entryName ? void out.push(related(c, ctx, itemName, build)) : false));
  return out;
}

/** `Related_Packages/Package_Reference*` (or a 1.0-style `Related_Package`) inside a construct. */
export function packageReferences(list: XmlElement, ctx: BuildContext, extensions: GenericElement[]): PackageReference[] {
  const out: PackageReference[] = [];
  eachChild(list, extensions, (c, local) => {
    if (local !== 'Package_Reference' && local !== 'Related_Package') return false;
    const ref: PackageReference = {};
    const idref = attr(c, 'idref');
    const ts = attr(c, 'timestamp');
    if (idref !== undefined) ref.idref = idref;
    if (ts !== undefined) ref.timestamp = ts;
    eachChild(c, extensions, (r, l) => {
      if (l === 'Relationship') ref.relationship = vocab(r);
      else if (l === 'Confidence') ref.confidence = confidence(r, ctx);
      else if (l === 'Information_Source') ref.source = informationSource(r, ctx);
      else return false;
    });
    out.push(ref);
  });
  return out;
}

export function pushText(into: string[], el: XmlElement): void {
  const t = textOf(el);
  if (t !== undefined) into.push(t);
}

/** Sets `target[key]` to the element's text when it has any. */
export function setText<T extends object>(target: T, key: keyof T & string, el: XmlElement): void {
  const t = textOf(el);
  if (t !== undefined) (target as Record<string, unknown>)[key] = t;
}

/**
 * TTPs: behaviour (attack patterns with CAPEC ids, malware instances — MAEC content kept whole —, exploits),
 * resources (tools, infrastructure with its observables, personas), victim targeting, exploit targets (the
 * CVEs live there), related TTPs, kill chain phases and the kill chains a TTP defines.
 */
import type { XmlElement } from '../xml/tree';
import { attr, baseOf, BuildContext, describe, eachChild } from './context';
import {
  identity,
  informationSource,
  killChain,
  killChainPhaseRefs,
  packageReferences,
  related,
  relatedList,
  statement,
  tool,
  vocab,
} from './common';
import { observables } from './cybox';
import { exploitTarget } from './exploit-target';
import { handling } from './markings';
import type { AttackPattern, Exploit, GenericElement, Infrastructure, MalwareInstance, Ttp } from './types';

export function ttp(el: XmlElement, ctx: BuildContext): Ttp {
  const out: Ttp = {
    kind: 'ttp',
    ...baseOf(el),
    intendedEffects: [],
    attackPatterns: [],
    malware: [],
    exploits: [],
    tools: [],
    personas: [],
    exploitTargets: [],
    relatedTTPs: [],
    killChainPhases: [],
    killChains: [],
    handling: [],
    relatedPackages: [],
  };
  const version = attr(el, 'version');
  if (version !== undefined) out.version = version;
  eachChild(el, out.extensions, (c, local) => {
    if (describe(out, c, local)) return;
    switch (local) {
      case 'Intended_Effect':
        out.intendedEffects.push(statement(c, ctx));
        return;
      case 'Behavior':
        eachChild(c, out.extensions, (g, l) => {
          if (l === 'Attack_Patterns') eachChild(g, out.extensions, (a, al) => (al === 'Attack_Pattern' ? void out.attackPatterns.push(attackPattern(a)) : false));
          else if (l === 'Malware') eachChild(g, out.extensions, (m, ml) => (ml === 'Malware_Instance' ? void out.malware.push(malwareInstance(m)) : false));
          else if (l === 'Exploits') eachChild(g, out.extensions, (x, xl) => (xl === 'Exploit' ? void out.exploits.push(exploit(x)) : false));
          else return false;
        });
        return;
      case 'Resources':
        eachChild(c, out.extensions, (g, l) => {
          if (l === 'Tools') eachChild(g, out.extensions, (t, tl) => (tl === 'Tool' ? void out.tools.push(tool(t)) : false));
          else if (l === 'Infrastructure') out.infrastructure = infrastructure(g, ctx);
          else if (l === 'Personas') eachChild(g, out.extensions, (p, pl) => (pl === 'Persona' ? void out.personas.push(identity(p, ctx)) : false));
          else return false;
        });
        return;
      case 'Victim_Targeting': {
        const vt: NonNullable<Ttp['victimTargeting']> = { targetedSystems: [], targetedInformation: [], targetedTechnicalDetails: [] };
        eachChild(c, out.extensions, (g, l) => {
          if (l === 'Identity') vt.identity = identity(g, ctx);
          else if (l === 'Targeted_Systems') vt.targetedSystems.push(vocab(g));
          else if (l === 'Targeted_Information') vt.targetedInformation.push(vocab(g));
          else if (l === 'Targeted_Technical_Details') vt.targetedTechnicalDetails.push(...observables(g, ctx, out.extensions));
          else return false;
        });
        out.victimTargeting = vt;
        return;
      }
      case 'Exploit_Targets':
        // STIX 1.1+: Exploit_Target wrappers (RelatedExploitTargetType); STIX 1.0.1: Exploit_Targets inline.
        eachChild(c, out.extensions, (e, l) => {
          if (l !== 'Exploit_Target') return false;
          const wrapped = e.children.some((k) => typeof k !== 'string' && k.local === 'Exploit_Target');
          out.exploitTargets.push(wrapped ? related(e, ctx, 'Exploit_Target', exploitTarget) : { item: exploitTarget(e, ctx) });
        });
        return;
      case 'Related_TTPs':
        out.relatedTTPs.push(...relatedList(c, ctx, 'Related_TTP', 'TTP', ttp, out.extensions));
        return;
      case 'Kill_Chain_Phases':
        out.killChainPhases.push(...killChainPhaseRefs(c));
        return;
      case 'Kill_Chains':
        for (const k of c.children) if (typeof k !== 'string' && k.local === 'Kill_Chain') out.killChains.push(killChain(k));
        return;
      case 'Information_Source':
        out.informationSource = informationSource(c, ctx);
        return;
      case 'Handling':
        out.handling.push(...handling(c, ctx));
        return;
      case 'Related_Packages':
        out.relatedPackages.push(...packageReferences(c, ctx, out.extensions));
        return;
      default:
        return false;
    }
  });
  return out;
}

function idsOf(el: XmlElement): { id?: string; idref?: string; xsiType?: { ns: string; local: string } } {
  const out: { id?: string; idref?: string; xsiType?: { ns: string; local: string } } = {};
  const id = attr(el, 'id');
  const idref = attr(el, 'idref');
  if (id !== undefined) out.id = id;
  if (idref !== undefined) out.idref = idref;
  if (el.xsiType) out.xsiType = { ns: el.xsiType.ns, local: el.xsiType.local };
  return out;
}

function attackPattern(el: XmlElement): AttackPattern {
  const out: AttackPattern = { ...idsOf(el), extensions: [] };
  const capec = attr(el, 'capec_id');
  if (capec !== undefined) out.capecId = capec;
  eachChild(el, out.extensions, (c, local) => describe(out, c, local));
  return out;
}

function malwareInstance(el: XmlElement): MalwareInstance {
  const out: MalwareInstance = { ...idsOf(el), types: [], names: [], extensions: [] };
  eachChild(el, out.extensions, (c, local) => {
    if (describe(out, c, local)) return;
    if (local === 'Type') out.types.push(vocab(c));
    else if (local === 'Name') out.names.push(vocab(c));
    else return false;
  });
  return out;
}

function exploit(el: XmlElement): Exploit {
  const out: Exploit = { ...idsOf(el), extensions: [] };
  eachChild(el, out.extensions, (c, local) => describe(out, c, local));
  return out;
}

function infrastructure(el: XmlElement, ctx: BuildContext): Infrastructure {
  const ids = idsOf(el);
  const out: Infrastructure = { types: [], observables: [], extensions: [] };
  if (ids.id !== undefined) out.id = ids.id;
  if (ids.idref !== undefined) out.idref = ids.idref;
  const extensions: GenericElement[] = out.extensions;
  eachChild(el, extensions, (c, local) => {
    if (describe(out, c, local)) return;
    if (local === 'Type') out.types.push(vocab(c));
    else if (local === 'Observable_Characterization') out.observables.push(...observables(c, ctx, extensions));
    else return false;
  });
  return out;
}

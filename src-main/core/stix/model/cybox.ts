/**
 * CybOX 2.x observables: an Observable holds one Object, one Event, or an Observable_Composition of further
 * observables (AND/OR, nested). An Object's Properties are kept as a `GenericElement` typed by their
 * `xsi:type` — every field with its text and `condition` — so the converters map each CybOX object type
 * without the reader having to know all ninety of them; related objects are followed recursively.
 */
import type { XmlElement } from '../xml/tree';
import { attr, baseOf, boolAttr, BuildContext, eachChild, intAttr, joinText, textOf } from './context';
import { vocab } from './common';
import { toGeneric } from './generic';
import type { CyboxAction, CyboxEvent, CyboxObject, CyboxType, Observable } from './types';

export function observable(el: XmlElement, ctx: BuildContext): Observable {
  const b = baseOf(el);
  const out: Observable = { kind: 'observable', keywords: [], sources: [], extensions: b.extensions };
  if (b.id !== undefined) out.id = b.id;
  if (b.idref !== undefined) out.idref = b.idref;
  const negate = boolAttr(el, 'negate');
  const sightings = intAttr(el, 'sighting_count');
  if (negate !== undefined) out.negate = negate;
  if (sightings !== undefined) out.sightingCount = sightings;
  eachChild(el, out.extensions, (c, local) => {
    switch (local) {
      case 'Title': {
        const t = textOf(c);
        if (t !== undefined) out.title = t;
        return;
      }
      case 'Description':
        out.description = joinText(out.description, textOf(c));
        return;
      case 'Keywords':
        for (const k of c.children) if (typeof k !== 'string' && k.local === 'Keyword') {
          const t = textOf(k);
          if (t !== undefined) out.keywords.push(t);
        }
        return;
      case 'Observable_Source':
        out.sources.push(toGeneric(c));
        return;
      case 'Object':
        out.object = cyboxObject(c, ctx);
        return;
      case 'Event':
        out.event = cyboxEvent(c, ctx);
        return;
      case 'Observable_Composition': {
        const operator = (attr(c, 'operator') ?? '').trim().toUpperCase();
        if (operator !== 'AND' && operator !== 'OR') ctx.warn(`Observable_Composition with operator ${JSON.stringify(attr(c, 'operator') ?? '')}`);
        const observables: Observable[] = [];
        eachChild(c, out.extensions, (o, l) => (l === 'Observable' ? void observables.push(observable(o, ctx)) : false));
        out.composition = { operator, observables };
        return;
      }
      default:
        return false;
    }
  });
  return out;
}

/** The `Observable*` children of an ObservablesType container (`stix:Observables`, Parameter_Observables…). */
export function observables(container: XmlElement, ctx: BuildContext, extensions: CyboxObject['extensions']): Observable[] {
  const out: Observable[] = [];
  eachChild(container, extensions, (c, local) => (local === 'Observable' ? void out.push(ctx.item(c, observable)) : false));
  return out;
}

/** An Object, a Related_Object or an Associated_Object (they share ObjectType). */
export function cyboxObject(el: XmlElement, ctx: BuildContext): CyboxObject {
  const b = baseOf(el);
  const out: CyboxObject = { kind: 'object', relatedObjects: [], extensions: b.extensions };
  if (b.id !== undefined) out.id = b.id;
  if (b.idref !== undefined) out.idref = b.idref;
  const changed = boolAttr(el, 'has_changed');
  if (changed !== undefined) out.hasChanged = changed;
  eachChild(el, out.extensions, (c, local) => {
    switch (local) {
      case 'Properties':
        out.properties = toGeneric(c);
        if (c.xsiType) out.objectType = cyboxType(c.xsiType.ns, c.xsiType.local);
        return;
      case 'Domain_Specific_Object_Properties':
        out.domainSpecific = toGeneric(c);
        return;
      case 'State':
        out.state = vocab(c);
        return;
      case 'Description':
        out.description = joinText(out.description, textOf(c));
        return;
      case 'Relationship':
        out.relationship = vocab(c);
        return;
      case 'Association_Type':
        out.associationType = vocab(c);
        return;
      case 'Related_Objects':
        eachChild(c, out.extensions, (r, l) => (l === 'Related_Object' ? void out.relatedObjects.push(cyboxObject(r, ctx)) : false));
        return;
      default:
        return false;
    }
  });
  return out;
}

export function cyboxType(ns: string, local: string): CyboxType {
  const name = local.replace(/ObjectType$/, '').replace(/Type$/, '') || local;
  return { ns, local, name };
}

function cyboxEvent(el: XmlElement, ctx: BuildContext): CyboxEvent {
  const b = baseOf(el);
  const out: CyboxEvent = { kind: 'event', actions: [], events: [], extensions: b.extensions };
  if (b.id !== undefined) out.id = b.id;
  if (b.idref !== undefined) out.idref = b.idref;
  eachChild(el, out.extensions, (c, local) => {
    switch (local) {
      case 'Type':
        out.type = vocab(c);
        return;
      case 'Description':
        out.description = joinText(out.description, textOf(c));
        return;
      case 'Actions':
        eachChild(c, out.extensions, (a, l) => (l === 'Action' ? void out.actions.push(action(a, ctx)) : false));
        return;
      case 'Event':
        out.events.push(cyboxEvent(c, ctx));
        return;
      default:
        return false;
    }
  });
  return out;
}

function action(el: XmlElement, ctx: BuildContext): CyboxAction {
  const out: CyboxAction = { associatedObjects: [], extensions: [] };
  const id = attr(el, 'id');
  const idref = attr(el, 'idref');
  if (id !== undefined) out.id = id;
  if (idref !== undefined) out.idref = idref;
  eachChild(el, out.extensions, (c, local) => {
    switch (local) {
      case 'Name':
        out.name = vocab(c);
        return;
      case 'Type':
        out.type = vocab(c);
        return;
      case 'Description':
        out.description = joinText(out.description, textOf(c));
        return;
      case 'Associated_Objects':
        eachChild(c, out.extensions, (o, l) => (l === 'Associated_Object' ? void out.associatedObjects.push(cyboxObject(o, ctx)) : false));
        return;
      default:
        return false;
    }
  });
  return out;
}

/** The `resolve` / `resolveObject` pair of a MappingContext for one package, from its id index. */
import { indexIds, type IdIndex } from '../../../stix/model/walk';
import type { CyboxObject, Observable, StixPackage } from '../../../stix/model/types';

export interface Resolvers {
  resolve(idref: string): Observable | undefined;
  resolveObject(idref: string): CyboxObject | undefined;
}

export function resolversFor(pkg: StixPackage, index: IdIndex = indexIds(pkg)): Resolvers {
  return {
    resolve: (idref) => {
      const c = index.byId.get(idref);
      return c?.kind === 'observable' ? c : undefined;
    },
    resolveObject: (idref) => {
      const c = index.byId.get(idref);
      return c?.kind === 'object' ? c : undefined;
    },
  };
}

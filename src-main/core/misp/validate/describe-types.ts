/**
 * MISP's attribute types and categories, from the shipped `describeTypes.json`: which types exist, which categories
 * allow which types, and each type's default category and to_ids.
 */
import { describeTypesData } from '../data/index';

/**
 * Types in the shipped describeTypes.json that MISP 2.5.1 (the version `misp.md` describes) does not know yet.
 * A 2.5.1 server drops attributes of these types, so by default the validator treats them as unknown.
 */
export const TYPES_NEWER_THAN_MISP_2_5_1: ReadonlySet<string> = new Set([
  'community-id',
  'dkim-signature',
  'dom-hash',
  'edge-extension-id',
  'suricata',
  'uuid',
]);

const allTypes: ReadonlySet<string> = new Set(describeTypesData.types);
const allCategories: ReadonlySet<string> = new Set(describeTypesData.categories);

/** type → the categories that list it. */
const categoriesByType: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const map = new Map<string, Set<string>>();
  for (const [category, types] of Object.entries(describeTypesData.category_type_mappings)) {
    for (const type of types) {
      let set = map.get(type);
      if (!set) map.set(type, (set = new Set()));
      set.add(category);
    }
  }
  return map;
})();

export interface TypeSupportOptions {
  /** Accept the types newer than MISP 2.5.1 (only when the destination runs a newer MISP). Default false. */
  allowNewerTypes?: boolean;
}

export function isKnownType(type: string, options: TypeSupportOptions = {}): boolean {
  if (!allTypes.has(type)) return false;
  return options.allowNewerTypes === true || !TYPES_NEWER_THAN_MISP_2_5_1.has(type);
}

export function isKnownCategory(category: string): boolean {
  return allCategories.has(category);
}

/** MISP refuses a category that does not list the type ("Options depend on the selected category."). */
export function isCategoryAllowed(type: string, category: string): boolean {
  return categoriesByType.get(type)?.has(category) ?? false;
}

export function categoriesForType(type: string): string[] {
  return [...(categoriesByType.get(type) ?? [])];
}

/** The category MISP applies when an attribute comes without one. */
export function defaultCategory(type: string): string | undefined {
  return describeTypesData.sane_defaults[type]?.default_category;
}

export function defaultToIds(type: string): boolean {
  return describeTypesData.sane_defaults[type]?.to_ids === 1;
}

/** Composite types carry two values joined by one `|` (`filename|md5`, `ip-dst|port`, `regkey|value`…). */
export function isCompositeType(type: string): boolean {
  return type.includes('|');
}

export const knownTypes: readonly string[] = describeTypesData.types;
export const knownCategories: readonly string[] = describeTypesData.categories;

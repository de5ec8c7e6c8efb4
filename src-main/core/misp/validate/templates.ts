/**
 * MISP object templates (misp-objects `definition.json`), indexed by name, in the form the validator uses.
 */
import { objectTemplatesData, type ObjectTemplateData } from '../data/index';

export interface TemplateRelation {
  /** The MISP attribute type this relation must carry. */
  type: string;
  multiple: boolean;
  /** Categories allowed for this relation; when absent, those of the type (describeTypes). */
  categories?: readonly string[];
  /** A closed list of allowed values (PyMISP refuses others). */
  valuesList?: readonly string[];
  toIds?: boolean;
  disableCorrelation?: boolean;
}

export interface ObjectTemplate {
  name: string;
  uuid: string;
  version: number;
  metaCategory: string;
  description: string;
  relations: ReadonlyMap<string, TemplateRelation>;
  /** Every one of these relations must be present. */
  required: readonly string[];
  /** At least one of these relations must be present. */
  requiredOneOf: readonly string[];
}

function toTemplate(data: ObjectTemplateData): ObjectTemplate {
  const relations = new Map<string, TemplateRelation>();
  for (const [relation, r] of Object.entries(data.attributes)) {
    const entry: TemplateRelation = { type: r['misp-attribute'], multiple: r.multiple === true };
    if (r.categories) entry.categories = r.categories;
    if (r.values_list) entry.valuesList = r.values_list;
    if (r.to_ids !== undefined) entry.toIds = r.to_ids;
    if (r.disable_correlation !== undefined) entry.disableCorrelation = r.disable_correlation;
    relations.set(relation, entry);
  }
  return {
    name: data.name,
    uuid: data.uuid,
    version: data.version,
    metaCategory: data['meta-category'],
    description: data.description,
    relations,
    required: data.required ?? [],
    requiredOneOf: data.requiredOneOf ?? [],
  };
}

export const objectTemplates: ReadonlyMap<string, ObjectTemplate> = new Map(
  objectTemplatesData.map((d) => [d.name, toTemplate(d)] as const),
);

export function templateFor(name: string): ObjectTemplate | undefined {
  return objectTemplates.get(name);
}

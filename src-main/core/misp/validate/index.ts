/** Validating MISP events like MISP does: types and categories, values, object templates. */
export { checkEvent, checkSingleAttribute, checkSingleObject, describeIssues, isMispUuid } from './event';
export type { CheckOptions, DroppedCounts, EventCheck, IssueLevel, ValidationIssue } from './event';
export {
  TYPES_NEWER_THAN_MISP_2_5_1,
  categoriesForType,
  defaultCategory,
  defaultToIds,
  isCategoryAllowed,
  isCompositeType,
  isKnownCategory,
  isKnownType,
  knownCategories,
  knownTypes,
} from './describe-types';
export type { TypeSupportOptions } from './describe-types';
export { normalizeValue, valueProblem } from './values';
export { objectTemplates, templateFor } from './templates';
export type { ObjectTemplate, TemplateRelation } from './templates';

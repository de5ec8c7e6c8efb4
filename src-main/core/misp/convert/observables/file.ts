/**
 * Files: File, WindowsFile, UnixFile, PDFFile, ImageFile, ArchiveFile, WindowsExecutableFile, WindowsDriver.
 *
 * Like MISP's importer (`misp.md` §1.1): one field → that attribute (a hash by its type, `filename`, a lone path as
 * `filename`, `size-in-bytes`); exactly a name and one hash, both exact → the composite `filename|<hash>`; anything
 * else → a `file` object. A file with related objects to reference is always a `file` object.
 * WindowsExecutableFile adds a `pe` object (headers, type, and exports/imports/resources as its text) and one
 * `pe-section` object per section: file —includes→ pe —includes→ pe-section.
 */
import type { GenericElement } from '../../../stix/model/types';
import type { MispObject } from '../../model';
import { isKnownType, normalizeValue, templateFor, valueProblem } from '../../validate/index';
import { alternativesOf, describeVal, Emitter, MAX_ALTERNATIVES, type Val } from './emit';

interface Part {
  relation: string;
  val: Val;
}

/** CybOX HashNameVocab (and common spellings) → MISP hash type. */
const HASH_TYPES: Readonly<Record<string, string>> = {
  MD5: 'md5',
  MD6: 'text',
  SHA1: 'sha1',
  SHA224: 'sha224',
  SHA256: 'sha256',
  SHA384: 'sha384',
  SHA512: 'sha512',
  SSDEEP: 'ssdeep',
  TLSH: 'tlsh',
  IMPHASH: 'imphash',
  AUTHENTIHASH: 'authentihash',
};

const BY_HEX_LENGTH: Readonly<Record<number, string>> = { 32: 'md5', 40: 'sha1', 56: 'sha224', 64: 'sha256', 96: 'sha384', 128: 'sha512' };

/** The hash values of a `Hashes` element as (MISP hash type, value) parts; unknown kinds become `text`. */
export function hashParts(hashes: GenericElement | undefined, em: Emitter, label = 'Hash'): Part[] {
  const out: Part[] = [];
  for (const h of em.pathAll(hashes, 'Hash')) {
    const name = (em.rawAt(h, 'Type') ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
    const simple = em.readAt(h, undefined, 'Simple_Hash_Value');
    const fuzzy = em.readAt(h, undefined, 'Fuzzy_Hash_Value');
    for (const v of simple) out.push(hashPart(v, name, label));
    for (const v of fuzzy) out.push(hashPart(v, name, label));
  }
  return out;
}

function hashPart(v: Val, name: string, label: string): Part {
  let type = HASH_TYPES[name];
  if (type === undefined && /^[0-9a-f]+$/i.test(v.value)) type = BY_HEX_LENGTH[v.value.length];
  if (type === undefined && /^[0-9]+:[^:]+:[^:]+$/.test(v.value)) type = 'ssdeep';
  const field = `${label} ${name || 'of unknown type'}`;
  const asText = type === 'text' || type === undefined;
  return { relation: asText ? 'text' : type!, val: withField(v, field, asText ? describeVal(field, v) : v.value) };
}

/** `{ ...v, value, field }` spelled out (the spread of a Val with optional fields was a slow generic copy). */
function withField(v: Val, field: string, value: string): Val {
  const out: Val = { value, exact: v.exact, notes: v.notes, field };
  if (v.range !== undefined) out.range = v.range;
  if (v.condition !== undefined) out.condition = v.condition;
  return out;
}

/** The fields of a CybOX File (and its Windows/Unix/PDF variants) as file-template parts. */
export function fileParts(props: GenericElement, em: Emitter): Part[] {
  const parts: Part[] = [];
  addParts(parts, 'filename', em.readAt(props, 'File_Name', 'File_Name'));
  for (const el of em.pathAll(props, 'File_Path')) addParts(parts, el.attributes['fully_qualified'] === 'true' ? 'fullpath' : 'path', em.read(el, 'File_Path'));
  addParts(parts, 'fullpath', em.readAt(props, 'Full_Path', 'Full_Path'));
  addParts(parts, 'path', em.readAt(props, 'Device_Path', 'Device_Path'));
  addTextParts(parts, 'File extension', em.readAt(props, 'File_Extension', 'File_Extension'));
  addParts(parts, 'size-in-bytes', em.readAt(props, 'Size_In_Bytes', 'Size_In_Bytes'));
  addTextParts(parts, 'Magic number', em.readAt(props, 'Magic_Number', 'Magic_Number'));
  addParts(parts, 'magic', em.readAt(props, 'File_Format', 'File_Format'));
  parts.push(...hashParts(em.path(props, 'Hashes'), em));
  addParts(parts, 'modification-time', em.readAt(props, 'Modified_Time', 'Modified_Time'));
  addParts(parts, 'access-time', em.readAt(props, 'Accessed_Time', 'Accessed_Time'));
  addParts(parts, 'creation-time', em.readAt(props, 'Created_Time', 'Created_Time'));
  addParts(parts, 'entropy', em.readAt(props, 'Peak_Entropy', 'Peak_Entropy'));
  addTextParts(parts, 'Packer', em.readAt(props, 'Packer', 'Packer_List', 'Packer', 'Name'));
  addTextParts(parts, 'Encryption algorithm', em.readAt(props, 'Encryption_Algorithm', 'Encryption_Algorithm'));
  addTextParts(parts, 'Decryption key', em.readAt(props, 'Decryption_Key', 'Decryption_Key'));
  addTextParts(parts, 'Compression method', em.readAt(props, 'Compression_Method', 'Compression_Method'));
  for (const p of em.pathAll(props, 'Custom_Properties', 'Property')) addTextParts(parts, p.attributes['name'] ?? 'Custom property', em.read(p, p.attributes['name'] ?? 'Property'));
  return parts;
}

function addParts(parts: Part[], relation: string, vals: Val[]): void {
  for (const val of vals) parts.push({ relation, val });
}

function addTextParts(parts: Part[], label: string, vals: Val[]): void {
  for (const v of vals) parts.push({ relation: 'text', val: withField(v, label, describeVal(label, v)) });
}

/** Relations that stand alone as an attribute of the same type when they are a file's only field. */
const SINGLE: Readonly<Record<string, string>> = {
  filename: 'filename',
  path: 'filename',
  fullpath: 'filename',
  'size-in-bytes': 'size-in-bytes',
  md5: 'md5',
  sha1: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  ssdeep: 'ssdeep',
  tlsh: 'tlsh',
  imphash: 'imphash',
  authentihash: 'authentihash',
  text: 'text',
};

const FILE_TEMPLATE = templateFor('file')!;

/** The parts as one attribute — a lone field, or an exact name and hash as `filename|<hash>` — when they fit one. */
function attributeForm(parts: readonly Part[], em: Emitter): (() => void) | undefined {
  if (parts.length === 1) {
    const [{ relation, val }] = parts as [Part];
    const type = SINGLE[relation];
    if (type === undefined) return undefined;
    if (type === 'text') return () => void em.text(val, `${em.cyboxType} ${val.field}`);
    return () => void em.attribute(type, val, relation === 'path' || relation === 'fullpath' ? { comment: `${em.cyboxType} ${val.field}` } : {});
  }
  if (parts.length === 2) {
    const name = parts.find((p) => p.relation === 'filename');
    const hash = parts.find((p) => p !== name);
    const composite = hash ? `filename|${hash.relation}` : '';
    const value = `${name?.val.value}|${hash?.val.value}`;
    if (
      name && hash && name.val.exact && hash.val.exact && hash.relation !== 'text' && isKnownType(composite) &&
      !name.val.value.includes('|') && valueProblem(composite, normalizeValue(composite, value)) === undefined
    ) {
      return () => void em.attribute(composite, { value, exact: true, notes: [...name.val.notes, ...hash.val.notes], field: `File_Name and ${hash.val.field}` });
    }
  }
  return undefined;
}

/**
 * Emits file parts as MISP wants them (single attribute, composite, or `file` object). `forceObject` when other
 * objects (pe) will reference the file. Returns the file object when one was made.
 */
export function emitFile(parts: Part[], em: Emitter, forceObject = false): MispObject | undefined {
  if (parts.length === 0) return undefined;
  const wantObject = forceObject || em.wantsObject;
  if (!wantObject) {
    const single = attributeForm(parts, em);
    if (single) {
      single();
      return undefined;
    }
    // Alternatives (two MD5s, a `##comma##` list of names): each combination as an attribute when each fits one.
    const alternatives = alternativesOf(FILE_TEMPLATE, parts);
    if (alternatives && alternatives.combos.length <= MAX_ALTERNATIVES) {
      const forms = alternatives.combos.map((c) => attributeForm(c, em));
      if (forms.every((f) => f !== undefined)) {
        for (const f of forms) f!();
        return undefined;
      }
    }
  }
  const draft = em.object('file');
  const texts: Val[] = [];
  for (const { relation, val } of parts) {
    if (relation === 'text') texts.push(val);
    else draft.add(relation, val);
  }
  for (const t of texts) draft.add('text', t);
  return draft.emit();
}

export function mapFile(props: GenericElement, em: Emitter): void {
  emitFile(fileParts(props, em), em);
}

// ——— Windows executables ——————————————————————————————————————————————————————————————————————

const PE_TYPES: Readonly<Record<string, string>> = { executable: 'exe', dll: 'dll', driver: 'driver', exe: 'exe' };

interface PeContent {
  parts: Part[];
  lines: string[];
  sections: Part[][];
}

function peContent(props: GenericElement, em: Emitter, defaultType?: string): PeContent {
  const parts: Part[] = [];
  const lines: string[] = [];
  const line = (label: string, vals: Val[]): void => {
    for (const v of vals) lines.push(describeVal(label, v));
  };
  const header = em.path(props, 'Headers', 'File_Header');
  parts.push(...em.readAt(header, 'Time_Date_Stamp', 'Time_Date_Stamp').map((val) => ({ relation: 'compilation-timestamp', val })));
  parts.push(...em.readAt(header, 'Number_Of_Sections', 'Number_Of_Sections').map((val) => ({ relation: 'number-sections', val })));
  parts.push(...em.readAt(header, 'Machine', 'Machine').map((val) => ({ relation: 'machine-type', val })));
  parts.push(...em.readAt(props, 'Address_Of_Entry_Point', 'Headers', 'Optional_Header', 'Address_Of_Entry_Point').map((val) => ({ relation: 'entrypoint-address', val })));
  for (const v of em.readAt(props, 'Type', 'Type')) {
    const t = PE_TYPES[v.value.toLowerCase()];
    if (t !== undefined && v.exact) parts.push({ relation: 'type', val: { ...v, value: t } });
    else line('PE type', [v]);
  }
  line('Exported function', em.readAt(props, 'Function_Name', 'Exports', 'Exported_Functions', 'Exported_Function', 'Function_Name'));
  for (const imp of em.pathAll(props, 'Imports', 'Import')) {
    const lib = em.rawAt(imp, 'File_Name');
    line(lib !== undefined ? `Imported function (${lib})` : 'Imported function', em.readAt(imp, 'Function_Name', 'Imported_Functions', 'Imported_Function', 'Function_Name'));
    if (lib !== undefined && em.pathAll(imp, 'Imported_Functions').length === 0) lines.push(`Imported library: ${lib}`);
  }
  for (const res of em.pathAll(props, 'Resources', 'Resource')) {
    line('Resource name', em.readAt(res, 'Name', 'Name'));
    line('Resource type', em.readAt(res, 'Type', 'Type'));
  }
  for (const sig of em.pathAll(props, 'Digital_Signature')) {
    line('Signature certificate subject', em.readAt(sig, 'Certificate_Subject', 'Certificate_Subject'));
    line('Signature certificate issuer', em.readAt(sig, 'Certificate_Issuer', 'Certificate_Issuer'));
    const verified = sig.attributes['signature_verified'];
    if (verified !== undefined) lines.push(`Signature verified: ${verified}`);
  }
  const sections: Part[][] = [];
  for (const s of em.pathAll(props, 'Sections', 'Section')) {
    const h = em.path(s, 'Section_Header');
    const sp: Part[] = [];
    const add = (relation: string, vals: Val[]): void => {
      for (const val of vals) sp.push({ relation, val });
    };
    add('name', em.readAt(h, 'Name', 'Name'));
    add('virtual_size', em.readAt(h, 'Virtual_Size', 'Virtual_Size'));
    add('virtual_address', em.readAt(h, 'Virtual_Address', 'Virtual_Address'));
    add('size-in-bytes', em.readAt(h, 'Size_Of_Raw_Data', 'Size_Of_Raw_Data'));
    add('characteristic', em.readAt(h, 'Characteristics', 'Characteristics'));
    add('entropy', em.readAt(s, 'Entropy', 'Entropy', 'Value'));
    sp.push(...hashParts(em.path(s, 'Data_Hashes'), em, 'Section hash'));
    if (sp.length > 0) sections.push(sp);
  }
  if (defaultType !== undefined && !parts.some((p) => p.relation === 'type')) parts.push({ relation: 'type', val: Emitter.val(defaultType, 'object type') });
  return { parts, lines, sections };
}

/** WindowsExecutableFile (and WindowsDriver): file object + pe + pe-sections, linked by `includes`. */
function emitExecutable(props: GenericElement, em: Emitter, file: Part[], defaultPeType?: string): void {
  const pe = peContent(props, em, defaultPeType);
  const hasPe = pe.parts.length > 0 || pe.lines.length > 0 || pe.sections.length > 0;
  if (!hasPe) {
    emitFile(file, em);
    return;
  }
  const fileObject = emitFile(file, em, true);
  const draft = em.object('pe');
  for (const p of pe.parts) draft.add(p.relation, p.val);
  if (pe.lines.length > 0) draft.add('text', Emitter.val(pe.lines.join('\n'), 'PE details', false));
  // Only header fields that the template does not count as identifying (a time stamp): say what kind of PE it is.
  if (!draft.has('type') && !draft.has('text') && !draft.has('entrypoint-address')) draft.add('type', Emitter.val('unknown', 'PE type'));
  const peObject = draft.emit({ suffix: 'pe' });
  if (fileObject && peObject) em.reference(fileObject, peObject.uuid, 'includes');
  pe.sections.forEach((sp, i) => {
    const s = em.object('pe-section');
    const texts: Val[] = [];
    for (const p of sp) {
      if (p.relation === 'text') texts.push(p.val);
      else s.add(p.relation, p.val);
    }
    if (texts.length > 0) s.add('text', Emitter.val(texts.map((t) => t.value).join('\n'), 'Section hashes', false));
    const section = s.emit({ suffix: `pe-section/${i}` });
    if (section && (peObject ?? fileObject)) em.reference((peObject ?? fileObject)!, section.uuid, 'includes');
  });
}

export function mapWindowsExecutableFile(props: GenericElement, em: Emitter): void {
  emitExecutable(props, em, fileParts(props, em));
}

/**
 * WindowsDriver extends WindowsExecutableFile: the driver name is its file name; device objects (what the driver
 * attaches to) have no MISP type and are kept as text.
 */
export function mapWindowsDriver(props: GenericElement, em: Emitter): void {
  const file = fileParts(props, em);
  for (const val of em.readAt(props, 'Driver_Name', 'Driver_Name')) file.unshift({ relation: 'filename', val });
  const hasPeFields = props.children.some((c) => c.name === 'Headers' || c.name === 'Sections' || c.name === 'Exports' || c.name === 'Imports');
  if (hasPeFields) emitExecutable(props, em, file, 'driver');
  else emitFile(file, em);
  for (const dev of em.pathAll(props, 'Device_Object_List', 'Device_Object_Struct')) {
    for (const c of dev.children) {
      for (const v of em.read(c)) em.text({ ...v, value: v.value }, `WindowsDriver device object ${c.name}`);
    }
  }
}

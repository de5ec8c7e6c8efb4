/**
 * EmailMessage → one attribute when the message has exactly one field (like MISP's importer: a sender alone is an
 * `email-src`, a subject alone an `email-subject`), otherwise an `email` object: from / to / cc / bcc / subject /
 * message-id / reply-to / x-mailer / mime-boundary / send-date / user-agent / ip-src (X-Originating-IP) / header
 * (raw header and the header lines without a relation of their own) / email-body. Attachments: the attached file's
 * name as `attachment` and an object reference `attachment` to the File; Links: a reference `link` to the URI.
 * A sender pattern on a domain (`From Contains "@state.gov"`) is `from-domain` (not to_ids: still a pattern).
 */
import type { GenericElement } from '../../../stix/model/types';
import { addressVals } from './address';
import { describeVal, type Emitter, type Val } from './emit';
import { refTarget } from './refs';
import { isExactCondition, patternNote, splitList } from '../values';

const SENDER_DOMAIN = /^@?([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})$/i;

/** Standalone MISP type of each email relation (for a one-field message). */
const STANDALONE: Readonly<Record<string, string>> = {
  from: 'email-src',
  to: 'email-dst',
  cc: 'email-dst',
  bcc: 'email-dst',
  subject: 'email-subject',
  'message-id': 'email-message-id',
  'reply-to': 'email-reply-to',
  'x-mailer': 'email-x-mailer',
  'mime-boundary': 'email-mime-boundary',
  header: 'email-header',
  'email-body': 'email-body',
  'user-agent': 'user-agent',
  'send-date': 'datetime',
  'ip-src': 'ip-src',
  attachment: 'email-attachment',
  'from-domain': 'domain',
};

interface Part {
  relation: string;
  val: Val;
}

/** Header fields that are plain text and map to a relation of their own. */
const HEADER_TEXT: ReadonlyArray<readonly [string, string]> = [
  ['Subject', 'subject'],
  ['Message_ID', 'message-id'],
  ['Date', 'send-date'],
  ['Boundary', 'mime-boundary'],
  ['User_Agent', 'user-agent'],
  ['X_Mailer', 'x-mailer'],
];

/** Header fields kept as header lines (`Name: value`). */
const HEADER_LINES: ReadonlyArray<readonly [string, string]> = [
  ['In_Reply_To', 'In-Reply-To'],
  ['Content_Type', 'Content-Type'],
  ['MIME_Version', 'MIME-Version'],
  ['Precedence', 'Precedence'],
  ['X_Priority', 'X-Priority'],
];

export function mapEmailMessage(props: GenericElement, em: Emitter): void {
  const header = em.path(props, 'Header');
  const parts: Part[] = [];
  const add = (relation: string, vals: Val | Val[]): void => {
    for (const val of Array.isArray(vals) ? vals : [vals]) parts.push({ relation, val });
  };
  for (const v of addressVals(em.path(header, 'From'), em, 'From')) {
    // A sender pattern on a domain (`From Contains "@state.gov"`) is what the template calls from-domain.
    const domain = v.exact ? undefined : SENDER_DOMAIN.exec(v.value)?.[1];
    if (domain !== undefined) add('from-domain', { ...v, value: domain });
    else add('from', v);
  }
  for (const [list, relation] of [['To', 'to'], ['CC', 'cc'], ['BCC', 'bcc']] as const) {
    for (const r of em.pathAll(header, list, 'Recipient')) add(relation, addressVals(r, em, list));
  }
  add('reply-to', addressVals(em.path(header, 'Reply_To'), em, 'Reply_To'));
  for (const [name, relation] of HEADER_TEXT) add(relation, em.readAt(header, name, name));
  add('ip-src', addressVals(em.path(header, 'X_Originating_IP'), em, 'X_Originating_IP'));
  for (const [name, label] of HEADER_LINES) {
    for (const v of em.readAt(header, name, name)) add('header', { ...v, value: describeVal(label, v) });
  }
  for (const [name, label] of [['Sender', 'Sender'], ['Errors_To', 'Errors-To']] as const) {
    for (const v of addressVals(em.path(header, name), em, name)) add('header', { ...v, value: describeVal(label, v) });
  }
  for (const r of em.pathAll(header, 'Received_Lines', 'Received')) {
    const text = r.children.map((c) => em.raw(c)).filter((t) => t !== undefined).join(' ');
    if (text !== '') add('header', { value: `Received: ${text}`, exact: true, notes: [], field: 'Received' });
  }
  add('header', em.readAt(props, 'Raw_Header', 'Raw_Header'));
  add('email-body', em.readAt(props, 'Raw_Body', 'Raw_Body'));

  // Attachments and links: references to the File / URI objects they name.
  const references: { uuid: string; relationship: string }[] = [];
  for (const f of em.pathAll(props, 'Attachments', 'File')) {
    const ref = f.attributes['object_reference'];
    if (ref === undefined) continue;
    const target = refTarget(em.ctx, ref);
    if (!target) {
      em.ctx.report.info('unresolved-idref', `EmailMessage attachment ${ref} is not defined in the package.`, em.where);
      continue;
    }
    references.push({ uuid: em.uuidOf(target.key), relationship: 'attachment' });
    // The attachment's file name (read, not consumed: the File is mapped where it is defined).
    const nameEl = target.object?.properties?.children.find((c) => c.name === 'File_Name');
    if (nameEl?.text !== undefined) {
      const condition = nameEl.attributes['condition'];
      for (const n of splitList(nameEl.text, nameEl.attributes['apply_condition'])) {
        const exact = isExactCondition(condition);
        parts.push({ relation: 'attachment', val: { value: n, exact, notes: exact ? [] : [patternNote('Attachment File_Name', condition as string, n)], field: 'Attachment' } });
      }
    }
  }
  for (const l of em.pathAll(props, 'Links', 'Link')) {
    const ref = l.attributes['object_reference'];
    const target = ref === undefined ? undefined : refTarget(em.ctx, ref);
    if (target) references.push({ uuid: em.uuidOf(target.key), relationship: 'link' });
    else if (ref !== undefined) em.ctx.report.info('unresolved-idref', `EmailMessage link ${ref} is not defined in the package.`, em.where);
  }

  if (parts.length === 1 && references.length === 0 && !em.wantsObject) {
    const [{ relation, val }] = parts as [Part];
    em.attribute(STANDALONE[relation] ?? 'text', val, { category: 'Payload delivery' });
    return;
  }
  const draft = em.object('email');
  for (const { relation, val } of parts) draft.add(relation, val, { category: 'Payload delivery' });
  const email = draft.emit();
  if (email) for (const r of references) em.reference(email, r.uuid, r.relationship);
  else if (references.length > 0) em.ctx.report.info('reference-dropped', `EmailMessage has no field MISP's email object can hold; its attachment/link references are dropped.`, em.where);
}

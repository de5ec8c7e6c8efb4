/**
 * Artifact → an `attachment` attribute carrying the raw bytes (base64 in `data`), named after the observable's
 * title (else a name derived from the content). With hashes, a `file` object instead: the hashes and the
 * attachment together. Packaging (compression, encryption) is stated in the comment: the bytes are sent as
 * packaged. A Raw_Artifact_Reference (a URL to the bytes) becomes a `link`.
 */
import { createHash } from 'node:crypto';
import type { GenericElement } from '../../../stix/model/types';
import { Emitter } from './emit';
import { hashParts } from './file';

export function mapArtifact(props: GenericElement, em: Emitter): void {
  const raw = em.path(props, 'Raw_Artifact');
  const packaging = em.path(props, 'Packaging');
  const encodings = em.pathAll(packaging, 'Encoding').map((e) => e.attributes['algorithm'] ?? '');
  const notes: string[] = [];
  const compression = em.pathAll(packaging, 'Compression').map((c) => c.attributes['compression_mechanism'] ?? 'compressed');
  const encryption = em.pathAll(packaging, 'Encryption').map((c) => {
    const mech = c.attributes['encryption_mechanism'] ?? 'encrypted';
    const key = c.attributes['encryption_key'];
    return key !== undefined ? `${mech} (key "${key}")` : mech;
  });
  if (compression.length > 0) notes.push(`compressed: ${compression.join(', ')}`);
  if (encryption.length > 0) notes.push(`encrypted: ${encryption.join(', ')}`);
  const type = props.attributes['type'];
  const contentType = props.attributes['content_type'];
  if (type !== undefined) notes.push(`artifact type ${type}`);
  if (contentType !== undefined) notes.push(`content type ${contentType}`);
  if (props.attributes['suspected_malicious'] === 'true') notes.push('suspected malicious');

  let data: string | undefined;
  const text = raw?.text;
  if (raw && text !== undefined) {
    em.touch(raw);
    const compact = text.replace(/\s+/g, '');
    data = encodings.some((e) => e.toLowerCase() === 'base64') ? compact : Buffer.from(text, 'utf8').toString('base64');
  }
  const title = em.observable?.title?.trim();
  const name = title !== undefined && title !== '' && !title.includes('\n') ? title : data !== undefined ? `artifact-${createHash('sha256').update(data).digest('hex').slice(0, 16)}.bin` : undefined;
  const comment = notes.length > 0 ? `Artifact ${notes.join('; ')}` : 'Artifact';
  const hashes = hashParts(em.path(props, 'Hashes'), em);

  if (hashes.length > 0) {
    const draft = em.object('file');
    for (const h of hashes) draft.add(h.relation, h.val);
    if (name !== undefined && data !== undefined) draft.add('attachment', Emitter.val(name, 'Raw_Artifact'), { category: 'Payload delivery' });
    const file = draft.emit({ comment });
    // The object's attachment attribute needs the bytes too.
    const attachment = file?.Attribute.find((a) => a.object_relation === 'attachment');
    if (attachment && data !== undefined) attachment.data = data;
  } else if (name !== undefined && data !== undefined) {
    const a = em.attribute('attachment', Emitter.val(name, 'Raw_Artifact'), { comment });
    if (a && a.type === 'attachment') a.data = data;
  }
  for (const v of em.readAt(props, 'Raw_Artifact_Reference', 'Raw_Artifact_Reference')) em.attribute('link', v, { comment: 'Artifact location' });
}

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attr, mapCorpus, mapCorpusPackage, mapSnippet, rows, uuid, validationErrors } from '../../../../../test/support/observables';

describe('Artifact', () => {
  it('raw bytes → an attachment carrying them (FlexTransform TLP sample)', () => {
    const r = mapCorpus('anl-cyberscience__FlexTransform/ExampleFiles/SampleInput-STIX-TLP.xml', 'CFM:Observable-980d16cc-91d8-51c6-b957-8bfa539a5439', { toIds: true });
    const data = r.attributes[0]?.data ?? '';
    const name = `artifact-${createHash('sha256').update(data).digest('hex').slice(0, 16)}.bin`;
    expect(data.startsWith('JVBERi0xLjMK')).toBe(true);
    expect(r.attributes).toEqual([
      {
        ...attr('CFM:Object-8c4c2194-54a6-56d2-bd2b-4f5c8b130ab5', { type: 'attachment', category: 'External analysis', value: name, to_ids: false, comment: 'Artifact artifact type File; content type application/pdf' }),
        data,
      },
    ]);
  });

  it('packaging is stated; the e-mail sample with a password-protected zip converts cleanly', () => {
    const r = mapCorpusPackage('STIXProject__schemas/samples/STIX_Email_wFullAttachment.xml');
    const attachment = r.attributes.find((a) => a.type === 'attachment');
    expect(attachment?.comment).toBe('Artifact encrypted: PasswordProtected (key "test")');
    expect(attachment?.data?.length).toBeGreaterThan(1_000_000);
    expect(Object.fromEntries(r.report.coverage)).toEqual({
      EmailMessage: { mapped: 1, text: 0, skipped: 0 },
      File: { mapped: 1, text: 0, skipped: 0 },
      Artifact: { mapped: 1, text: 0, skipped: 0 },
    });
    expect(validationErrors(r)).toEqual([]);
  });

  it('with hashes → a file object (hashes + attachment), named after the observable title; text bytes are base64-encoded', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-1"><cybox:Title>dropper.vbs</cybox:Title><cybox:Object id="example:art-1">
        <cybox:Properties xsi:type="ArtifactObj:ArtifactObjectType" type="File"><ArtifactObj:Hashes><cyboxCommon:Hash><cyboxCommon:Type>MD5</cyboxCommon:Type>
        <cyboxCommon:Simple_Hash_Value>0cc175b9c0f1b6a831c399e269772661</cyboxCommon:Simple_Hash_Value></cyboxCommon:Hash></ArtifactObj:Hashes>
        <ArtifactObj:Raw_Artifact>a</ArtifactObj:Raw_Artifact></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.objects.map((o) => [o.uuid, o.name, o.comment])).toEqual([[uuid('example:art-1'), 'file', 'Artifact artifact type File']]);
    expect(rows(r.objects[0])).toEqual([
      ['md5', 'md5', 'Payload delivery', '0cc175b9c0f1b6a831c399e269772661', true],
      ['attachment', 'attachment', 'Payload delivery', 'dropper.vbs', false],
    ]);
    expect(r.objects[0]?.Attribute[1]?.data).toBe('YQ==');
    expect(validationErrors(r)).toEqual([]);
  });
});

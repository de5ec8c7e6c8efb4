import { describe, expect, it } from 'vitest';
import { attr, mapCorpus, mapCorpusPackage, mapSnippet, rows, uuid, validationErrors } from '../../../../../test/support/observables';

const CTI = 'Cosive__cti-toolkit/tests/TEST-STIX-1.1.1.xml';
const PHISHING = 'STIXProject__schemas/samples/STIX Use Case Examples content/Phishing/STIX-CybOX_Phishing_Email_Structured_Output_Example(with_Attached_File_Artifact_Object_Included_by_Reference).xml';
const PHISHING_INDICATOR = 'STIXProject__schemas/samples/STIX Use Case Examples content/Phishing/STIX-Indicator_Phishing_Indicator_Example(with_Observables_Embedded_Inline).xml';

describe('EmailMessage', () => {
  it('one field → one attribute: the sender is email-src (cti-toolkit)', () => {
    const r = mapCorpus(CTI, 'cert_au:Observable-b6770e76-7f05-48cb-a3de-7ba5fece8751', { toIds: true });
    expect(r.attributes).toEqual([attr('cert_au:EmailMessage-999c5a34-e457-4e61-a81b-457788d8ee99', { type: 'email-src', category: 'Payload delivery', value: 'sender@domain.tld', to_ids: true })]);
  });

  it('sender and subject → an email object (AIS)', () => {
    const r = mapCorpus('STIXProject__python-stix/stix/test/extensions/marking/ais_test_files/stix_ais_19.xml', 'NCCIC:Observable-96b70099-cd38-4a17-b153-991017cdb098', { toIds: true });
    const id = 'NCCIC:Object-d6c7e8cf-4fb1-11e6-9f07-eccd6d4fa460';
    expect(r.objects).toEqual([
      {
        uuid: uuid(id),
        name: 'email',
        'meta-category': 'network',
        template_uuid: 'a0c666e0-fc65-4be8-b48f-3423d788b552',
        template_version: 19,
        Attribute: [
          { uuid: uuid(`${id}/from=vaughnallyson48145@tedata.net`), object_relation: 'from', type: 'email-src', category: 'Payload delivery', value: 'vaughnallyson48145@tedata.net', to_ids: true },
          { uuid: uuid(`${id}/subject=Insufficient Funds Transaction ID:29326907`), object_relation: 'subject', type: 'email-subject', category: 'Payload delivery', value: 'Insufficient Funds Transaction ID:29326907', to_ids: true },
        ],
      },
    ]);
  });

  it('an attachment: its file name and a reference to the File (cti-toolkit, attachment given by observable id)', () => {
    const r = mapCorpus(CTI, 'cert_au:Observable-31e5af27-2f71-4922-b49c-cfd3ddee2963', { toIds: true });
    expect(rows(r.objects[0])).toEqual([
      ['subject', 'email-subject', 'Payload delivery', 'Important project details', true],
      ['attachment', 'email-attachment', 'Payload delivery', 'project.doc', true],
    ]);
    expect(r.objects[0]?.ObjectReference?.map((x) => [x.relationship_type, x.referenced_uuid])).toEqual([['attachment', uuid('cert_au:File-ddbe8a61-266c-4c7d-9320-5dac46033814')]]);
  });

  it('a full structured e-mail: header fields, raw header and body, references to its attachment and links (CybOX phishing sample)', () => {
    const r = mapCorpus(PHISHING, 'example:observable-6f45ce72-30c8-11e2-8011-000c291a73d5');
    const email = r.objects[0];
    expect(r.objects).toHaveLength(1);
    expect(email?.uuid).toBe(uuid('example:object-8b319fb4-60a5-49f8-8fbc-68eb0ea12ef0'));
    expect(rows(email).map(([rel, type, cat, value]) => [rel, type, cat, value.split('\n')[0]])).toEqual([
      ['from', 'email-src', 'Payload delivery', 'jdoe@state.gov'],
      ['to', 'email-dst', 'Payload delivery', 'jsmith@gmail.com'],
      ['subject', 'email-subject', 'Payload delivery', 'Fw:Draft US-China Joint Statement'],
      ['message-id', 'email-message-id', 'Payload delivery', 'CAF=+=fCSNqaNnR=wom=Y6xP09r_wfKjsm0hvY3wJYTGEzGyPkw@mail.gmail.com'],
      ['send-date', 'datetime', 'Other', '2011-01-05T12:48:50+08:00'],
      ['x-mailer', 'email-x-mailer', 'Payload delivery', 'Microsoft CDO for Windows 2000'],
      ['header', 'email-header', 'Payload delivery', 'Content-Type: multipart/mixed; boundary=90e6ba10b0e7fbf25104cdd9ad08'],
      ['header', 'email-header', 'Payload delivery', 'MIME-Version: 1.0'],
      ['header', 'email-header', 'Payload delivery', 'Delivered-To: jsmith@gmail.com'],
      ['email-body', 'email-body', 'Payload delivery', "This is the latest version of State's joint statement. My understanding is"],
    ]);
    // The attachment and the links name objects this file never defines: no reference to them.
    expect(email?.ObjectReference?.map((x) => [x.relationship_type, x.referenced_uuid])).toEqual([
      ['contains', uuid('example:object-cb0ec4ad-4a39-4d4b-934b-72ff0563476f')],
      ['contains', uuid('example:object-1ba9f939-0c5a-421e-b59d-f8a6517f9018')],
      ['contains', uuid('example:object-fa7efe7f-e1b4-45de-ba7e-c6a7d625c9d8')],
    ]);
    expect(r.report.entries.filter((e) => e.code === 'unresolved-idref').map((e) => e.message)).toEqual([
      'EmailMessage attachment example:object-6dcae276-30c8-11e2-8011-000c291a73d5 is not defined in the package.',
      'EmailMessage link example:object-6dcb5fda-30c8-11e2-8011-000c291a73d5 is not defined in the package.',
      'EmailMessage link example:object-6ec9050e-30c8-11e2-8011-000c291a73d5 is not defined in the package.',
      'Related object example:object-afb6205d-4db6-44de-98d7-37a32ee4b012 is not defined in the package; no reference.',
    ]);
    // The references point at observables mapped on their own: valid in the event of the whole file.
    const all = mapCorpusPackage(PHISHING);
    expect(all.objects.find((o) => o.uuid === email?.uuid)?.ObjectReference).toEqual(email?.ObjectReference);
    expect(validationErrors(all)).toEqual([]);
  });

  it('CybOX 2.0 lists (stix_1.0_forcible.xml): three senders and two subjects', () => {
    const r = mapCorpus('STIXProject__stix-ramrod/samples/stix_1.0_forcible.xml', 'example:Obervable-298376a2-cf65-4778-9894-ed9a95b5441d');
    expect(rows(r.objects[0]).map(([rel, , , v]) => [rel, v])).toEqual([
      ['from', 'attacker@example.com'],
      ['from', 'attacker1@example.com'],
      ['from', 'attacker@bad.example.com'],
      ['subject', 'New modifications to the specification,Brad'],
      ['subject', 'Free Face Enlargement Pills!'],
    ]);
  });

  it('a sender domain pattern is from-domain; alone it is a domain attribute, not to_ids (phishing indicator)', () => {
    const r = mapCorpus(PHISHING_INDICATOR, 'example:Observable-Pattern-5f1dedd3-ece3-4007-94cd-7d52784c1474', { toIds: true });
    expect(r.attributes).toEqual([
      attr('example:Object-3a7aa9db-d082-447c-a422-293b78e24238', {
        type: 'domain',
        category: 'Payload delivery',
        value: 'state.gov',
        to_ids: false,
        comment: 'CybOX pattern: From Contains "@state.gov" | email from-domain',
      }),
    ]);
    // The inline related File (Contains) is mapped beside it; the e-mail is no object, so the relation is reported.
    expect(r.objects.map(rows)).toEqual([
      [
        ['size-in-bytes', 'size-in-bytes', 'Other', '87022', false],
        ['md5', 'md5', 'Payload delivery', 'cf2b3ad32a8a4cfb05e9dfc45875bd70', true],
        ['text', 'text', 'Other', 'File extension: pdf', false],
      ],
    ]);
    expect(r.objects[0]?.uuid).toBe(uuid('example:Object-3a7aa9db-d082-447c-a422-293b78e24238/related/0'));
    expect(r.report.entries.map((e) => e.code)).toEqual(['reference-dropped']);
  });

  it('reply-to, cc, X-Originating-IP, defanged sender', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-1"><cybox:Object id="example:em-1"><cybox:Properties xsi:type="EmailMessageObj:EmailMessageObjectType"><EmailMessageObj:Header>
        <EmailMessageObj:CC><EmailMessageObj:Recipient category="e-mail"><AddressObj:Address_Value>cc@example.org</AddressObj:Address_Value></EmailMessageObj:Recipient></EmailMessageObj:CC>
        <EmailMessageObj:From category="e-mail"><AddressObj:Address_Value>hmcbob[@]comcast.net</AddressObj:Address_Value></EmailMessageObj:From>
        <EmailMessageObj:Reply_To category="e-mail"><AddressObj:Address_Value>abscollen@hotmail.com</AddressObj:Address_Value></EmailMessageObj:Reply_To>
        <EmailMessageObj:X_Originating_IP category="ipv4-addr"><AddressObj:Address_Value>37.59.217.219</AddressObj:Address_Value></EmailMessageObj:X_Originating_IP>
        </EmailMessageObj:Header></cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(rows(r.objects[0])).toEqual([
      ['from', 'email-src', 'Payload delivery', 'hmcbob@comcast.net', true],
      ['cc', 'email-dst', 'Payload delivery', 'cc@example.org', true],
      ['reply-to', 'email-reply-to', 'Payload delivery', 'abscollen@hotmail.com', true],
      ['ip-src', 'ip-src', 'Payload delivery', '37.59.217.219', true],
    ]);
    expect(r.objects[0]?.Attribute[0]?.comment).toBe('refanged from "hmcbob[@]comcast.net"');
  });
});

import { describe, expect, it } from 'vitest';
import { mapSnippet, rows, uuid, validationErrors } from '../../../../../test/support/observables';

describe('X509Certificate', () => {
  it('→ x509 object; a SHA-1 certificate signature is the fingerprint MISP exports there', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-1"><cybox:Object id="example:cert-1"><cybox:Properties xsi:type="X509CertificateObj:X509CertificateObjectType">
        <X509CertificateObj:Certificate><X509CertificateObj:Version>3</X509CertificateObj:Version>
        <X509CertificateObj:Serial_Number>0a:1b:2c</X509CertificateObj:Serial_Number>
        <X509CertificateObj:Signature_Algorithm>sha256WithRSAEncryption</X509CertificateObj:Signature_Algorithm>
        <X509CertificateObj:Issuer>CN=Evil CA</X509CertificateObj:Issuer>
        <X509CertificateObj:Validity><X509CertificateObj:Not_Before>2014-01-01T00:00:00Z</X509CertificateObj:Not_Before><X509CertificateObj:Not_After>2015-01-01T00:00:00Z</X509CertificateObj:Not_After></X509CertificateObj:Validity>
        <X509CertificateObj:Subject>CN=login.evil.example</X509CertificateObj:Subject>
        <X509CertificateObj:Subject_Public_Key><X509CertificateObj:Public_Key_Algorithm>rsaEncryption</X509CertificateObj:Public_Key_Algorithm>
          <X509CertificateObj:RSA_Public_Key><X509CertificateObj:Modulus>00c3</X509CertificateObj:Modulus><X509CertificateObj:Exponent>65537</X509CertificateObj:Exponent></X509CertificateObj:RSA_Public_Key></X509CertificateObj:Subject_Public_Key>
        </X509CertificateObj:Certificate>
        <X509CertificateObj:Certificate_Signature><X509CertificateObj:Signature_Algorithm>SHA1</X509CertificateObj:Signature_Algorithm>
          <X509CertificateObj:Signature>DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09</X509CertificateObj:Signature></X509CertificateObj:Certificate_Signature>
        </cybox:Properties></cybox:Object></cybox:Observable>`, { toIds: true });
    expect(r.objects.map((o) => [o.uuid, o.name, o.template_version])).toEqual([[uuid('example:cert-1'), 'x509', 14]]);
    expect(rows(r.objects[0])).toEqual([
      ['version', 'text', 'Other', '3', false],
      ['serial-number', 'text', 'Other', '0a:1b:2c', false],
      ['signature_algorithm', 'text', 'Other', 'sha256WithRSAEncryption', false],
      ['issuer', 'text', 'Other', 'CN=Evil CA', false],
      ['subject', 'text', 'Other', 'CN=login.evil.example', false],
      ['validity-not-before', 'datetime', 'Other', '2014-01-01T00:00:00Z', false],
      ['validity-not-after', 'datetime', 'Other', '2015-01-01T00:00:00Z', false],
      ['pubkey-info-algorithm', 'text', 'Other', 'rsaEncryption', false],
      ['pubkey-info-modulus', 'text', 'Other', '00c3', false],
      ['pubkey-info-exponent', 'text', 'Other', '65537', false],
      ['x509-fingerprint-sha1', 'x509-fingerprint-sha1', 'Network activity', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', true],
    ]);
    expect(validationErrors(r)).toEqual([]);
  });

  it('a certificate with neither serial, issuer nor fingerprint falls back to loose attributes', () => {
    const r = mapSnippet(`<cybox:Observable id="example:Observable-2"><cybox:Object id="example:cert-2"><cybox:Properties xsi:type="X509CertificateObj:X509CertificateObjectType">
        <X509CertificateObj:Certificate><X509CertificateObj:Subject>CN=only.subject.example</X509CertificateObj:Subject></X509CertificateObj:Certificate></cybox:Properties></cybox:Object></cybox:Observable>`);
    expect(r.objects).toEqual([]);
    expect(r.attributes).toEqual([
      { uuid: uuid('example:cert-2'), type: 'text', category: 'Other', value: 'CN=only.subject.example', to_ids: false, comment: 'x509 subject' },
    ]);
  });
});

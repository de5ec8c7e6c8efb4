/**
 * X509Certificate → `x509` object: version, serial number, signature algorithm, issuer, subject, validity,
 * public key (algorithm, RSA modulus and exponent), raw certificate (PEM or base64), and the
 * Certificate_Signature as `x509-fingerprint-<alg>` when its algorithm and length say it is one (that is how
 * MISP's exporter writes fingerprints), else as text.
 */
import type { GenericElement } from '../../../stix/model/types';
import { describeVal, type Emitter } from './emit';

const FINGERPRINT: Readonly<Record<string, { relation: string; length: number }>> = {
  md5: { relation: 'x509-fingerprint-md5', length: 32 },
  sha1: { relation: 'x509-fingerprint-sha1', length: 40 },
  sha256: { relation: 'x509-fingerprint-sha256', length: 64 },
};

export function mapX509Certificate(props: GenericElement, em: Emitter): void {
  const draft = em.object('x509');
  const cert = em.path(props, 'Certificate');
  const one = (relation: string, ...path: string[]): void => draft.addAll(relation, em.readAt(cert, path[path.length - 1], ...path));
  one('version', 'Version');
  one('serial-number', 'Serial_Number');
  one('signature_algorithm', 'Signature_Algorithm');
  one('issuer', 'Issuer');
  one('subject', 'Subject');
  one('validity-not-before', 'Validity', 'Not_Before');
  one('validity-not-after', 'Validity', 'Not_After');
  one('pubkey-info-algorithm', 'Subject_Public_Key', 'Public_Key_Algorithm');
  one('pubkey-info-modulus', 'Subject_Public_Key', 'RSA_Public_Key', 'Modulus');
  one('pubkey-info-exponent', 'Subject_Public_Key', 'RSA_Public_Key', 'Exponent');
  const texts: string[] = [];
  for (const ext of em.path(cert, 'Standard_Extensions')?.children ?? []) {
    for (const v of em.read(ext)) texts.push(describeVal(ext.name.replace(/_/g, ' '), v));
  }
  for (const v of em.readAt(props, 'Raw_Certificate', 'Raw_Certificate')) {
    draft.add(v.value.includes('-----BEGIN') ? 'pem' : 'raw-base64', v);
  }
  const sig = em.path(props, 'Certificate_Signature');
  const alg = (em.rawAt(sig, 'Signature_Algorithm') ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const v of em.readAt(sig, 'Signature', 'Signature')) {
    const fp = FINGERPRINT[alg];
    const hex = v.value.replace(/:/g, '');
    if (fp && hex.length === fp.length && /^[0-9a-f]+$/i.test(hex)) draft.add(fp.relation, v);
    else texts.push(describeVal(`Signature${alg ? ` (${alg})` : ''}`, v));
  }
  if (texts.length > 0) draft.add('text', { value: texts.join('\n'), exact: false, notes: [], field: 'X509 details' });
  draft.emit();
}

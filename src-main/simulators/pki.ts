/**
 * Certificates made on the spot (nothing private is ever committed or shipped): a CA, server certificates for
 * 127.0.0.1 and localhost, and client certificates for mutual TLS — for the tests and for `flare-misp demo --mtls`.
 * Keys come from node:crypto (fast, native); node-forge (a runtime dependency) builds and signs the certificates.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface KeyAndCert {
  /** PEM */
  key: string;
  /** PEM */
  cert: string;
}

export interface Pki {
  ca: KeyAndCert;
  /** For 127.0.0.1 / localhost, signed by `ca`. */
  server: KeyAndCert;
  /** A client certificate signed by `ca`. */
  client: KeyAndCert;
}

function rsaKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), pem };
}

interface CertSpec {
  commonName: string;
  organization: string;
  isCa?: boolean;
  serverNames?: { dns: string[]; ips: string[] };
  clientAuth?: boolean;
  issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey };
  /** Days of validity from yesterday (negative: already expired). */
  days?: number;
}

function makeCert(spec: CertSpec): KeyAndCert & { forgeCert: forge.pki.Certificate; forgeKey: forge.pki.rsa.PrivateKey } {
  const keys = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  const from = new Date(Date.now() - 24 * 3600 * 1000);
  const to = new Date(from.getTime() + (spec.days ?? 30) * 24 * 3600 * 1000);
  cert.validity.notBefore = spec.days !== undefined && spec.days < 0 ? new Date(to.getTime() - 48 * 3600 * 1000) : from;
  cert.validity.notAfter = to;
  const subject = [{ name: 'commonName', value: spec.commonName }, { name: 'organizationName', value: spec.organization }];
  cert.setSubject(subject);
  cert.setIssuer(spec.issuer ? spec.issuer.cert.subject.attributes : subject);
  const extensions: Array<Record<string, unknown>> = [
    { name: 'basicConstraints', cA: spec.isCa === true, critical: spec.isCa === true },
    { name: 'keyUsage', keyCertSign: spec.isCa === true, cRLSign: spec.isCa === true, digitalSignature: true, keyEncipherment: spec.isCa !== true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (spec.serverNames) {
    extensions.push({ name: 'extKeyUsage', serverAuth: true });
    extensions.push({
      name: 'subjectAltName',
      altNames: [...spec.serverNames.dns.map((value) => ({ type: 2, value })), ...spec.serverNames.ips.map((ip) => ({ type: 7, ip }))],
    });
  }
  if (spec.clientAuth) extensions.push({ name: 'extKeyUsage', clientAuth: true });
  cert.setExtensions(extensions);
  cert.sign(spec.issuer?.key ?? keys.privateKey, forge.md.sha256.create());
  return { key: keys.pem, cert: forge.pki.certificateToPem(cert), forgeCert: cert, forgeKey: keys.privateKey };
}

/** A CA and what it signs; every certificate names `organization`. */
export class CertificateAuthority {
  readonly key: string;
  readonly cert: string;
  private readonly issuer: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey };

  constructor(
    commonName: string,
    readonly organization: string,
  ) {
    const made = makeCert({ commonName, organization, isCa: true, days: 365 });
    this.key = made.key;
    this.cert = made.cert;
    this.issuer = { cert: made.forgeCert, key: made.forgeKey };
  }

  /** A server certificate, by default for localhost and 127.0.0.1, valid 30 days (negative `days`: expired). */
  serverCert(options: { dns?: string[]; ips?: string[]; days?: number } = {}): KeyAndCert {
    const made = makeCert({
      commonName: options.dns?.[0] ?? 'localhost',
      organization: this.organization,
      serverNames: { dns: options.dns ?? ['localhost'], ips: options.ips ?? ['127.0.0.1'] },
      issuer: this.issuer,
      ...(options.days !== undefined ? { days: options.days } : {}),
    });
    return { key: made.key, cert: made.cert };
  }

  clientCert(commonName = 'flare-misp-client'): KeyAndCert {
    const made = makeCert({ commonName, organization: this.organization, clientAuth: true, issuer: this.issuer });
    return { key: made.key, cert: made.cert };
  }
}

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate, all fresh. */
export function createPki(ca: CertificateAuthority): Pki {
  return { ca: { key: ca.key, cert: ca.cert }, server: ca.serverCert(), client: ca.clientCert() };
}

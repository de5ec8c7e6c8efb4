/**
 * The TLS side of a TAXII connection, prepared once per transport: which CAs we trust for the server, and which
 * client certificate we present. Everything is checked up front so that a wrong passphrase or a key that does not
 * match its certificate is reported as such, not as a failed handshake.
 *
 * - Trust: Node's bundled root store plus the configured CA file (`flare.taxii.ca`), passed explicitly. Process-wide
 *   variables such as NODE_EXTRA_CA_CERTS are never relied on (they apply to every connection of the process).
 *   Verification cannot be switched off.
 * - Client certificate: PEM certificate + key (the key may be encrypted; then the passphrase is needed), or a
 *   PKCS#12 file, read by core/net/pkcs12.ts (shared with the headless service's HTTPS key store): OpenSSL
 *   first, node-forge for the legacy algorithms Node 20's OpenSSL 3 refuses (RC2-40, 3DES). The debug log says
 *   which reader was used.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import tls from 'node:tls';
import type { Logger } from '../log/types';
import { pkcs12PasswordError, readPkcs12 as readPkcs12File, type Pkcs12Labels } from '../net/pkcs12';
import { TaxiiCredentialsError } from './errors';

export interface TlsMaterial {
  /** Extra trusted CA certificates (PEM, or one DER certificate). Added to Node's bundled root store. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Client certificate (PEM; may hold the chain). */
  cert?: string | Buffer;
  /** Client private key (PEM, possibly encrypted). */
  key?: string | Buffer;
  /** Client certificate and key as PKCS#12. */
  pfx?: Buffer;
  /** Passphrase of the encrypted PEM key, or password of the PKCS#12 file. */
  passphrase?: string;
  /** Where `pfx` was read from: named in errors (this module reads no file). */
  pfxFile?: string;
}

export interface ClientCertificateInfo {
  format: 'pem' | 'pkcs12';
  /** Who read the file: OpenSSL (through node:tls) or node-forge (legacy PKCS#12). */
  reader: 'openssl' | 'node-forge';
  subject?: string;
  issuer?: string;
  /** ISO date. */
  notAfter?: string;
  expired?: boolean;
  /** The key's algorithm as Node names it: `rsa`, `ec`, `ed25519`, … */
  keyType?: string;
  /** For an EC key, its curve (`prime256v1` is P-256). */
  curve?: string;
}

export interface PreparedTls {
  secureContext: tls.SecureContext;
  clientCertificate?: ClientCertificateInfo;
  /** Number of CA certificates added to the bundled store. */
  customCaCount: number;
  /** The whole trust list (bundled roots + the extra CAs) when extra CAs were given; also used for an https:// proxy. */
  ca?: string[];
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEYSTORE_HINT = 'Check client.ssl.key-store and its password (client.ssl.key-store-password or FLARE_TAXII_KEYSTORE_PASSWORD).';

export function prepareTls(material: TlsMaterial, log: Logger): PreparedTls {
  const options: tls.SecureContextOptions = {};
  let customCaCount = 0;
  if (material.ca !== undefined) {
    const extra = (Array.isArray(material.ca) ? material.ca : [material.ca]).flatMap(caCertificates);
    customCaCount = extra.length;
    options.ca = [...tls.rootCertificates, ...extra];
  }

  let clientCertificate: ClientCertificateInfo | undefined;
  if (material.pfx !== undefined) {
    const read = readPkcs12(material.pfx, material.passphrase, material.pfxFile, log);
    Object.assign(options, read.options);
    clientCertificate = read.info;
  } else if (material.cert !== undefined || material.key !== undefined) {
    if (material.cert === undefined || material.key === undefined) {
      throw new TaxiiCredentialsError(
        'taxii_client_credentials',
        `A client ${material.cert === undefined ? 'key' : 'certificate'} was given without its ${material.cert === undefined ? 'certificate' : 'key'}.`,
        'Set both flare.taxii.client.cert and flare.taxii.client.key.',
      );
    }
    checkPemPair(material.cert, material.key, material.passphrase);
    options.cert = material.cert;
    options.key = material.key;
    if (material.passphrase !== undefined) options.passphrase = material.passphrase;
    clientCertificate = { format: 'pem', reader: 'openssl', ...describePem(material.cert) };
  }

  let secureContext: tls.SecureContext;
  try {
    secureContext = tls.createSecureContext(options);
  } catch (e) {
    throw credentialsError(e, material.pfx !== undefined ? 'pkcs12' : 'pem', material.passphrase !== undefined, material.pfxFile);
  }
  if (clientCertificate) {
    log.debug(
      `Client certificate: ${clientCertificate.format === 'pkcs12' ? 'PKCS#12' : 'PEM'} read by ${clientCertificate.reader === 'node-forge' ? 'node-forge (OpenSSL 3 refused its legacy algorithms)' : 'OpenSSL (node:tls)'}` +
        `${clientCertificate.subject ? `; subject ${clientCertificate.subject}` : ''}${clientCertificate.notAfter ? `, valid until ${clientCertificate.notAfter}` : ''}` +
        `${clientCertificate.keyType ? `; ${clientCertificate.keyType.toUpperCase()} key${clientCertificate.curve ? ` (${clientCertificate.curve})` : ''}` : ''}`,
    );
    if (clientCertificate.expired) log.warn(`The client certificate expired on ${clientCertificate.notAfter}: TAXII servers will reject it.`);
  }
  if (customCaCount) log.debug(`Trusting ${customCaCount} extra CA certificate${customCaCount === 1 ? '' : 's'} for the TAXII server`);
  return {
    secureContext,
    customCaCount,
    ...(clientCertificate ? { clientCertificate } : {}),
    ...(Array.isArray(options.ca) ? { ca: options.ca as string[] } : {}),
  };
}

/** The CA certificates in a PEM bundle (or a single DER certificate), as PEM strings. */
function caCertificates(input: string | Buffer): string[] {
  const text = typeof input === 'string' ? input : input.toString('latin1');
  const pems = text.match(PEM_CERT) ?? [];
  const out: string[] = [];
  if (pems.length === 0 && typeof input !== 'string') {
    try {
      out.push(new X509Certificate(input).toString());
    } catch {
      /* reported below */
    }
  }
  for (const pem of pems) {
    try {
      new X509Certificate(pem);
      out.push(pem);
    } catch {
      /* a damaged block: reported below when nothing usable is left */
    }
  }
  if (out.length === 0) {
    throw new TaxiiCredentialsError('taxii_ca_file', 'The TAXII CA file holds no readable certificate.', 'flare.taxii.ca must name a PEM file with the CA certificate(s) that signed the TAXII server certificate.');
  }
  return out;
}

function isEncryptedPem(key: string | Buffer): boolean {
  const text = typeof key === 'string' ? key : key.toString('latin1');
  return text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type:\s*4,ENCRYPTED/.test(text);
}

function checkPemPair(cert: string | Buffer, key: string | Buffer, passphrase: string | undefined): void {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new TaxiiCredentialsError('taxii_client_credentials', 'The client certificate file is not a readable PEM certificate.', 'flare.taxii.client.cert must name the PEM certificate (-----BEGIN CERTIFICATE-----) the feed provider issued.');
  }
  if (isEncryptedPem(key) && passphrase === undefined) {
    throw new TaxiiCredentialsError('taxii_client_credentials', 'The client key is encrypted and no passphrase is configured.', 'Set flare.taxii.client.key.passphrase (or FLARE_TAXII_KEY_PASSPHRASE).');
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(passphrase === undefined ? { key } : { key, passphrase });
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (isEncryptedPem(key) || /BAD_DECRYPT|INTERRUPTED_OR_CANCELLED|MISSING_PASSPHRASE/.test(code)) {
      throw new TaxiiCredentialsError('taxii_client_credentials', 'The client key could not be decrypted: the passphrase is wrong.', 'Check flare.taxii.client.key.passphrase (or FLARE_TAXII_KEY_PASSPHRASE).');
    }
    throw new TaxiiCredentialsError('taxii_client_credentials', 'The client key file is not a readable PEM private key.', 'flare.taxii.client.key must name the PEM private key (-----BEGIN … PRIVATE KEY-----) of the client certificate.');
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new TaxiiCredentialsError('taxii_client_credentials', 'The client key does not belong to the client certificate.', 'flare.taxii.client.cert and flare.taxii.client.key must be the certificate and the key that were issued together.');
  }
}

function describePem(cert: string | Buffer): Omit<ClientCertificateInfo, 'format' | 'reader'> {
  try {
    const x = new X509Certificate(cert);
    const notAfter = new Date(x.validTo);
    return { subject: oneLine(x.subject), issuer: oneLine(x.issuer), notAfter: notAfter.toISOString(), expired: notAfter.getTime() < Date.now(), ...describeKey(x.publicKey) };
  } catch {
    return {};
  }
}

function describeKey(key: KeyObject): Pick<ClientCertificateInfo, 'keyType' | 'curve'> {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return { ...(key.asymmetricKeyType ? { keyType: key.asymmetricKeyType } : {}), ...(curve ? { curve } : {}) };
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

/** How the shared PKCS#12 reader (core/net/pkcs12.ts) names the TAXII client key store. */
const CLIENT_KEY_STORE: Pkcs12Labels = {
  store: 'client key store',
  fileKey: 'client.ssl.key-store',
  defaultFile: 'client.p12',
  hint: KEYSTORE_HINT,
  passwordHint: 'Set client.ssl.key-store-password (or FLARE_TAXII_KEYSTORE_PASSWORD) to the key store’s password.',
  error: (message, hint, detail) => new TaxiiCredentialsError('taxii_client_credentials', message, hint, detail),
};

function readPkcs12(pfx: Buffer, password: string | undefined, file: string | undefined, log: Logger): { options: tls.SecureContextOptions; info: ClientCertificateInfo } {
  const read = readPkcs12File(pfx, password, file, CLIENT_KEY_STORE, log);
  return { options: read.options, info: { format: 'pkcs12', reader: read.reader, ...(read.certPem !== undefined ? describePem(read.certPem) : {}) } };
}

/** Errors from tls.createSecureContext, for what checkPemPair/readPkcs12 did not catch. */
function credentialsError(e: unknown, format: 'pem' | 'pkcs12', hasPassphrase: boolean, file: string | undefined): TaxiiCredentialsError {
  const message = e instanceof Error ? e.message : String(e);
  if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(message)) {
    return new TaxiiCredentialsError('taxii_client_credentials', 'The client key does not belong to the client certificate.', 'Use the certificate and key that were issued together.');
  }
  if (/bad decrypt|mac verify/i.test(message)) {
    return format === 'pkcs12'
      ? (pkcs12PasswordError(hasPassphrase ? '' : undefined, file, CLIENT_KEY_STORE) as TaxiiCredentialsError)
      : new TaxiiCredentialsError('taxii_client_credentials', 'The client key could not be decrypted: the passphrase is wrong.', 'Check flare.taxii.client.key.passphrase.');
  }
  return new TaxiiCredentialsError('taxii_client_credentials', `The client certificate or key could not be used (${message}).`, format === 'pkcs12' ? KEYSTORE_HINT : 'Check flare.taxii.client.cert and flare.taxii.client.key.');
}

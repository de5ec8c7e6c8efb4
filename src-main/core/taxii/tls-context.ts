/**
 * The TLS side of a TAXII connection, prepared once per transport: which CAs we trust for the server, and which
 * client certificate we present. Everything is checked up front so that a wrong passphrase or a key that does not
 * match its certificate is reported as such, not as a failed handshake.
 *
 * - Trust: Node's bundled root store plus the configured CA file (`flare.taxii.ca`), passed explicitly. Process-wide
 *   variables such as NODE_EXTRA_CA_CERTS are never relied on (they apply to every connection of the process).
 *   Verification cannot be switched off.
 * - Client certificate: PEM certificate + key (the key may be encrypted; then the passphrase is needed), or a
 *   PKCS#12 file. Node 20's OpenSSL 3 refuses PKCS#12 files protected with the legacy algorithms (RC2-40, 3DES:
 *   `openssl pkcs12 -export -legacy`, OpenSSL 1.x, older Java keytool) with "Unsupported PKCS12 PFX data"; those
 *   are read with node-forge instead and handed to OpenSSL as PEM. The debug log says which reader was used.
 *   node-forge decodes only RSA keys itself; for other keys (EC) it hands over the decrypted PKCS#8 structure,
 *   which Node's crypto reads. What neither can read is reported with the `openssl` command that re-exports the
 *   file with modern encryption.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import tls from 'node:tls';
import forge from 'node-forge';
import type { Logger } from '../log/types';
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

function readPkcs12(pfx: Buffer, password: string | undefined, file: string | undefined, log: Logger): { options: tls.SecureContextOptions; info: ClientCertificateInfo } {
  try {
    tls.createSecureContext(password === undefined ? { pfx } : { pfx, passphrase: password });
    const info: ClientCertificateInfo = { format: 'pkcs12', reader: 'openssl' };
    try {
      Object.assign(info, describePem(forgePkcs12(pfx, password, file).cert));
    } catch {
      /* the description is a nicety */
    }
    return { options: password === undefined ? { pfx } : { pfx, passphrase: password }, info };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/mac verify failure/i.test(message)) throw pkcs12PasswordError(password, file);
    if (!/Unsupported PKCS12 PFX data/i.test(message) && (e as { code?: string }).code !== 'ERR_CRYPTO_UNSUPPORTED_OPERATION') {
      throw new TaxiiCredentialsError('taxii_client_credentials', `The client key store ${keyStoreName(file)} is not a readable PKCS#12 file (${message}).`, KEYSTORE_HINT, fileDetail(file));
    }
    log.debug('OpenSSL refused the PKCS#12 file (legacy algorithms such as RC2-40/3DES); reading it with node-forge');
  }
  const pem = forgePkcs12(pfx, password, file);
  return { options: { cert: pem.cert, key: pem.key }, info: { format: 'pkcs12', reader: 'node-forge', ...describePem(pem.cert) } };
}

function keyStoreName(file: string | undefined): string {
  return file === undefined ? '(PKCS#12)' : `${file} (PKCS#12)`;
}

function fileDetail(file: string | undefined): Record<string, unknown> | undefined {
  return file === undefined ? undefined : { file };
}

function pkcs12PasswordError(password: string | undefined, file: string | undefined): TaxiiCredentialsError {
  return new TaxiiCredentialsError(
    'taxii_client_credentials',
    password === undefined ? `The client key store ${keyStoreName(file)} needs a password, and none is configured.` : `The password of the client key store ${keyStoreName(file)} is wrong.`,
    'Set client.ssl.key-store-password (or FLARE_TAXII_KEYSTORE_PASSWORD) to the key store’s password.',
    fileDetail(file),
  );
}

/**
 * The way out when a legacy key store cannot be read: re-encrypt it with OpenSSL 3's defaults (AES-256-CBC,
 * PBKDF2, SHA-256 MAC), which Node reads natively. Two steps because `openssl pkcs12 -export` reads its input
 * twice (key, then certificates) and so cannot take it from a pipe; the intermediate PEM keeps the key encrypted.
 */
function reexportCommands(file: string | undefined): { command: string; intermediate: string; output: string } {
  const from = file ?? 'client.p12';
  const stem = /\.(p12|pfx)$/i.test(from) ? from.replace(/\.(p12|pfx)$/i, '') : from;
  const intermediate = `${stem}-tmp.pem`;
  const output = `${stem}-aes.p12`;
  return { command: `openssl pkcs12 -legacy -in "${from}" -out "${intermediate}" && openssl pkcs12 -export -in "${intermediate}" -out "${output}"`, intermediate, output };
}

function legacyError(what: string, file: string | undefined, cause: unknown): TaxiiCredentialsError {
  const { command, intermediate, output } = reexportCommands(file);
  return new TaxiiCredentialsError(
    'taxii_client_credentials',
    `The client key store ${keyStoreName(file)} uses legacy encryption that OpenSSL 3 refuses, and the fallback reader could not use it either: ${what}.`,
    `Re-export it with modern encryption (AES-256): ${command} — OpenSSL asks for the old password, a temporary pass phrase for ${intermediate} (twice, then once more), and the new password. ` +
      `Then set client.ssl.key-store to ${output} and its password, and delete ${intermediate}. (With OpenSSL 1.1, leave out -legacy.)`,
    { ...fileDetail(file), cause: cause instanceof Error ? cause.message : String(cause) },
  );
}

/**
 * Reads a PKCS#12 file with node-forge: the private key and the certificate that goes with it (then the rest of the
 * chain), as PEM. forge decodes RSA keys itself; any other key (EC) it leaves as the decrypted PKCS#8 ASN.1, which
 * goes to Node's crypto as DER: Node reads every key type its OpenSSL knows, and checks the key on the way.
 */
function forgePkcs12(pfx: Buffer, password: string | undefined, file: string | undefined): { key: string; cert: string } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(pfx.toString('binary')), false, password ?? '');
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/password/i.test(message)) throw pkcs12PasswordError(password, file);
    // OpenSSL already recognised a PKCS#12 file with algorithms it refuses. forge decrypts RC2, 3DES and PBES2
    // (AES), not RC4 and other old ciphers ("Unsupported OID"): re-encrypting the file is the way out.
    throw legacyError(/Unsupported OID/i.test(message) ? `its encryption algorithm is not supported (${message})` : message, file, e);
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const keyBag = keyBags.find((b) => b.key || b.asn1);
  if (!keyBag) throw new TaxiiCredentialsError('taxii_client_credentials', `The client key store ${keyStoreName(file)} holds no private key.`, KEYSTORE_HINT, fileDetail(file));
  let privateKey: KeyObject;
  try {
    privateKey = keyBag.key
      ? createPrivateKey(forge.pki.privateKeyToPem(keyBag.key))
      : createPrivateKey({ key: Buffer.from(forge.asn1.toDer(keyBag.asn1 as forge.asn1.Asn1).getBytes(), 'binary'), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw legacyError(`its ${keyAlgorithm(keyBag.key ? undefined : keyBag.asn1)} private key could not be read`, file, e);
  }
  const certPems: string[] = [];
  for (const b of certBags) {
    // forge decodes only certificates with RSA keys; an EC certificate comes back as its ASN.1.
    const der = b.cert ? forge.asn1.toDer(forge.pki.certificateToAsn1(b.cert)).getBytes() : b.asn1 ? forge.asn1.toDer(b.asn1 as forge.asn1.Asn1).getBytes() : undefined;
    if (der === undefined) continue;
    try {
      certPems.push(new X509Certificate(Buffer.from(der, 'binary')).toString());
    } catch (e) {
      throw legacyError('one of its certificates could not be read', file, e);
    }
  }
  if (certPems.length === 0) throw new TaxiiCredentialsError('taxii_client_credentials', `The client key store ${keyStoreName(file)} holds no certificate.`, KEYSTORE_HINT, fileDetail(file));
  // The client certificate is the one that matches the private key; the others are its chain.
  const leaf =
    certPems.find((pem) => {
      try {
        return new X509Certificate(pem).checkPrivateKey(privateKey);
      } catch {
        return false; // a certificate for another key type
      }
    }) ?? certPems[0]!;
  // PKCS#8 PEM whatever the key type: one form OpenSSL takes for RSA and EC alike.
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { key, cert: [leaf, ...certPems.filter((c) => c !== leaf)].join('') };
}

/** The key algorithm named by a PKCS#8 PrivateKeyInfo as forge left it, for the error message (no key material). */
function keyAlgorithm(asn1: unknown): string {
  if (asn1 === undefined) return 'RSA';
  try {
    const fields = (asn1 as forge.asn1.Asn1).value as forge.asn1.Asn1[];
    const algorithm = (fields[1]?.value as forge.asn1.Asn1[] | undefined)?.[0];
    const oid = forge.asn1.derToOid(algorithm?.value as string);
    return ({ '1.2.840.10045.2.1': 'EC', '1.2.840.113549.1.1.1': 'RSA', '1.3.101.112': 'Ed25519' } as Record<string, string>)[oid] ?? `(algorithm ${oid})`;
  } catch {
    return 'unknown';
  }
}

/** Errors from tls.createSecureContext, for what checkPemPair/readPkcs12 did not catch. */
function credentialsError(e: unknown, format: 'pem' | 'pkcs12', hasPassphrase: boolean, file: string | undefined): TaxiiCredentialsError {
  const message = e instanceof Error ? e.message : String(e);
  if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(message)) {
    return new TaxiiCredentialsError('taxii_client_credentials', 'The client key does not belong to the client certificate.', 'Use the certificate and key that were issued together.');
  }
  if (/bad decrypt|mac verify/i.test(message)) {
    return format === 'pkcs12'
      ? pkcs12PasswordError(hasPassphrase ? '' : undefined, file)
      : new TaxiiCredentialsError('taxii_client_credentials', 'The client key could not be decrypted: the passphrase is wrong.', 'Check flare.taxii.client.key.passphrase.');
  }
  return new TaxiiCredentialsError('taxii_client_credentials', `The client certificate or key could not be used (${message}).`, format === 'pkcs12' ? KEYSTORE_HINT : 'Check flare.taxii.client.cert and flare.taxii.client.key.');
}

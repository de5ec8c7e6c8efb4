/**
 * Reading PKCS#12 key stores, for the TAXII client certificate (taxii/tls-context.ts) and the headless service's
 * HTTPS certificate and trust store (headless/tls.ts) alike.
 *
 * Node 20's OpenSSL 3 refuses PKCS#12 files protected with the legacy algorithms (RC2-40, 3DES:
 * `openssl pkcs12 -export -legacy`, OpenSSL 1.x, older Java keytool) with "Unsupported PKCS12 PFX data"; those
 * are read with node-forge instead and handed to OpenSSL as PEM. node-forge decodes only RSA keys itself; for other
 * keys (EC) it hands over the decrypted PKCS#8 structure, which Node's crypto reads. What neither can read is
 * reported with the `openssl` command that re-exports the file with modern encryption.
 *
 * The sentences name the store the way its caller's configuration does (`Pkcs12Labels`): "the client key store …
 * set client.ssl.key-store", "the server key store … set server.ssl.key-store".
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import tls from 'node:tls';
import forge from 'node-forge';
import type { Logger } from '../log/types';

export interface Pkcs12Labels {
  /** What the store is, in a sentence: `client key store`. */
  store: string;
  /** The key that names the file, for the re-export advice: `client.ssl.key-store`. */
  fileKey: string;
  /** The file name used in the advice when the file is not known. */
  defaultFile: string;
  /** What to check when the store cannot be used. */
  hint: string;
  /** What to set when the password is missing or wrong. */
  passwordHint: string;
  /** The caller's error type. */
  error(message: string, hint: string, detail?: Record<string, unknown>): Error;
}

export interface Pkcs12Read {
  /** For tls.createSecureContext / https.createServer: the file itself (OpenSSL read it) or PEM (node-forge did). */
  options: { pfx: Buffer; passphrase?: string } | { cert: string; key: string };
  reader: 'openssl' | 'node-forge';
  /** The certificate that matches the key, then the rest of the chain (PEM), when it could be read. */
  certPem?: string;
}

/** The certificate and key of a PKCS#12 file, checked up front so a wrong password is reported as such. */
export function readPkcs12(pfx: Buffer, password: string | undefined, file: string | undefined, labels: Pkcs12Labels, log: Logger): Pkcs12Read {
  try {
    tls.createSecureContext(password === undefined ? { pfx } : { pfx, passphrase: password });
    let certPem: string | undefined;
    try {
      certPem = forgePkcs12(pfx, password, file, labels).cert;
    } catch {
      /* the description is a nicety */
    }
    return { options: password === undefined ? { pfx } : { pfx, passphrase: password }, reader: 'openssl', ...(certPem !== undefined && { certPem }) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/mac verify failure/i.test(message)) throw pkcs12PasswordError(password, file, labels);
    if (!/Unsupported PKCS12 PFX data/i.test(message) && (e as { code?: string }).code !== 'ERR_CRYPTO_UNSUPPORTED_OPERATION') {
      throw labels.error(`The ${labels.store} ${keyStoreName(file)} is not a readable PKCS#12 file (${message}).`, labels.hint, fileDetail(file));
    }
    log.debug('OpenSSL refused the PKCS#12 file (legacy algorithms such as RC2-40/3DES); reading it with node-forge');
  }
  const pem = forgePkcs12(pfx, password, file, labels);
  return { options: { cert: pem.cert, key: pem.key }, reader: 'node-forge', certPem: pem.cert };
}

/**
 * Every certificate of a PKCS#12 file, as PEM: a trust store (Java keytool writes CA certificates as certificate
 * bags without a key, which OpenSSL's `pfx` option cannot take). Read with node-forge, modern and legacy alike.
 */
export function pkcs12Certificates(pfx: Buffer, password: string | undefined, file: string | undefined, labels: Pkcs12Labels): string[] {
  const p12 = openPfx(pfx, password, file, labels);
  const out = certificatesOf(p12, file, labels);
  if (out.length === 0) throw labels.error(`The ${labels.store} ${keyStoreName(file)} holds no certificate.`, labels.hint, fileDetail(file));
  return out;
}

export function keyStoreName(file: string | undefined): string {
  return file === undefined ? '(PKCS#12)' : `${file} (PKCS#12)`;
}

function fileDetail(file: string | undefined): Record<string, unknown> | undefined {
  return file === undefined ? undefined : { file };
}

export function pkcs12PasswordError(password: string | undefined, file: string | undefined, labels: Pkcs12Labels): Error {
  return labels.error(
    password === undefined ? `The ${labels.store} ${keyStoreName(file)} needs a password, and none is configured.` : `The password of the ${labels.store} ${keyStoreName(file)} is wrong.`,
    labels.passwordHint,
    fileDetail(file),
  );
}

/**
 * The way out when a legacy key store cannot be read: re-encrypt it with OpenSSL 3's defaults (AES-256-CBC,
 * PBKDF2, SHA-256 MAC), which Node reads natively. Two steps because `openssl pkcs12 -export` reads its input
 * twice (key, then certificates) and so cannot take it from a pipe; the intermediate PEM keeps the key encrypted.
 */
function reexportCommands(file: string | undefined, labels: Pkcs12Labels): { command: string; intermediate: string; output: string } {
  const from = file ?? labels.defaultFile;
  const stem = /\.(p12|pfx)$/i.test(from) ? from.replace(/\.(p12|pfx)$/i, '') : from;
  const intermediate = `${stem}-tmp.pem`;
  const output = `${stem}-aes.p12`;
  return { command: `openssl pkcs12 -legacy -in "${from}" -out "${intermediate}" && openssl pkcs12 -export -in "${intermediate}" -out "${output}"`, intermediate, output };
}

function legacyError(what: string, file: string | undefined, cause: unknown, labels: Pkcs12Labels): Error {
  const { command, intermediate, output } = reexportCommands(file, labels);
  return labels.error(
    `The ${labels.store} ${keyStoreName(file)} uses legacy encryption that OpenSSL 3 refuses, and the fallback reader could not use it either: ${what}.`,
    `Re-export it with modern encryption (AES-256): ${command} — OpenSSL asks for the old password, a temporary pass phrase for ${intermediate} (twice, then once more), and the new password. ` +
      `Then set ${labels.fileKey} to ${output} and its password, and delete ${intermediate}. (With OpenSSL 1.1, leave out -legacy.)`,
    { ...fileDetail(file), cause: cause instanceof Error ? cause.message : String(cause) },
  );
}

function openPfx(pfx: Buffer, password: string | undefined, file: string | undefined, labels: Pkcs12Labels): forge.pkcs12.Pkcs12Pfx {
  try {
    return forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(pfx.toString('binary')), false, password ?? '');
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/password/i.test(message)) throw pkcs12PasswordError(password, file, labels);
    // OpenSSL already recognised a PKCS#12 file with algorithms it refuses. forge decrypts RC2, 3DES and PBES2
    // (AES), not RC4 and other old ciphers ("Unsupported OID"): re-encrypting the file is the way out.
    throw legacyError(/Unsupported OID/i.test(message) ? `its encryption algorithm is not supported (${message})` : message, file, e, labels);
  }
}

function certificatesOf(p12: forge.pkcs12.Pkcs12Pfx, file: string | undefined, labels: Pkcs12Labels): string[] {
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const certPems: string[] = [];
  for (const b of certBags) {
    // forge decodes only certificates with RSA keys; an EC certificate comes back as its ASN.1.
    const der = b.cert ? forge.asn1.toDer(forge.pki.certificateToAsn1(b.cert)).getBytes() : b.asn1 ? forge.asn1.toDer(b.asn1 as forge.asn1.Asn1).getBytes() : undefined;
    if (der === undefined) continue;
    try {
      certPems.push(new X509Certificate(Buffer.from(der, 'binary')).toString());
    } catch (e) {
      throw legacyError('one of its certificates could not be read', file, e, labels);
    }
  }
  return certPems;
}

/**
 * Reads a PKCS#12 file with node-forge: the private key and the certificate that goes with it (then the rest of the
 * chain), as PEM. forge decodes RSA keys itself; any other key (EC) it leaves as the decrypted PKCS#8 ASN.1, which
 * goes to Node's crypto as DER: Node reads every key type its OpenSSL knows, and checks the key on the way.
 */
function forgePkcs12(pfx: Buffer, password: string | undefined, file: string | undefined, labels: Pkcs12Labels): { key: string; cert: string } {
  const p12 = openPfx(pfx, password, file, labels);
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const keyBag = keyBags.find((b) => b.key || b.asn1);
  if (!keyBag) throw labels.error(`The ${labels.store} ${keyStoreName(file)} holds no private key.`, labels.hint, fileDetail(file));
  let privateKey: KeyObject;
  try {
    privateKey = keyBag.key
      ? createPrivateKey(forge.pki.privateKeyToPem(keyBag.key))
      : createPrivateKey({ key: Buffer.from(forge.asn1.toDer(keyBag.asn1 as forge.asn1.Asn1).getBytes(), 'binary'), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw legacyError(`its ${keyAlgorithm(keyBag.key ? undefined : keyBag.asn1)} private key could not be read`, file, e, labels);
  }
  const certPems = certificatesOf(p12, file, labels);
  if (certPems.length === 0) throw labels.error(`The ${labels.store} ${keyStoreName(file)} holds no certificate.`, labels.hint, fileDetail(file));
  // The certificate is the one that matches the private key; the others are its chain.
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

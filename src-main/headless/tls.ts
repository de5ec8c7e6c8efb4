/**
 * HTTPS for the headless service from the old service's keys: `server.ssl.key-store` (PKCS#12, modern or legacy
 * encryption: core/net/pkcs12.ts reads both) with `server.ssl.key-store-password` (or `server.ssl.key-password`),
 * and, with `flare.api.clientAuth=true`, client certificates required and verified against `flare.server.ca`
 * (PEM) or `server.ssl.trust-store` (PKCS#12 or PEM). Everything is read before the service listens: a key store
 * that cannot be used stops `serve` with the reason instead of leaving it on plain HTTP.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type { ServerConfig } from '../core/config/config';
import { FlareError } from '../core/errors';
import type { Logger } from '../core/log/types';
import { pkcs12Certificates, readPkcs12, type Pkcs12Labels } from '../core/net/pkcs12';

export interface ServerTls {
  /** For https.createServer: the certificate and key, and for client certificates the CA and the demand. */
  options: tls.TlsOptions;
  clientAuth: boolean;
  /** DNS names and addresses in the service's certificate: the names it may be reached by. */
  names: string[];
  /** Subject of the service's certificate, for the start-up line. */
  subject?: string;
}

const serverError = (message: string, hint: string, detail?: Record<string, unknown>) => new FlareError('server_tls', message, { hint, ...(detail && { detail }) });

const KEY_STORE: Pkcs12Labels = {
  store: 'server key store',
  fileKey: 'server.ssl.key-store',
  defaultFile: 'server.p12',
  hint: 'Check server.ssl.key-store and its password (server.ssl.key-store-password or FLARE_SERVER_KEYSTORE_PASSWORD).',
  passwordHint: 'Set server.ssl.key-store-password (or FLARE_SERVER_KEYSTORE_PASSWORD) to the key store’s password.',
  error: serverError,
};

const TRUST_STORE: Pkcs12Labels = {
  store: 'server trust store',
  fileKey: 'server.ssl.trust-store',
  defaultFile: 'truststore.p12',
  hint: 'Check server.ssl.trust-store and its password (server.ssl.trust-store-password or FLARE_SERVER_TRUSTSTORE_PASSWORD), or name a PEM file with flare.server.ca.',
  passwordHint: 'Set server.ssl.trust-store-password (or FLARE_SERVER_TRUSTSTORE_PASSWORD) to the trust store’s password.',
  error: serverError,
};

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function readOrRefuse(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw serverError(
      code === 'ENOENT' ? `${key}: file not found: ${file}` : `${key}: ${file} cannot be read (${code ?? String(e)})`,
      `Point ${key} at the file (relative paths are relative to the folder above the config folder), or remove the key to serve plain HTTP on this machine only.`,
    );
  }
}

/** PEM certificates of a CA file, each checked. */
function pemCertificates(text: string, key: string, file: string): string[] {
  const out = (text.match(PEM_CERT) ?? []).filter((pem) => {
    try {
      new X509Certificate(pem);
      return true;
    } catch {
      return false;
    }
  });
  if (out.length === 0) throw serverError(`${key}: ${file} holds no readable PEM certificate.`, `${key} must name the CA certificate(s) (-----BEGIN CERTIFICATE-----) that sign the client certificates.`);
  return out;
}

function certificateNames(pem: string | undefined): { names: string[]; subject?: string } {
  if (!pem) return { names: [] };
  try {
    const x = new X509Certificate(pem);
    const names = (x.subjectAltName ?? '')
      .split(/,\s*/)
      .map((entry) => /^(DNS|IP Address):(.+)$/.exec(entry.trim())?.[2])
      .filter((n): n is string => Boolean(n));
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(x.subject)?.[1];
    if (cn && names.length === 0) names.push(cn);
    return { names, subject: x.subject.split('\n').filter(Boolean).join(', ') };
  } catch {
    return { names: [] };
  }
}

/** The HTTPS settings of `server`, or undefined when no key store is configured (plain HTTP). */
export function serverTlsFromConfig(server: ServerConfig, log: Logger): ServerTls | undefined {
  if (!server.keyStore) return undefined;
  const pfx = readOrRefuse(server.keyStore, 'server.ssl.key-store');
  const password = server.keyStorePassword ?? server.keyPassword;
  const read = readPkcs12(pfx, password, server.keyStore, KEY_STORE, log);
  const options: tls.TlsOptions = { ...read.options, minVersion: 'TLSv1.2' };
  // The key password differs from the store's only in Java key stores made by hand; OpenSSL takes one password.
  if (server.keyPassword && server.keyStorePassword && server.keyPassword !== server.keyStorePassword) {
    log.warn('server.ssl.key-password differs from server.ssl.key-store-password; the key store password is used for the whole PKCS#12 file.');
  }
  let clientAuth = false;
  if (server.clientAuth) {
    let ca: string[];
    if (server.caFile) {
      ca = pemCertificates(readOrRefuse(server.caFile, 'flare.server.ca').toString('latin1'), 'flare.server.ca', server.caFile);
    } else if (server.trustStore) {
      const data = readOrRefuse(server.trustStore, 'server.ssl.trust-store');
      ca = data.toString('latin1').includes('-----BEGIN CERTIFICATE-----')
        ? pemCertificates(data.toString('latin1'), 'server.ssl.trust-store', server.trustStore)
        : pkcs12Certificates(data, server.trustStorePassword, server.trustStore, TRUST_STORE);
    } else {
      throw serverError('flare.api.clientAuth is true but no CA for the client certificates is configured.', 'Set flare.server.ca (PEM) or server.ssl.trust-store (PKCS#12) to the CA that signs your client certificates.');
    }
    Object.assign(options, { ca, requestCert: true, rejectUnauthorized: true });
    clientAuth = true;
  }
  try {
    tls.createSecureContext(options);
  } catch (e) {
    throw serverError(`The HTTPS settings cannot be used: ${e instanceof Error ? e.message : String(e)}.`, KEY_STORE.hint);
  }
  const { names, subject } = certificateNames(read.certPem);
  log.debug(`HTTPS certificate read by ${read.reader === 'node-forge' ? 'node-forge (legacy PKCS#12)' : 'OpenSSL'}${subject ? `: ${subject}` : ''}`);
  return { options, clientAuth, names, ...(subject !== undefined && { subject }) };
}

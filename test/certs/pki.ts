/**
 * Certificates made at test time (nothing private is committed): a CA, a server certificate for 127.0.0.1 and
 * localhost, and client certificates for mutual TLS (src-main/simulators/pki.ts makes them). Also the other shapes
 * admins have: an expired or wrong-host server certificate, an encrypted PEM key, a client certificate with an EC
 * (P-256) key, and PKCS#12 files made by the `openssl` CLI in its modern (AES-256, PBKDF2, SHA-256 MAC) and `-legacy` (RC2-40 / 3DES, SHA-1 MAC — what OpenSSL 1.x and older
 * Java keytool write) forms, or with a chosen legacy cipher.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CertificateAuthority, createPki, type KeyAndCert, type Pki } from '../../src-main/simulators/pki';

export type { KeyAndCert };
export type TestPki = Pki;

/** A CA and what it signs, plus the odd certificates admins run into. */
export class TestCa extends CertificateAuthority {
  constructor(commonName = 'FLARE MISP Test CA') {
    super(commonName, 'FLARE MISP tests');
  }

  /** A server certificate for 127.0.0.1/localhost that expired yesterday. */
  expiredServerCert(): KeyAndCert {
    return this.serverCert({ days: -1 });
  }

  /** A valid server certificate for another host only (not 127.0.0.1 nor localhost). */
  wrongHostServerCert(): KeyAndCert {
    return this.serverCert({ dns: ['taxii.other-host.invalid'], ips: ['192.0.2.10'] });
  }

  /**
   * A client certificate for an EC P-256 key (PKCS#8 PEM), signed by this CA. Signed by the `openssl` CLI because
   * node-forge only handles RSA keys.
   */
  ecClientCert(commonName = 'flare-misp-ec-client'): KeyAndCert {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    return inTempDir((dir) => {
      const file = (name: string, data: string): string => {
        const p = path.join(dir, name);
        writeFileSync(p, data, { mode: 0o600 });
        return p;
      };
      const caCert = file('ca.pem', this.cert);
      const caKey = file('ca.key', this.key);
      const clientKey = file('client.key', key);
      const ext = file('ext.cnf', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\n');
      const csr = path.join(dir, 'client.csr');
      const out = path.join(dir, 'client.pem');
      openssl(['req', '-new', '-key', clientKey, '-subj', `/CN=${commonName}/O=FLARE MISP tests`, '-out', csr]);
      openssl(['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-set_serial', `0x01${randomBytes(8).toString('hex')}`, '-days', '30', '-sha256', '-extfile', ext, '-out', out]);
      return { key, cert: readFileSync(out, 'utf8') };
    });
  }
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all fresh. */
export function createTestPki(): TestPki {
  return createPki(new TestCa());
}

/** The same private key as PKCS#8 PEM encrypted with AES-256-CBC under `passphrase`. */
export function encryptKey(keyPem: string, passphrase: string): string {
  return createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
}

/**
 * A PKCS#12 file holding `pair` (and `chain` certificates), made by the `openssl` CLI. `legacy: true` uses
 * `-legacy` (RC2-40 for the certificates, 3DES for the key, SHA-1 MAC), which Node 20's OpenSSL 3 cannot read.
 * `keyPbe` / `certPbe` choose other ciphers (`openssl pkcs12 -keypbe`, e.g. `PBE-SHA1-RC4-128`; with `legacy`).
 */
export function pkcs12(
  pair: KeyAndCert,
  password: string,
  options: { legacy?: boolean; chain?: string[]; name?: string; keyPbe?: string; certPbe?: string } = {},
): Buffer {
  return inTempDir((dir) => {
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    const out = path.join(dir, 'out.p12');
    writeFileSync(cert, pair.cert + (options.chain ?? []).join(''));
    writeFileSync(key, pair.key, { mode: 0o600 });
    const args = ['pkcs12', '-export', '-in', cert, '-inkey', key, '-name', options.name ?? 'client', '-passout', 'env:FLARE_P12_PASSWORD', '-out', out];
    if (options.legacy) args.splice(2, 0, '-legacy');
    if (options.keyPbe) args.push('-keypbe', options.keyPbe);
    if (options.certPbe) args.push('-certpbe', options.certPbe);
    openssl(args, { FLARE_P12_PASSWORD: password });
    return readFileSync(out);
  });
}

/** Runs the `openssl` CLI; passwords go through the environment (`env:NAME`), never the command line. */
function openssl(args: string[], env: Record<string, string> = {}): void {
  const run = spawnSync('openssl', args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl ${args[0]} failed: ${run.error?.message ?? run.stderr}`);
}

/** Key material is written to a private temporary folder and removed whatever happens. */
function inTempDir<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'flare-pki-'));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A trust store: CA certificates only, no key, as PKCS#12 (what `keytool -importcert -storetype PKCS12` writes),
 * made by the `openssl` CLI (`-nokeys`); `legacy: true` encrypts it the old way (RC2-40).
 */
export function trustStorePkcs12(certs: string[], password: string, options: { legacy?: boolean } = {}): Buffer {
  return inTempDir((dir) => {
    const cert = path.join(dir, 'certs.pem');
    const out = path.join(dir, 'trust.p12');
    writeFileSync(cert, certs.join(''));
    const args = ['pkcs12', '-export', '-nokeys', '-in', cert, '-passout', 'env:FLARE_P12_PASSWORD', '-out', out];
    if (options.legacy) args.splice(2, 0, '-legacy');
    openssl(args, { FLARE_P12_PASSWORD: password });
    return readFileSync(out);
  });
}

/**
 * Attribute values, checked and normalised the way MISP does before it saves them
 * (MISP 2.5 `AttributeValidationTool::modifyBeforeValidation` and `::validate`, read to learn the rules).
 *
 * Normalising matters beyond validity: MISP stores the normalised form (lower-case hashes, compressed IPv6…), so
 * comparing our event with the stored one only works if we normalise the same way first.
 */
import { isIP, isIPv4, isIPv6 } from 'node:net';

/** Hex length of each fixed-length hash type. */
const HASH_HEX_LENGTH: Readonly<Record<string, number>> = {
  authentihash: 64,
  md5: 32,
  imphash: 32,
  telfhash: 70,
  sha1: 40,
  'git-commit-id': 40,
  'x509-fingerprint-md5': 32,
  'x509-fingerprint-sha1': 40,
  'x509-fingerprint-sha256': 64,
  'ja3-fingerprint-md5': 32,
  'jarm-fingerprint': 62,
  'hassh-md5': 32,
  'hasshserver-md5': 32,
  pehash: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
  'sha512/224': 56,
  'sha512/256': 64,
  'sha3-224': 56,
  'sha3-256': 64,
  'sha3-384': 96,
  'sha3-512': 128,
  'dom-hash': 32,
};

/** Types MISP stores lower-cased. */
const LOWER_CASED = new Set([
  ...Object.keys(HASH_HEX_LENGTH).filter((t) => !t.startsWith('x509-') && t !== 'git-commit-id'),
  'hostname', 'vhash', 'tlsh', 'anonymised', 'cdhash',
  'email', 'email-src', 'email-dst', 'target-email', 'whois-registrant-email',
]);

/** Free-text types that must stay on one line. */
const SINGLE_LINE = new Set([
  'target-user', 'campaign-name', 'campaign-id', 'threat-actor', 'target-machine', 'target-org', 'target-location',
  'target-external', 'email-subject', 'malware-type', 'url', 'uri', 'user-agent', 'regkey', 'regkey|value',
  'filename', 'pdb', 'windows-scheduled-task', 'whois-registrant-name', 'whois-registrant-org', 'whois-registrar',
  'whois-creation-date', 'date-of-birth', 'place-of-birth', 'gender', 'passport-number', 'passport-country',
  'passport-expiration', 'redress-number', 'nationality', 'visa-number', 'issue-date-of-the-visa',
  'primary-residence', 'country-of-residence', 'special-service-request', 'frequent-flyer-number', 'travel-details',
  'payment-details', 'place-port-of-original-embarkation', 'place-port-of-clearance',
  'place-port-of-onward-foreign-destination', 'passenger-name-record-locator-number', 'email-dst-display-name',
  'email-src-display-name', 'email-reply-to', 'email-x-mailer', 'email-mime-boundary', 'email-thread-index',
  'email-message-id', 'github-username', 'github-repository', 'github-organisation', 'twitter-id', 'dkim',
  'dkim-signature', 'favicon-mmh3', 'chrome-extension-id', 'mobile-application-id', 'azure-application-id',
  'named pipe',
]);

const EMAIL_TYPES = new Set([
  'email', 'email-src', 'email-dst', 'eppn', 'target-email', 'whois-registrant-email', 'dns-soa-email', 'jabber-id',
]);

const HTTP_METHODS =
  /(OPTIONS|GET|HEAD|POST|PUT|DELETE|TRACE|CONNECT|PROPFIND|PROPPATCH|MKCOL|COPY|MOVE|LOCK|UNLOCK|VERSION-CONTROL|REPORT|CHECKOUT|CHECKIN|UNCHECKOUT|MKWORKSPACE|UPDATE|LABEL|MERGE|BASELINE-CONTROL|MKACTIVITY|ORDERPATCH|ACL|PATCH|SEARCH)/;

const isHex = (s: string): boolean => /^[0-9a-fA-F]+$/.test(s);
const isWholeNumber = (s: string): boolean => /^[0-9]+$/.test(s);
const isPort = (s: string): boolean => isWholeNumber(s) && Number(s) >= 1 && Number(s) <= 65535;
const isDomain = (s: string): boolean => /^[A-Z0-9.\-_]+\.[A-Z0-9-]{2,}$/i.test(s);
const isSsdeep = (s: string): boolean => /^([0-9]+):([0-9a-zA-Z/+]*):([0-9a-zA-Z/+]*)$/.test(s);
const isTlsh = (s: string): boolean => {
  const body = s.startsWith('t') ? s.slice(1) : s;
  return body.length > 35 && isHex(body);
};
const isNumeric = (s: string): boolean => s.trim() !== '' && Number.isFinite(Number(s));

/** Compresses an IPv6 address to its canonical text (what PHP's inet_ntop gives); other input is returned as is. */
function compressIPv6(ip: string): string {
  // IPv4-mapped forms keep their dotted tail in MISP; the URL parser would turn it into hex, so leave them alone.
  if (!isIPv6(ip) || ip.includes('.')) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

function normalizeIp(value: string): string {
  const slash = value.indexOf('/');
  if (slash > 0) {
    const ip = compressIPv6(value.slice(0, slash));
    const range = value.slice(slash + 1);
    // A /32 (IPv4) or /128 (IPv6) "network" is a single address: MISP stores it without the suffix.
    if ((range === '32' && ip.includes('.')) || (range === '128' && ip.includes(':'))) return ip;
    return `${ip}/${range}`;
  }
  return compressIPv6(value);
}

/** Splits `ip|port` written in the forms MISP accepts (`1.2.3.4:80`, `1.2.3.4|80`, `[::1]:80`, `::1|80`). */
function splitIpPort(value: string): [string, string] | undefined {
  if ((value.match(/:/g) ?? []).length >= 2) {
    if (value.includes('|')) return value.split('|', 2) as [string, string];
    const bracket = /^\[([^\]]+)\]:(.*)$/.exec(value);
    if (bracket) return [bracket[1] ?? '', bracket[2] ?? ''];
    const lastColon = value.lastIndexOf(':');
    return [value.slice(0, lastColon), value.slice(lastColon + 1)];
  }
  if (value.includes(':')) return value.split(':', 2) as [string, string];
  if (value.includes('|')) return value.split('|', 2) as [string, string];
  return undefined;
}

/**
 * The value as MISP would store it: trimmed, with the type's canonical case and notation.
 * Apply it before sending and before comparing with what MISP returns.
 */
export function normalizeValue(type: string, raw: string): string {
  const value = raw.trim();
  if (LOWER_CASED.has(type)) return value.toLowerCase();
  switch (type) {
    case 'ip-src':
    case 'ip-dst':
      return normalizeIp(value);
    case 'domain':
      return value.toLowerCase().replace(/^\.+|\.+$/g, '');
    case 'domain|ip': {
      const [domain, ip] = value.toLowerCase().split('|');
      if (ip === undefined) return value.toLowerCase();
      return `${(domain ?? '').replace(/^\.+|\.+$/g, '')}|${normalizeIp(ip)}`;
    }
    case 'http-method':
    case 'hex':
      return value.toUpperCase();
    case 'vulnerability':
    case 'weakness':
      return value.replace(/–/g, '-').toUpperCase();
    case 'x509-fingerprint-md5':
    case 'x509-fingerprint-sha1':
    case 'x509-fingerprint-sha256':
      return value.replace(/:/g, '').toLowerCase();
    case 'ip-src|port':
    case 'ip-dst|port': {
      const parts = splitIpPort(value);
      return parts ? `${normalizeIp(parts[0])}|${parts[1]}` : value;
    }
    case 'hostname|port':
      return value.toLowerCase().replace(/:/g, '|');
    case 'mac-address':
    case 'mac-eui-64': {
      const hex = value.toLowerCase().replace(/[.:\- ]/g, '');
      return (hex.match(/.{1,2}/g) ?? []).join(':');
    }
    case 'AS': {
      let v = value.toUpperCase().startsWith('AS') ? value.slice(2) : value;
      const dot = /^([0-9]+)\.([0-9]+)$/.exec(v); // asdot notation
      if (dot) v = String(Number(dot[1]) * 65536 + Number(dot[2]));
      return v;
    }
  }
  if (type.startsWith('filename|')) {
    const bar = value.indexOf('|');
    return bar < 0 ? value : value.slice(0, bar) + value.slice(bar).toLowerCase();
  }
  return value;
}

/**
 * Why MISP would refuse this (already normalised) value for the type, or undefined when it is acceptable.
 * The sentences follow MISP's own, so a log line reads the same as MISP's validation error would.
 */
export function valueProblem(type: string, value: string): string | undefined {
  if (value.trim() === '') return 'The value is empty.';
  if (type.includes('|') && value.split('|').length !== 2) {
    return 'Composite type found but the value not in the composite (value1|value2) format.';
  }

  const hashLength = HASH_HEX_LENGTH[type];
  if (hashLength !== undefined && type !== 'telfhash') {
    return value.length === hashLength && isHex(value)
      ? undefined
      : `Checksum has an invalid length or format (expected: ${hashLength} hexadecimal characters).`;
  }

  if (type.startsWith('filename|')) {
    const [name = '', second = ''] = value.split('|');
    if (name.includes('\n')) return 'Filename must not contain new line character.';
    const hashType = type.slice('filename|'.length);
    const length = HASH_HEX_LENGTH[hashType];
    if (length !== undefined) {
      return name !== '' && second.length === length && /^[0-9a-f]+$/.test(second)
        ? undefined
        : `Checksum has an invalid length or format (expected: filename|${length} hexadecimal characters).`;
    }
    if (hashType === 'ssdeep') return isSsdeep(second) ? undefined : 'Invalid ssdeep hash (expected: blocksize:hash:hash).';
    if (hashType === 'tlsh') return isTlsh(second) ? undefined : 'TLSH hash has an invalid length or format.';
    return name !== '' && second !== '' ? undefined : 'Expected filename|value.';
  }

  if (EMAIL_TYPES.has(type)) {
    return /^.[^\s]*@.*\..*$/i.test(value)
      ? undefined
      : 'Email address has an invalid format. Please double check the value or select type "other".';
  }
  if (SINGLE_LINE.has(type)) return value.includes('\n') ? 'Value must not contain new line character.' : undefined;

  switch (type) {
    case 'telfhash':
      return value.length === 70 || value.length === 72 ? undefined : 'Checksum has an invalid length (expected 70 or 72 characters).';
    case 'tlsh':
      return isTlsh(value) ? undefined : 'Checksum has an invalid length or format (expected: at least 35 hexadecimal characters).';
    case 'ssdeep':
      return isSsdeep(value) ? undefined : 'Invalid SSDeep hash. The format has to be blocksize:hash:hash';
    case 'impfuzzy': {
      const parts = value.split(':');
      return parts.length === 3 && isWholeNumber(parts[0] ?? '') ? undefined : 'Invalid impfuzzy format. The format has to be imports:hash:hash';
    }
    case 'cdhash':
      return /^[0-9a-f]{40,}$/.test(value) ? undefined : 'Expected 40 or more hexadecimal characters.';
    case 'http-method':
      return HTTP_METHODS.test(value) ? undefined : 'Unknown HTTP method.';
    case 'ip-src':
    case 'ip-dst':
      return ipProblem(value);
    case 'port':
      return isPort(value) ? undefined : 'Port numbers have to be integers between 1 and 65535.';
    case 'ip-src|port':
    case 'ip-dst|port': {
      const [ip = '', port = ''] = value.split('|');
      if (!isIP(ip)) return 'IP address has an invalid format.';
      return isPort(port) ? undefined : 'Port numbers have to be integers between 1 and 65535.';
    }
    case 'mac-address':
      return /^([a-fA-F0-9]{2}:?){6}$/.test(value) ? undefined : 'MAC address has an invalid format.';
    case 'mac-eui-64':
      return /^([a-fA-F0-9]{2}:?){8}$/.test(value) ? undefined : 'MAC EUI-64 address has an invalid format.';
    case 'hostname':
    case 'domain':
      return isDomain(value) ? undefined : `${type === 'domain' ? 'Domain' : 'Hostname'} has an invalid format. Please double check the value or select type "other".`;
    case 'hostname|port': {
      const [host = '', port = ''] = value.split('|');
      if (!isDomain(host)) return 'Hostname has an invalid format.';
      return isPort(port) ? undefined : 'Port numbers have to be integers between 1 and 65535.';
    }
    case 'domain|ip': {
      const [domain = '', ip = ''] = value.split('|');
      if (!isDomain(domain)) return 'Domain has an invalid format.';
      return isIP(ip) ? undefined : 'IP address has an invalid format.';
    }
    case 'vulnerability':
      return /^CVE-[0-9]{4}-[0-9]{4,}$/.test(value) ? undefined : 'Invalid format. Expected: CVE-xxxx-xxxx...';
    case 'weakness':
      return /^CWE-[0-9]+$/.test(value) ? undefined : 'Invalid format. Expected: CWE-x...';
    case 'windows-service-name':
    case 'windows-service-displayname':
      return value.length > 256 || /[\\/]/.test(value)
        ? 'Invalid format. Only values shorter than 256 characters that don\'t include any forward or backward slashes are allowed.'
        : undefined;
    case 'link':
      return linkProblem(value);
    case 'hex':
      return isHex(value) ? undefined : 'The value must be hexadecimal.';
    case 'datetime':
      return Number.isNaN(Date.parse(value)) ? 'Datetime has to be in the ISO 8601 format.' : undefined;
    case 'size-in-bytes':
    case 'counter':
      return isWholeNumber(value) ? undefined : 'The value has to be a whole number greater or equal 0.';
    case 'integer':
      return /^-?[0-9]+$/.test(value) ? undefined : 'The value has to be an integer value.';
    case 'iban':
    case 'bic':
    case 'btc':
    case 'dash':
    case 'xmr':
      return /^[a-zA-Z0-9]+$/.test(value) ? undefined : 'The value must be letters and digits only.';
    case 'bin':
    case 'cc-number':
    case 'bank-account-nr':
    case 'aba-rtn':
    case 'prtn':
    case 'phone-number':
    case 'whois-registrant-phone':
    case 'float':
      return isNumeric(value) ? undefined : 'The value has to be numeric.';
    case 'boolean':
      return value === '0' || value === '1' || /^(true|false)$/i.test(value) ? undefined : 'The value has to be a boolean.';
    case 'AS':
      return isWholeNumber(value) && Number(value) <= 4294967295 ? undefined : 'AS number have to be integer between 1 and 4294967295';
  }
  return undefined;
}

function ipProblem(value: string): string | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return isIP(value) ? undefined : 'IP address has an invalid format.';
  const ip = value.slice(0, slash);
  const range = value.slice(slash + 1);
  if (!isWholeNumber(range) || value.indexOf('/', slash + 1) >= 0) return 'Invalid CIDR notation value found.';
  if (isIPv4(ip)) return Number(range) > 32 ? 'Invalid CIDR notation value found, for IPv4 must be lower or equal 32.' : undefined;
  if (isIPv6(ip)) return Number(range) > 128 ? 'Invalid CIDR notation value found, for IPv6 must be lower or equal 128.' : undefined;
  return 'IP address has an invalid format.';
}

/** `link` needs an absolute URL with a scheme (MISP uses PHP's FILTER_VALIDATE_URL with SCHEME_REQUIRED). */
function linkProblem(value: string): string | undefined {
  if (/\s/.test(value) || !/^[a-z][a-z0-9+.-]*:/i.test(value)) return 'Link must be an absolute URL with a scheme.';
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname === '') return 'Link must name a host.';
    return undefined;
  } catch {
    return 'Link must be an absolute URL with a scheme.';
  }
}

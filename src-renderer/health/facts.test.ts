import { describe, it, expect } from 'vitest';
import type { HealthResult } from '../../shared/api';
import { healthFacts } from './facts';

const base = { resource: 'https://x', statusCode: 200, ok: true, configured: true } as const;

describe('healthFacts', () => {
  it('MISP: version, organisation, role, mode and the sharing group; missing permissions are a warning', () => {
    const result: HealthResult = {
      ...base,
      resourceType: 'Misp',
      details: {
        mode: 'native',
        version: '2.5.1',
        organisation: 'FLARE Test Org',
        role: 'User',
        missingPermissions: ['perm_publish', 'perm_tagger'],
        sharingGroup: { configured: 'named "FLARE Partners"', id: 42, name: 'FLARE Partners' },
      },
    };
    expect(healthFacts(result)).toEqual([
      { label: 'MISP version', value: '2.5.1' },
      { label: 'Organisation', value: 'FLARE Test Org' },
      { label: 'Role', value: 'User' },
      { label: 'Upload mode', value: 'native' },
      { label: 'Missing permissions', value: 'perm_publish, perm_tagger', warn: true },
      { label: 'Sharing group', value: 'FLARE Partners (id 42)' },
    ]);
  });

  it('MISP: a sharing group the key cannot see is a warning with the problem', () => {
    const facts = healthFacts({ ...base, ok: false, resourceType: 'Misp', details: { missingPermissions: [], sharingGroup: { configured: 'uuid c0ffee', problem: 'No sharing group with uuid c0ffee is visible to this API key.' } } });
    expect(facts).toEqual([{ label: 'Sharing group', value: 'No sharing group with uuid c0ffee is visible to this API key.', warn: true }]);
  });

  it('TAXII: collection, count in the window, authentication, certificate (expired is a warning), proxy, collections, listing errors', () => {
    const facts = healthFacts({
      ...base,
      resourceType: 'FLARE/TAXII',
      details: {
        collection: 'ais',
        window: { begin: '2026-11-28T05:00:00Z', end: '2026-11-28T06:00:00Z' },
        recordCount: { count: 12, partial: true },
        auth: ['client certificate (PKCS#12)', 'basic'],
        clientCertificate: { format: 'pkcs12', reader: 'openssl', subject: 'CN=flare-client', notAfter: '2026-01-01T00:00:00.000Z', expired: true },
        proxy: 'http://proxy.corp:3128',
        proxyFrom: 'HTTPS_PROXY',
        collections: [{ name: 'ais' }, { name: 'system.Default' }],
        collectionsError: { code: 'taxii_status', message: 'UNAUTHORIZED' },
      },
    });
    expect(facts).toEqual([
      { label: 'Collection', value: 'ais' },
      { label: 'Records in the check window', value: '12+ (2026-11-28T05:00:00Z → 2026-11-28T06:00:00Z)' },
      { label: 'Authentication', value: 'client certificate (PKCS#12), basic' },
      { label: 'Client certificate', value: 'CN=flare-client, valid until 2026-01-01 — expired', warn: true },
      { label: 'Proxy', value: 'http://proxy.corp:3128 (from HTTPS_PROXY)' },
      { label: 'Collections offered', value: 'ais, system.Default' },
      { label: 'Collection listing', value: 'UNAUTHORIZED', warn: true },
    ]);
  });

  it('nothing for a check not run, not configured, or without details; odd shapes are left out, not shown as [object Object]', () => {
    expect(healthFacts(undefined)).toEqual([]);
    expect(healthFacts({ ...base, configured: false, resourceType: 'Misp', details: { version: '2.5.1' } })).toEqual([]);
    expect(healthFacts({ ...base, resourceType: 'Misp' })).toEqual([]);
    const odd = healthFacts({ ...base, resourceType: 'Misp', details: { version: { major: 2 }, role: ['x'], missingPermissions: 'perm_publish', sharingGroup: 'weird' } });
    expect(odd).toEqual([]);
  });
});

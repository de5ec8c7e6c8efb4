import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { makeBlocks } from '../../simulators/taxii/fixtures';
import { startTaxiiServer, type TaxiiTestServer } from '../../simulators/taxii/server';
import { createTestPki } from '../../../test/certs/pki';
import { buildDiscoveryRequest } from './build-messages';
import { TaxiiTransportError } from './errors';
import { exchange } from './exchange';
import { createHttpTransport } from './http-transport';
import { poll } from './poll';
import { discover } from './services';
import type { TaxiiTransport } from './transport';
import { rejection } from '../../../test/support/errors';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function transportFor(options: Parameters<typeof createHttpTransport>[0] = {}): TaxiiTransport {
  const t = createHttpTransport(options);
  cleanups.push(() => t.close?.());
  return t;
}

async function taxiiServer(options: Parameters<typeof startTaxiiServer>[0]): Promise<TaxiiTestServer> {
  const s = await startTaxiiServer(options);
  cleanups.push(() => s.close());
  return s;
}

const transportError = (p: Promise<unknown>): Promise<TaxiiTransportError> => rejection(p, TaxiiTransportError);

describe('the HTTP transport', () => {
  it('sends the TAXII 1.1 headers OpenTAXII requires', async () => {
    const s = await taxiiServer({ blocks: makeBlocks(1) });
    await discover(s.urls.discovery, { transport: transportFor({ headers: { authorization: 'Bearer t0ken' } }) });
    expect(s.requests[0]?.headers).toMatchObject({
      'content-type': 'application/xml',
      accept: 'application/xml',
      'x-taxii-content-type': 'urn:taxii.mitre.org:message:xml:1.1',
      'x-taxii-accept': 'urn:taxii.mitre.org:message:xml:1.1',
      'x-taxii-services': 'urn:taxii.mitre.org:services:1.1',
      'x-taxii-protocol': 'urn:taxii.mitre.org:protocol:http:1.0',
      authorization: 'Bearer t0ken',
    });
    expect(s.requests[0]?.answer).toBe('Discovery_Response');
  });

  it('speaks HTTPS to a server whose CA it is given, naming the https protocol binding', async () => {
    const pki = createTestPki();
    const s = await taxiiServer({ blocks: makeBlocks(3), tls: { key: pki.server.key, cert: pki.server.cert } });
    expect(s.url.startsWith('https://')).toBe(true);
    const blocks = [];
    for await (const b of poll('ais', {}, { url: s.urls.poll, transport: transportFor({ tls: { ca: pki.ca.cert } }) })) blocks.push(b);
    expect(blocks).toHaveLength(3);
    expect(s.requests[0]?.headers['x-taxii-protocol']).toBe('urn:taxii.mitre.org:protocol:https:1.0');
    expect(s.requests[0]?.clientCertificate).toEqual({ authorized: false });

    const untrusting = transportFor();
    const e = await transportError(untrusting.post(s.urls.discovery, buildDiscoveryRequest().xml));
    expect(e.code).toBe('taxii_tls_untrusted');
    expect(e.hint).toMatch(/flare\.taxii\.ca/);
    expect(e.retryable).toBe(false);
  });

  it('decompresses gzip answers', async () => {
    const request = buildDiscoveryRequest();
    const body = `<taxii_11:Discovery_Response xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="9" in_response_to="${request.messageId}"/>`;
    const plain = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/xml', 'x-taxii-content-type': 'urn:taxii.mitre.org:message:xml:1.1', 'content-encoding': 'gzip' });
        res.end(gzipSync(body));
      });
    });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => plain.close(r)));
    const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/taxii`;
    const answer = await exchange(url, request, { transport: transportFor() });
    expect(answer).toMatchObject({ kind: 'Discovery_Response', inResponseTo: request.messageId, services: [] });
  });

  it('refuses an answer larger than the limit', async () => {
    const s = await taxiiServer({ blocks: makeBlocks(20) });
    const stream = poll('ais', {}, { url: s.urls.poll, transport: transportFor({ maxResponseBytes: 4096 }), retry: { attempts: 1 } });
    const e = await transportError((async () => { for await (const _ of stream) { /* drain */ } })());
    expect(e.code).toBe('taxii_response_too_large');
  });

  it('names a refused connection and an unsupported scheme', async () => {
    const s = await taxiiServer({});
    const closedUrl = s.urls.poll;
    await s.close();
    const refused = await transportError(transportFor().post(closedUrl, buildDiscoveryRequest().xml));
    expect(refused.code).toBe('taxii_connection_refused');
    expect(refused.retryable).toBe(true);
    const ftp = await transportError(transportFor().post('ftp://127.0.0.1/x', '<x/>'));
    expect(ftp.code).toBe('taxii_transport');
  });
});

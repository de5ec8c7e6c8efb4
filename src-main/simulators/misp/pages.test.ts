/**
 * The MISP simulator's browser pages (demo mode): the event list and one event, over a real socket, with every
 * value escaped and a CSP that lets nothing run; without demo mode the same paths behave like MISP's (login).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch } from 'undici';
import { startMispServer, TEST_MISP_KEY, type MispTestServer } from './index';
import { attribute, sampleEvent } from './sample-events';
import { escapeHtml, PAGE_CSP } from './pages';

const HOSTILE = `<script>alert("x")</script> & 'quoted' "><img src=x onerror=alert(1)>`;

async function add(server: MispTestServer, event: object): Promise<string> {
  const res = await fetch(new URL('events/add', server.url), {
    method: 'POST',
    headers: { Authorization: TEST_MISP_KEY, Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ Event: event }),
  });
  const body = (await res.json()) as { Event: { id: string } };
  expect(res.status).toBe(200);
  return body.Event.id;
}

const browse = (server: MispTestServer, path: string, method = 'GET') =>
  fetch(new URL(path.replace(/^\//, ''), server.url), { method, headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, redirect: 'manual' });

describe('MISP simulator pages in demo mode', () => {
  let misp: MispTestServer;
  let hostileId: string;
  let plainId: string;
  beforeAll(async () => {
    misp = await startMispServer({ demo: true, sharingGroups: [{ id: 7, name: `Group ${HOSTILE}` }] });
    plainId = await add(misp, sampleEvent('plain'));
    const hostile = sampleEvent('hostile', {
      info: HOSTILE,
      distribution: 4,
      sharing_group_id: 7,
      threat_level_id: 1,
      analysis: 2,
      Tag: [{ name: `tag ${HOSTILE}` }, { name: 'tlp:red' }],
    });
    hostile.Attribute!.push(attribute('hostile', 'text-1', 'text', 'Other', HOSTILE, { to_ids: false, comment: HOSTILE }));
    hostile.Object![0]!.comment = HOSTILE;
    hostileId = await add(misp, hostile);
  });
  afterAll(() => misp.close());

  it('lists the events, newest first, with id, date, org, info, attribute count and a link; no key needed', async () => {
    const res = await browse(misp, '/events/index');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    const html = await res.text();
    expect(html).toContain('<h1>Events (2)</h1>');
    expect(html.indexOf(`/events/view/${hostileId}"`)).toBeLessThan(html.indexOf(`/events/view/${plainId}"`));
    expect(html).toContain(`<tr><td><a href="/events/view/${plainId}">${plainId}</a></td><td>2016-07-22</td><td>FLARE Test Org</td><td>IIR test plain - Indicators of Compromise</td><td>5</td><td>no</td>`);
    expect(html).toContain(`<td>${escapeHtml(HOSTILE)}</td><td>6</td>`);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
  });

  it('shows one event by id or uuid: meta, tags, attributes and objects, every value escaped', async () => {
    const res = await browse(misp, `/events/view/${hostileId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain(`<h1>${escapeHtml(HOSTILE)}</h1>`);
    expect(html).toContain('<tr><th>Threat level</th><td>High</td></tr>');
    expect(html).toContain('<tr><th>Analysis</th><td>Completed</td></tr>');
    expect(html).toContain(`<tr><th>Distribution</th><td>Sharing group: Group ${escapeHtml(HOSTILE)}</td></tr>`);
    expect(html).toContain(`<span class="tag">tag ${escapeHtml(HOSTILE)}</span><span class="tag">tlp:red</span>`);
    expect(html).toContain('<h2>Attributes (4)</h2>');
    expect(html).toContain('<td>Network activity</td><td>ip-dst</td><td class="value">31.7.185.23</td><td>yes</td><td>Malicious IPv4 Indicator</td>');
    expect(html).toContain(`<td>Other</td><td>text</td><td class="value">${escapeHtml(HOSTILE)}</td><td>no</td><td>${escapeHtml(HOSTILE)}</td>`);
    expect(html).toContain('<h2>Objects (1)</h2>');
    expect(html).toContain(`<h3>file <span class="muted">file · ${escapeHtml(HOSTILE)}</span></h3>`);
    expect(html).toContain('<td>md5</td><td>Payload delivery</td><td>md5</td><td class="value">d41d8cd98f00b204e9800998ecf8427e</td><td>yes</td>');
    // Nothing from the event became markup: the only tags are the page's own.
    expect(html).not.toMatch(/<(script|img)\b/);
    expect(html.match(/<[a-z0-9]+/g)!.every((t) => ['<html', '<head', '<meta', '<title', '<style', '<body', '<header', '<a', '<small', '<main', '<h1', '<h2', '<h3', '<table', '<tbody', '<thead', '<tr', '<th', '<td', '<span', '<p'].includes(t))).toBe(true);

    const uuid = misp.record(hostileId)!.uuid;
    const byUuid = await (await browse(misp, `/events/view/${uuid}`)).text();
    expect(byUuid).toBe(html);
  });

  it('an unknown event is a 404 page; HEAD has the headers without a body; / leads to the list', async () => {
    const missing = await browse(misp, '/events/view/999');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('There is no event 999 here.');
    const hostileMissing = await (await browse(misp, `/events/view/${encodeURIComponent('<b>x</b>')}`)).text();
    expect(hostileMissing).toContain('There is no event &lt;b&gt;x&lt;/b&gt; here.');
    const head = await browse(misp, '/events/index', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(await head.text()).toBe('');
    const root = await browse(misp, '/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/events/index');
  });

  it('the CSP allows only the page’s own stylesheet, by hash', () => {
    expect(PAGE_CSP).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/);
  });

  it('other browser requests still go to the login page (which says there is none), and the API still wants its key', async () => {
    const other = await browse(misp, '/events/add');
    expect(other.status).toBe(302);
    expect(other.headers.get('location')).toBe('/users/login');
    const login = await browse(misp, '/users/login');
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('The simulator has no accounts');
    const api = await fetch(new URL(`events/view/${plainId}`, misp.url), { headers: { Accept: 'application/json' } });
    expect(api.status).toBe(403);
  });
});

describe('MISP simulator pages without demo mode', () => {
  let misp: MispTestServer;
  beforeAll(async () => {
    misp = await startMispServer();
  });
  afterAll(() => misp.close());

  it('the same paths redirect a browser to the login page, as MISP does without a session', async () => {
    for (const path of ['/events/index', '/events/view/1', '/', '/users/login']) {
      const res = await browse(misp, path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location'), path).toBe('/users/login');
    }
  });
});

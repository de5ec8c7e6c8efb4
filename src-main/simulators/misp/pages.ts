/**
 * The MISP simulator's read-only browser pages, served only in demo mode (a real MISP answers these paths with
 * its login page): `GET /events/index`, the stored events, and `GET /events/view/<id or uuid>`, one event with
 * its tags, attributes and objects — the page the console's run detail links to.
 *
 * Events carry whatever the feed sent (hostile strings included), so every value is escaped, and the pages go out
 * with a CSP that allows nothing but their own stylesheet (by hash): no script, no image, no form, no framing.
 */
import { createHash } from 'node:crypto';
import type { AttributeRecord, EventRecord, MispStore, TagRecord } from './store';
import type { TestSharingGroup } from './handlers/sharing-groups';

export interface Page {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#23395d;color:#fff;padding:10px 24px}header a{color:#fff}
header small{opacity:.8;margin-left:12px}
main{padding:16px 24px;max-width:1200px}
h1{font-size:20px;margin:8px 0 16px;overflow-wrap:anywhere}h2{font-size:16px;margin:24px 0 8px}
table{border-collapse:collapse;background:#fff;width:100%;margin-bottom:8px}
th,td{border:1px solid #d5d9e0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eceff4;font-weight:600}
td.value{font-family:ui-monospace,monospace;overflow-wrap:anywhere;white-space:pre-wrap}
table.meta{width:auto}table.meta th{width:160px}
.tag{display:inline-block;border-radius:3px;padding:0 6px;margin:0 4px 4px 0;background:#e4e8ef;border:1px solid #c3cad6;font-size:12px}
.muted{color:#667085}
`;

/** Only the stylesheet above, by its hash: nothing else on these pages may load or run. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const THREAT_LEVELS: Record<number, string> = { 1: 'High', 2: 'Medium', 3: 'Low', 4: 'Undefined' };
const ANALYSIS: Record<number, string> = { 0: 'Initial', 1: 'Ongoing', 2: 'Completed' };
const DISTRIBUTIONS: Record<number, string> = {
  0: 'Your organisation only',
  1: 'This community only',
  2: 'Connected communities',
  3: 'All communities',
  4: 'Sharing group',
  5: 'Inherit event',
};

const viewPath = (e: EventRecord): string => `/events/view/${encodeURIComponent(String(e.id))}`;
const isoSeconds = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

function page(status: number, title: string, content: string): Page {
  const body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · MISP simulator</title><style>${STYLE}</style></head>
<body><header><a href="/events/index">MISP simulator</a><small>FLARE MISP's stand-in for a MISP server: read-only pages, data kept in memory</small></header>
<main>${content}</main></body></html>
`;
  return { status, headers: { ...HEADERS }, body };
}

function liveAttributes(list: AttributeRecord[]): AttributeRecord[] {
  return list.filter((a) => !a.deleted);
}

function attributeCount(e: EventRecord): number {
  return liveAttributes(e.attributes).length + e.objects.filter((o) => !o.deleted).reduce((n, o) => n + liveAttributes(o.attributes).length, 0);
}

function tagList(store: MispStore, tags: EventRecord['tags']): string {
  const found = tags.map((t) => store.tagById(t.tagId)).filter((t): t is TagRecord => t !== undefined);
  if (found.length === 0) return '<span class="muted">none</span>';
  return found.map((t) => `<span class="tag">${escapeHtml(t.name)}</span>`).join('');
}

/** `GET /events/index`: every event, newest first. */
export function eventIndexPage(store: MispStore): Page {
  const events = [...store.events.values()].sort((a, b) => b.id - a.id);
  const rows = events
    .map(
      (e) =>
        `<tr><td><a href="${viewPath(e)}">${e.id}</a></td><td>${escapeHtml(e.date)}</td><td>${escapeHtml(e.orgc.name)}</td>` +
        `<td>${escapeHtml(e.info)}</td><td>${attributeCount(e)}</td><td>${e.published ? 'yes' : 'no'}</td>` +
        `<td><a href="${viewPath(e)}">view</a></td></tr>`,
    )
    .join('\n');
  const table = events.length
    ? `<table><thead><tr><th>Id</th><th>Date</th><th>Org</th><th>Info</th><th>Attributes</th><th>Published</th><th></th></tr></thead>\n<tbody>\n${rows}\n</tbody></table>`
    : '<p class="muted">No events yet: they appear here once FLARE MISP has sent some.</p>';
  return page(200, 'Events', `<h1>Events (${events.length})</h1>\n${table}`);
}

function attributeRows(store: MispStore, list: AttributeRecord[], withRelation: boolean): string {
  return liveAttributes(list)
    .map(
      (a) =>
        `<tr>${withRelation ? `<td>${escapeHtml(a.objectRelation ?? '')}</td>` : ''}<td>${escapeHtml(a.category)}</td><td>${escapeHtml(a.type)}</td>` +
        `<td class="value">${escapeHtml(a.value)}</td><td>${a.toIds ? 'yes' : 'no'}</td><td>${escapeHtml(a.comment)}</td>` +
        `<td>${a.tags.length ? tagList(store, a.tags) : ''}</td></tr>`,
    )
    .join('\n');
}

const ATTRIBUTE_HEAD = '<th>Category</th><th>Type</th><th>Value</th><th>IDS</th><th>Comment</th><th>Tags</th>';

/** `GET /events/view/<id or uuid>`: one event, as MISP's event page shows it (without the parts that edit). */
export function eventViewPage(store: MispStore, idOrUuid: string | undefined, sharingGroups: readonly TestSharingGroup[]): Page {
  const e = idOrUuid === undefined ? undefined : store.findEvent(idOrUuid);
  if (!e) return page(404, 'Invalid event', `<h1>Invalid event</h1><p>There is no event ${escapeHtml(idOrUuid ?? '')} here. <a href="/events/index">All events</a></p>`);
  const group = e.distribution === 4 ? sharingGroups.find((g) => g.id === e.sharingGroupId) : undefined;
  const distribution = `${DISTRIBUTIONS[e.distribution] ?? `unknown (${e.distribution})`}${e.distribution === 4 ? `: ${escapeHtml(group?.name ?? `#${e.sharingGroupId}`)}` : ''}`;
  const meta: [string, string][] = [
    ['Event id', String(e.id)],
    ['UUID', escapeHtml(e.uuid)],
    ['Creator org', escapeHtml(e.orgc.name)],
    ['Owner org', escapeHtml(e.org.name)],
    ['Date', escapeHtml(e.date)],
    ['Threat level', escapeHtml(THREAT_LEVELS[e.threatLevelId] ?? String(e.threatLevelId))],
    ['Analysis', escapeHtml(ANALYSIS[e.analysis] ?? String(e.analysis))],
    ['Distribution', distribution],
    ['Published', e.published ? `yes, ${isoSeconds(e.publishTimestamp)}` : 'no'],
    ['Last change', isoSeconds(e.timestamp)],
    ['Attributes', String(attributeCount(e))],
    ['Tags', tagList(store, e.tags)],
  ];
  const parts = [
    `<h1>${escapeHtml(e.info)}</h1>`,
    `<table class="meta"><tbody>\n${meta.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('\n')}\n</tbody></table>`,
  ];
  const loose = liveAttributes(e.attributes);
  parts.push(`<h2>Attributes (${loose.length})</h2>`);
  parts.push(loose.length ? `<table><thead><tr>${ATTRIBUTE_HEAD}</tr></thead>\n<tbody>\n${attributeRows(store, e.attributes, false)}\n</tbody></table>` : '<p class="muted">none</p>');
  const objects = e.objects.filter((o) => !o.deleted);
  parts.push(`<h2>Objects (${objects.length})</h2>`);
  if (objects.length === 0) parts.push('<p class="muted">none</p>');
  for (const o of objects) {
    parts.push(
      `<h3>${escapeHtml(o.name)} <span class="muted">${escapeHtml(o.metaCategory)}${o.comment ? ` · ${escapeHtml(o.comment)}` : ''}</span></h3>`,
      `<table><thead><tr><th>Relation</th>${ATTRIBUTE_HEAD}</tr></thead>\n<tbody>\n${attributeRows(store, o.attributes, true)}\n</tbody></table>`,
    );
  }
  parts.push('<p><a href="/events/index">All events</a></p>');
  return page(200, e.info, parts.join('\n'));
}

/** `GET /users/login`: a simulator has no accounts; say where the pages are instead of redirecting in a loop. */
export function loginPage(): Page {
  return page(200, 'No login', '<h1>No login here</h1><p>The simulator has no accounts; its pages need none: <a href="/events/index">the events</a>.</p>');
}

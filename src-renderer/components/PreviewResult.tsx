import { useDeferredValue, useMemo, useState } from 'react';
import type { ApiErrorShape, PreviewResult } from '../../shared/api';
import type { PreviewSource } from '../store/store';
import {
  ANALYSIS_LEVELS,
  eventJson,
  formatBytes,
  groupReport,
  groupReportByCode,
  messageLine,
  readCoverage,
  matchesAttribute,
  matchesObject,
  parseDecision,
  readEvent,
  REPORT_ITEM_CAP,
  ROW_CAP,
  THREAT_LEVELS,
  type AttributeRow,
  type CodeGroup,
  type CodeSection,
  type CoverageView,
  type Excerpt,
  type MessageGroup,
  type ObjectRow,
  type ReportSection,
} from '../preview/model';

const sourceName = (s: PreviewSource) => (s.pasted ? 'The pasted XML' : s.name);

/** Why a package was not previewed: the engine's sentence, the line it points at, and the hint. */
export function PreviewError(props: { source: PreviewSource; error: ApiErrorShape; excerpt?: Excerpt | undefined }) {
  const { source, error, excerpt } = props;
  return (
    <section className="banner error preview-error" role="alert" data-testid="preview-error">
      <strong>{sourceName(source)} was not previewed.</strong>
      <p className="reason" data-testid="preview-error-message">
        {error.message}
      </p>
      {excerpt && (
        <figure className="excerpt">
          <figcaption className="small">
            Line {excerpt.line}, column {excerpt.column}:
          </figcaption>
          <pre className="mono" data-testid="preview-error-excerpt">
            <code>
              {excerpt.clippedStart ? '…' : ''}
              {excerpt.text}
              {excerpt.clippedEnd ? '…' : ''}
            </code>
            {'\n'}
            <span className="caret" aria-hidden="true">
              {' '.repeat(excerpt.caret + (excerpt.clippedStart ? 1 : 0))}^
            </span>
          </pre>
        </figure>
      )}
      {error.hint && <p className="hint">{error.hint}</p>}
      <p className="muted small">
        Code <span className="mono">{error.code}</span>
      </p>
    </section>
  );
}

/** A cell value that may be long (descriptions, multi-line comments): the start, and the rest on request. */
function LongText(props: { text: string; max?: number }) {
  const max = props.max ?? 280;
  const [open, setOpen] = useState(false);
  if (props.text.length <= max) return <>{props.text}</>;
  return (
    <>
      {open ? props.text : `${props.text.slice(0, max)}…`}{' '}
      <button className="link small" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? 'less' : `more (${props.text.length.toLocaleString('en')} characters)`}
      </button>
    </>
  );
}

function ShowAll(props: { shown: number; total: number; what: string; onShowAll: () => void }) {
  if (props.shown >= props.total) return null;
  return (
    <p className="cap">
      Showing the first {props.shown.toLocaleString('en')} of {props.total.toLocaleString('en')} {props.what}.{' '}
      <button onClick={props.onShowAll}>Show all {props.total.toLocaleString('en')}</button>
    </p>
  );
}

function IdsFlag(props: { on: boolean }) {
  return props.on ? <span className="flag ids">yes</span> : <span className="muted">no</span>;
}

function AttributesTable(props: { rows: AttributeRow[]; total: number; filtered: boolean }) {
  const [all, setAll] = useState(false);
  const shown = all ? props.rows : props.rows.slice(0, ROW_CAP);
  return (
    <section className="card" aria-labelledby="preview-attributes-title">
      <h2 id="preview-attributes-title">
        Attributes <span className="muted">({props.filtered ? `${props.rows.length} of ${props.total}` : props.total})</span>
      </h2>
      {props.rows.length === 0 ? (
        <p className="muted">{props.filtered ? 'No attribute matches the filter.' : 'The event has no attributes outside objects.'}</p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="entries preview-table" data-testid="preview-attributes">
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Category</th>
                  <th scope="col">Value</th>
                  <th scope="col">IDS</th>
                  <th scope="col">Comment</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((a, i) => (
                  <tr key={a.uuid || i}>
                    <td className="mono nowrap">{a.type}</td>
                    <td className="small">{a.category}</td>
                    <td className="mono value">
                      <LongText text={a.value} />
                      {a.hasData && <span className="muted small"> (with file content)</span>}
                    </td>
                    <td>
                      <IdsFlag on={a.toIds} />
                    </td>
                    <td className="small comment">
                      <LongText text={a.comment} max={160} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ShowAll shown={shown.length} total={props.rows.length} what="attributes" onShowAll={() => setAll(true)} />
        </>
      )}
    </section>
  );
}

function ObjectsTable(props: { rows: ObjectRow[]; total: number; filtered: boolean }) {
  const [all, setAll] = useState(false);
  if (props.total === 0) return null;
  const shown = all ? props.rows : props.rows.slice(0, ROW_CAP);
  return (
    <section className="card" aria-labelledby="preview-objects-title">
      <h2 id="preview-objects-title">
        Objects <span className="muted">({props.filtered ? `${props.rows.length} of ${props.total}` : props.total})</span>
      </h2>
      {props.rows.length === 0 ? (
        <p className="muted">No object matches the filter.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="entries preview-table" data-testid="preview-objects">
              <thead>
                <tr>
                  <th scope="col">Object</th>
                  <th scope="col">Attributes (relation, type, value, IDS)</th>
                  <th scope="col">Comment</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((o, i) => (
                  <tr key={o.uuid || i}>
                    <td className="nowrap">
                      <span className="mono">{o.name}</span>
                      <div className="muted small">{o.metaCategory}</div>
                    </td>
                    <td>
                      <ul className="object-attributes">
                        {o.attributes.map((a, j) => (
                          <li key={a.uuid || j}>
                            <span className="muted small">{a.relation ?? a.type}</span> <span className="mono value">
                              <LongText text={a.value} max={160} />
                            </span>{' '}
                            <span className="muted small">{a.type}</span>
                            {a.toIds && <span className="flag ids">IDS</span>}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td className="small comment">
                      <LongText text={o.comment} max={160} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ShowAll shown={shown.length} total={props.rows.length} what="objects" onShowAll={() => setAll(true)} />
        </>
      )}
    </section>
  );
}

function ReportGroupView(props: { label: string; items: string[]; open: boolean }) {
  const [all, setAll] = useState(false);
  if (props.items.length === 1) return <p className="report-line">{props.items[0]}</p>;
  const items = all ? props.items : props.items.slice(0, REPORT_ITEM_CAP);
  return (
    <details className="report-group" open={props.open}>
      <summary>
        <span className="count">{props.items.length}×</span> {props.label}
      </summary>
      <ul>
        {items.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ul>
      <ShowAll shown={items.length} total={props.items.length} what="lines" onShowAll={() => setAll(true)} />
    </details>
  );
}

/** The report of an engine that sends only lines: grouped by the shape of the lines. */
function ReportView(props: { sections: ReportSection[] }) {
  const total = props.sections.reduce((n, s) => n + s.total, 0);
  return (
    <section className="card report" aria-labelledby="preview-report-title" data-testid="preview-report">
      <h2 id="preview-report-title">Conversion report</h2>
      {total === 0 && <p className="muted">Nothing was dropped, refanged or warned about.</p>}
      {props.sections
        .filter((s) => s.total > 0)
        .map((s) => (
          <div key={s.kind} className={`report-section ${s.kind}`} data-testid={`preview-report-${s.kind}`}>
            <h3>
              {s.title} <span className="muted">({s.total})</span>
            </h3>
            <p className="muted small">{s.describe}</p>
            {s.groups.map((g) => (
              <ReportGroupView key={g.label} label={g.label} items={g.items} open={s.kind === 'warning' || s.groups.length <= 3} />
            ))}
          </div>
        ))}
    </section>
  );
}

/** The STIX ids one message is about: on the line when there is one, a list to open when there are more. */
function WhereList(props: { message: MessageGroup }) {
  const [all, setAll] = useState(false);
  const ids = props.message.where;
  if (ids.length < 2) return null;
  const shown = all ? ids : ids.slice(0, REPORT_ITEM_CAP);
  return (
    <details className="report-where" data-testid="preview-report-where">
      <summary>
        {ids.length.toLocaleString('en')} STIX ids
      </summary>
      <ul className="mono" aria-label="STIX ids">
        {shown.map((id) => (
          <li key={id}>{id}</li>
        ))}
      </ul>
      <ShowAll shown={shown.length} total={ids.length} what="ids" onShowAll={() => setAll(true)} />
    </details>
  );
}

/** One report code: what it means, how many entries, their messages (each with its count) and the ids. */
function CodeGroupView(props: { group: CodeGroup; open: boolean }) {
  const { group } = props;
  const [all, setAll] = useState(false);
  const messages = all ? group.messages : group.messages.slice(0, REPORT_ITEM_CAP);
  return (
    <details className={`report-group code-group ${group.level}`} open={props.open} data-testid={`preview-code-${group.level}-${group.code}`}>
      <summary>
        <span className="count">{group.count.toLocaleString('en')}×</span> <span className="code-title">{group.title}</span>{' '}
        <code className="mono code">{group.code}</code>
      </summary>
      <ul className="report-messages">
        {messages.map((m, i) => (
          <li key={i}>
            {messageLine(m)}
            {m.count > 1 && <span className="muted small"> ({m.count.toLocaleString('en')}×)</span>}
            <WhereList message={m} />
          </li>
        ))}
      </ul>
      <ShowAll shown={messages.length} total={group.messages.length} what="messages" onShowAll={() => setAll(true)} />
    </details>
  );
}

/** The report as the engine wrote it: warnings, then what changed on the way, then other notes — each by code. */
function CodeReportView(props: { sections: CodeSection[] }) {
  const [warnings, notes] = props.sections;
  const nothing = (warnings?.total ?? 0) + (notes?.total ?? 0) === 0;
  return (
    <section className="card report" aria-labelledby="preview-report-title" data-testid="preview-report">
      <h2 id="preview-report-title">Conversion report</h2>
      {nothing && <p className="muted">Nothing was dropped, refanged or warned about.</p>}
      {props.sections
        .filter((s) => s.total > 0)
        .map((s) => (
          <div key={s.kind} className={`report-section ${s.kind}`} data-testid={`preview-report-${s.kind}`}>
            <h3>
              {s.title} <span className="muted">({s.total.toLocaleString('en')})</span>
            </h3>
            <p className="muted small">{s.describe}</p>
            {s.groups.map((g) => (
              <CodeGroupView key={`${g.level} ${g.code}`} group={g} open={s.kind !== 'other' && s.groups.length <= 3} />
            ))}
          </div>
        ))}
    </section>
  );
}

/** What became of each CybOX object type: mapped, kept as text, skipped. */
function CoverageTable(props: { coverage: CoverageView }) {
  const { rows, total } = props.coverage;
  return (
    <section className="card coverage" aria-labelledby="preview-coverage-title" data-testid="preview-coverage">
      <h2 id="preview-coverage-title">CybOX coverage</h2>
      {rows.length === 0 ? (
        <p className="muted">The package has no CybOX objects.</p>
      ) : (
        <div className="table-wrap">
          <table className="entries coverage-table" aria-labelledby="preview-coverage-title">
            <thead>
              <tr>
                <th scope="col">CybOX type</th>
                <th scope="col" className="num">
                  Mapped
                </th>
                <th scope="col" className="num">
                  As text
                </th>
                <th scope="col" className="num">
                  Skipped
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.type} className={r.skipped > 0 ? 'has-skipped' : undefined}>
                  <th scope="row" className="mono">
                    {r.type}
                  </th>
                  <td className="num">{r.mapped.toLocaleString('en')}</td>
                  <td className="num">{r.text.toLocaleString('en')}</td>
                  <td className="num skipped">{r.skipped.toLocaleString('en')}</td>
                </tr>
              ))}
            </tbody>
            {rows.length > 1 && (
              <tfoot>
                <tr>
                  <th scope="row">All types</th>
                  <td className="num">{total.mapped.toLocaleString('en')}</td>
                  <td className="num">{total.text.toLocaleString('en')}</td>
                  <td className="num">{total.skipped.toLocaleString('en')}</td>
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      )}
    </section>
  );
}

function EventJson(props: { event: unknown }) {
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState<string>();
  // Serialised only when asked for: a large event is megabytes of text.
  const text = useMemo(() => (open ? eventJson(props.event) : ''), [open, props.event]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text || eventJson(props.event));
      setCopied('Copied.');
    } catch {
      setCopied('The clipboard is not available here; select the text instead.');
    }
  };
  const SHOW = 1_000_000;
  return (
    <section className="card">
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>Event JSON (as MISP's REST API takes it)</summary>
        {open && (
          <>
            <div className="actions">
              <button onClick={() => void copy()}>Copy JSON</button>
              <span className="muted small" role="status">
                {copied}
              </span>
            </div>
            <pre className="mono json">{text.length > SHOW ? `${text.slice(0, SHOW)}\n… (${formatBytes(text.length - SHOW)} more; Copy JSON takes all of it)` : text}</pre>
          </>
        )}
      </details>
    </section>
  );
}

/** One preview: the event's identity, the distribution decision and why, the report, and the event's contents. */
export function PreviewResultView(props: { source: PreviewSource; result: PreviewResult }) {
  const { source, result } = props;
  const event = useMemo(() => readEvent(result.event), [result.event]);
  const decision = parseDecision(result.distributionDecision, event.distribution);
  // An engine that sends the structured report is grouped by code; an older one by the shape of its lines.
  const report = useMemo(() => (result.report ? { byCode: groupReportByCode(result.report) } : { byShape: groupReport(result) }), [result]);
  const coverage = useMemo(() => readCoverage(result.coverage), [result.coverage]);
  const [query, setQuery] = useState('');
  const q = useDeferredValue(query);
  const attributes = useMemo(() => event.attributes.filter((a) => matchesAttribute(a, q)), [event, q]);
  const objects = useMemo(() => event.objects.filter((o) => matchesObject(o, q)), [event, q]);
  const c = event.counts;
  const cap = result.capped;
  const filtered = q.trim() !== '';
  return (
    <div className="preview-result" data-testid="preview-result">
      <div className="grid">
        <section className="card" aria-labelledby="preview-event-title">
          <h2 id="preview-event-title" data-testid="preview-info">
            {event.info || '(the event has no title)'}
          </h2>
          <dl className="facts">
            <dt>UUID</dt>
            <dd className="mono" data-testid="preview-uuid">
              {event.uuid}
            </dd>
            <dt>Date</dt>
            <dd data-testid="preview-date">{event.date}</dd>
            <dt>Threat level</dt>
            <dd>{event.threatLevel !== undefined ? (THREAT_LEVELS[event.threatLevel] ?? event.threatLevel) : '—'}</dd>
            <dt>Analysis</dt>
            <dd>{event.analysis !== undefined ? (ANALYSIS_LEVELS[event.analysis] ?? event.analysis) : '—'}</dd>
            <dt>Contents</dt>
            <dd data-testid="preview-counts">
              {cap ? cap.attributes.total : c.attributes} attributes ({cap ? cap.toIds : c.toIds} for IDS) · {cap ? cap.objects.total : c.objects} objects ({cap ? cap.objectAttributes : c.objectAttributes} attributes inside) · {c.tags} tags
            </dd>
            <dt>From</dt>
            <dd>
              {sourceName(source)}
              {source.bytes > 0 && ` (${formatBytes(source.bytes)})`}
              {result.packages !== undefined && result.packages > 1 && ` — the first of ${result.packages} packages`}
            </dd>
          </dl>
          {event.tags.length > 0 && (
            <ul className="tags" aria-label="Tags" data-testid="preview-tags">
              {event.tags.map((t) => (
                <li key={t} className={`tag${/^tlp:/i.test(t) ? ` ${t.toLowerCase().replace(/[^a-z]/g, '-')}` : ''}`}>
                  {t}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className={`card decision ${decision.restricted ? 'restricted' : 'shared'}`} aria-labelledby="preview-decision-title" data-testid="preview-distribution">
          <h2 id="preview-decision-title">Distribution</h2>
          <p className="verdict" data-testid="preview-distribution-verdict">
            {decision.level !== undefined && <span className="level">{decision.level}</span>} {decision.label}
          </p>
          <p>
            {decision.restricted
              ? 'The event would stay in your organisation: MISP does not share it with other organisations or servers.'
              : 'The event would be shared beyond your organisation, as far as this level allows.'}
          </p>
          {decision.reasons.length > 0 && (
            <>
              <h3>Why</h3>
              <ul className="reasons" data-testid="preview-distribution-reasons">
                {decision.reasons.map((r) => (
                  <li key={r} className="mono">
                    {r}
                  </li>
                ))}
              </ul>
            </>
          )}
          <p className="muted small">
            The most restrictive marking wins. Set by <span className="mono">flare.misp.distribution</span> and{' '}
            <span className="mono">flare.misp.distribution.policy</span>.
          </p>
        </section>
      </div>

      {cap && (
        <p className="banner info" role="note" data-testid="preview-capped">
          This event is large: the preview holds the first {cap.attributes.sent.toLocaleString('en')} of {cap.attributes.total.toLocaleString('en')} attributes, {cap.objects.sent.toLocaleString('en')} of{' '}
          {cap.objects.total.toLocaleString('en')} objects and {cap.report.sent.toLocaleString('en')} of {cap.report.total.toLocaleString('en')} report entries
          {cap.truncatedValues > 0 && `; ${cap.truncatedValues.toLocaleString('en')} long values are cut`}. The counts above are the whole event&apos;s; MISP would receive all of it.
        </p>
      )}
      {report.byCode ? <CodeReportView sections={report.byCode} /> : <ReportView sections={report.byShape} />}
      {coverage && <CoverageTable coverage={coverage} />}

      <div className="toolbar">
        <input type="search" placeholder="Filter attributes and objects…" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Filter attributes and objects" />
        {filtered && (
          <span className="muted small" role="status">
            {attributes.length} attributes, {objects.length} objects match
          </span>
        )}
      </div>
      <AttributesTable rows={attributes} total={c.attributes} filtered={filtered} />
      <ObjectsTable rows={objects} total={c.objects} filtered={filtered} />
      <EventJson event={result.event} />
    </div>
  );
}

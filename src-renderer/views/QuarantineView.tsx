import { useFlare } from '../store/context';
import { RunLink } from '../components/RunLink';
import { ListState } from '../components/StateBadge';
import { PreviewResultView } from '../components/PreviewResult';
import { formatTime, n, PROCESS_SHORT } from '../format/format';

/** Packages that failed, why, how often; retry one or all; preview the MISP event each would become. */
export function QuarantineView() {
  const q = useFlare((s) => s.quarantine);
  const busy = useFlare((s) => s.busy);
  const retry = useFlare((s) => s.retryQuarantined);
  const preview = useFlare((s) => s.previewQuarantined);
  const current = useFlare((s) => s.quarantinePreview);
  const close = useFlare((s) => s.closeQuarantinePreview);
  const load = useFlare((s) => s.loadQuarantine);
  const items = q.data ?? [];
  const anyRetry = Object.entries(busy).some(([k, v]) => v && (k === 'retryAll' || k.startsWith('retry:')));
  return (
    <div className="quarantine">
      <section className="card">
        <header>
          <h2>Quarantine</h2>
          <button className="primary" onClick={() => void retry()} disabled={items.length === 0 || anyRetry}>
            {busy.retryAll ? 'Retrying…' : `Retry all${items.length ? ` (${n(items.length)})` : ''}`}
          </button>
        </header>
        <p className="muted">
          Packages that failed (MISP refused them, they could not be converted, an error outlived its retries) wait here with the reason. Runs retry them on their own a few times; after that they
          wait for you. Fix the cause, then retry.
        </p>
      </section>
      <ListState
        what="The quarantine"
        loading={q.loading}
        error={q.error}
        empty={items.length === 0}
        onRetry={() => void load()}
        emptyText={<p>Nothing is quarantined: every package so far was saved, sent or recognised as a duplicate. Packages that fail appear here with the reason.</p>}
      />
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="entries" data-testid="quarantine-table">
            <thead>
              <tr>
                <th scope="col">Package</th>
                <th scope="col">Reason</th>
                <th scope="col" className="num">Attempts</th>
                <th scope="col">First failed (UTC)</th>
                <th scope="col">Last failed (UTC)</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.packageId} className={current?.packageId === item.packageId ? 'selected' : undefined}>
                  <td>
                    <div className="mono wrap">{item.packageId}</div>
                    <div className="muted small">
                      {PROCESS_SHORT[item.processType]} · {item.collection}
                      {item.runId !== undefined && (
                        <>
                          {' '}
                          · <RunLink id={item.runId} />
                        </>
                      )}
                    </div>
                  </td>
                  <td>
                    {item.reason}
                    {item.hint && <p className="hint">{item.hint}</p>}
                    <div className="muted small mono">{item.code}</div>
                  </td>
                  <td className="num">
                    {item.attempts}
                    {item.waitingForPerson && <div className="badge state-partial">waiting for you</div>}
                  </td>
                  <td className="nowrap">{formatTime(item.firstFailedAt)}</td>
                  <td className="nowrap">{formatTime(item.lastFailedAt)}</td>
                  <td>
                    <div className="actions">
                      <button onClick={() => void preview(item.packageId)} disabled={!!busy[`qpreview:${item.packageId}`]} aria-label={`Preview ${item.packageId}`}>
                        Preview
                      </button>
                      <button onClick={() => void retry([item.packageId])} disabled={anyRetry} aria-label={`Retry ${item.packageId}`}>
                        {busy[`retry:${item.packageId}`] ? 'Retrying…' : 'Retry'}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {current && (
        <section className="quarantine-preview" aria-labelledby="qpreview-title" data-testid="quarantine-preview">
          <header className="toolbar">
            <h2 id="qpreview-title">
              Preview of <span className="mono">{current.packageId}</span>
            </h2>
            <button className="link" onClick={close}>
              Close the preview
            </button>
          </header>
          {!current.result && !current.error && (
            <p className="busy" role="status">
              <span className="spinner" aria-hidden="true" /> Converting the saved package…
            </p>
          )}
          {current.error && (
            <div className="banner error" role="alert">
              {current.error.message}
              {current.error.hint && <p className="hint">{current.error.hint}</p>}
            </div>
          )}
          {current.result && <PreviewResultView key={current.packageId} source={{ name: current.packageId, bytes: 0 }} result={current.result} />}
        </section>
      )}
    </div>
  );
}

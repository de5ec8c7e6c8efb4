import { useEffect, useRef, useState, type DragEvent as ReactDragEvent } from 'react';
import { useFlare } from '../store/context';
import { formatBytes, MAX_PREVIEW_BYTES, utf8Bytes } from '../preview/model';
import { PreviewError, PreviewResultView } from '../components/PreviewResult';

const hasFiles = (dt: DataTransfer | null): boolean => !!dt && Array.from(dt.types).includes('Files');

/**
 * "Preview STIX": one STIX 1.x package (a local file, dropped or chosen, or pasted XML) converted by the engine to
 * the MISP event FLARE MISP would send — nothing is sent — with the distribution decision and the report.
 */
export function PreviewView() {
  const preview = useFlare((s) => s.preview);
  const busy = useFlare((s) => !!s.busy.preview);
  const previewFile = useFlare((s) => s.previewFile);
  const previewXml = useFlare((s) => s.previewXml);
  const clearPreview = useFlare((s) => s.clearPreview);
  const [pasted, setPasted] = useState('');
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const dragDepth = useRef(0);

  // A file dropped beside the panel would make the browser open it in place of the app.
  useEffect(() => {
    const stop = (e: DragEvent) => {
      if (hasFiles(e.dataTransfer)) e.preventDefault();
    };
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);

  const take = (files: FileList | null | undefined) => {
    if (!files || files.length === 0 || busy) return;
    const file = files[0]!;
    const note = files.length > 1 ? `${files.length} files were given; only ${file.name} is previewed.` : undefined;
    void previewFile(file, note);
  };
  const submitPasted = () => {
    if (!pasted.trim() || busy) return;
    void previewXml(pasted, { name: 'The pasted XML', bytes: utf8Bytes(pasted), pasted: true });
  };

  const onDragEnter = (e: ReactDragEvent) => {
    if (!hasFiles(e.dataTransfer)) return;
    e.preventDefault();
    dragDepth.current++;
    setDragging(true);
  };
  const onDragOver = (e: ReactDragEvent) => {
    if (!hasFiles(e.dataTransfer)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = busy ? 'none' : 'copy';
  };
  const onDragLeave = () => {
    dragDepth.current = Math.max(0, dragDepth.current - 1);
    if (dragDepth.current === 0) setDragging(false);
  };
  const onDrop = (e: ReactDragEvent) => {
    e.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    take(e.dataTransfer.files);
  };

  const { source, result, error, excerpt } = preview;
  return (
    <div className="preview">
      <section
        className={`card dropzone${dragging ? ' dragging' : ''}`}
        aria-labelledby="preview-title"
        data-testid="preview-dropzone"
        onDragEnter={onDragEnter}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
      >
        <header>
          <h2 id="preview-title">Preview a STIX package</h2>
          {(result || error) && (
            <button className="link" onClick={clearPreview} disabled={busy}>
              Clear
            </button>
          )}
        </header>
        <p className="muted">
          See the MISP event FLARE MISP would make from one STIX 1.x package, which distribution its markings lead to, and what is left out. Nothing is sent to
          MISP.
        </p>
        <div className="preview-inputs">
          <div className="preview-file">
            <p className="drop-hint" aria-hidden="true">
              {dragging ? 'Drop the file to preview it' : 'Drop an .xml file here'}
            </p>
            <button className="primary" onClick={() => fileInput.current?.click()} disabled={busy} aria-describedby="preview-file-limit">
              Choose a file…
            </button>
            <input
              ref={fileInput}
              type="file"
              accept=".xml,text/xml,application/xml"
              hidden
              data-testid="preview-file-input"
              onChange={(e) => {
                take(e.currentTarget.files);
                // The same file chosen again must fire a change again.
                e.currentTarget.value = '';
              }}
            />
            <p className="muted small" id="preview-file-limit">
              One STIX 1.x package (XML), up to {formatBytes(MAX_PREVIEW_BYTES)}.
            </p>
          </div>
          <div className="preview-paste">
            <label htmlFor="preview-xml">Or paste the XML</label>
            <textarea
              id="preview-xml"
              className="mono"
              rows={5}
              spellCheck={false}
              placeholder="<stix:STIX_Package …>"
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  submitPasted();
                }
              }}
              aria-describedby="preview-paste-keys"
            />
            <div className="actions">
              <button onClick={submitPasted} disabled={busy || !pasted.trim()}>
                Preview pasted XML
              </button>
              <span className="muted small" id="preview-paste-keys">
                Ctrl+Enter in the box does the same.
              </span>
            </div>
          </div>
        </div>
      </section>

      <div role="status" aria-live="polite" className="preview-status" data-testid="preview-status">
        {busy && source && (
          <p className="busy">
            <span className="spinner" aria-hidden="true" /> Converting {source.pasted ? 'the pasted XML' : source.name} ({formatBytes(source.bytes)})…
          </p>
        )}
        {source?.note && <p className="muted">{source.note}</p>}
      </div>

      <div aria-busy={busy}>
        {error && source && <PreviewError source={source} error={error} excerpt={excerpt} />}
        {result && source && <PreviewResultView key={preview.id} source={source} result={result} />}
        {!busy && !error && !result && <p className="muted empty">No package previewed yet.</p>}
      </div>
    </div>
  );
}

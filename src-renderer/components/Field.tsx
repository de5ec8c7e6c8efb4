import { useId, useState } from 'react';

/** The keys a refusal of saveConfig names ("mtc.quartz.frequency: expected …", "config.properties line 12: …"). */
export function keysInMessage(message: string, keys: readonly string[]): string[] {
  return keys.filter((k) => new RegExp(`(^|[^\\w.-])${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w.-])`).test(message));
}

/** One labelled setting: a text, secret (masked, with a reveal toggle), select or checkbox, its help and its error. */
export function Field(props: {
  label: string;
  /** The properties key, shown under the label. */
  name: string;
  value: string;
  onChange(value: string): void;
  help?: string | undefined;
  error?: string | undefined;
  secret?: boolean;
  /** A secret that is set: the field stays empty and says so; typing replaces it. */
  secretSet?: boolean;
  options?: { value: string; label: string }[];
  kind?: 'text' | 'checkbox' | 'number' | 'url';
  placeholder?: string;
  list?: string[];
  disabled?: boolean;
  /** The field's accessible name (default: its label). */
  ariaLabel?: string;
}) {
  const id = useId();
  const [reveal, setReveal] = useState(false);
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const described = [props.help ? helpId : '', props.error ? errId : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'aria-describedby': described,
    'aria-invalid': props.error ? true : undefined,
    disabled: props.disabled,
    ...(props.ariaLabel && { 'aria-label': props.ariaLabel }),
  };
  let control: React.ReactNode;
  if (props.kind === 'checkbox') {
    control = <input {...common} type="checkbox" checked={props.value === 'true'} onChange={(e) => props.onChange(e.target.checked ? 'true' : 'false')} />;
  } else if (props.options) {
    control = (
      <select {...common} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else {
    const listId = props.list?.length ? `${id}-list` : undefined;
    control = (
      <span className="field-control">
        <input
          {...common}
          type={props.secret && !reveal ? 'password' : props.kind === 'number' ? 'number' : props.kind === 'url' ? 'url' : 'text'}
          value={props.value}
          placeholder={props.secret && props.secretSet ? '•••••• (set; type to replace)' : props.placeholder}
          autoComplete={props.secret ? 'new-password' : 'off'}
          spellCheck={false}
          list={listId}
          onChange={(e) => props.onChange(e.target.value)}
        />
        {listId && (
          <datalist id={listId}>
            {props.list!.map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        )}
        {props.secret && (
          <button type="button" className="reveal" onClick={() => setReveal(!reveal)} aria-pressed={reveal} aria-label={`${reveal ? 'Hide' : 'Show'} ${props.label}`} disabled={props.disabled}>
            {reveal ? 'Hide' : 'Show'}
          </button>
        )}
      </span>
    );
  }
  return (
    <div className={`field${props.kind === 'checkbox' ? ' checkbox' : ''}${props.error ? ' invalid' : ''}`}>
      <label htmlFor={id}>
        {props.label} <span className="mono key">{props.name}</span>
      </label>
      {control}
      {props.help && (
        <p className="muted small" id={helpId}>
          {props.help}
        </p>
      )}
      {props.error && (
        <p className="field-error" id={errId} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

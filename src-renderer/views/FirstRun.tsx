import { useMemo, useState } from 'react';
import { useFlare } from '../store/context';
import { Field, keysInMessage } from '../components/Field';
import { HealthCard } from '../components/HealthCard';
import { formatTime, relative, PROCESS_LABEL } from '../format/format';
import { nextJob } from './Dashboard';
import { TryDemo } from '../components/DemoBanner';
import type { ApiErrorShape, ConfigView, HealthResult } from '../../shared/api';

type Values = Record<string, string>;

const TAXII_KEYS = [
  'stixtransclient.poll.baseurl',
  'flare.taxii.collection-management.url',
  'stixtransclient.source.collection',
  'flare.taxii.client.cert',
  'flare.taxii.client.key',
  'flare.taxii.client.key.passphrase',
  'client.ssl.key-store',
  'client.ssl.key-store-password',
] as const;
const MISP_KEYS = ['flare.misp.url', 'misp.authorization.key', 'flare.misp.import.mode', 'stixtransclient.misp.published', 'flare.misp.distribution', 'flare.misp.distribution.policy'] as const;
const SCHEDULE_KEYS = ['mtc.processtype', 'mtc.quartz.frequency'] as const;
const SECRETS = new Set(['flare.taxii.client.key.passphrase', 'client.ssl.key-store-password', 'misp.authorization.key']);

/** The collections a TAXII check found (discovery / collection management), by name. */
export function offeredCollections(result: HealthResult | undefined): string[] {
  const list = result?.details?.collections;
  if (!Array.isArray(list)) return [];
  return list.map((c) => (c && typeof c === 'object' && typeof (c as { name?: unknown }).name === 'string' ? (c as { name: string }).name : undefined)).filter((s): s is string => !!s);
}

function initial(config: ConfigView | undefined, keys: readonly string[]): Values {
  const out: Values = {};
  for (const k of keys) {
    const e = config?.entries.find((x) => x.key === k);
    out[k] = e && !e.secret ? e.value : '';
  }
  return out;
}

/** The keys whose value the person changed (a secret only when typed). */
function changes(values: Values, config: ConfigView | undefined, keys: readonly string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const k of keys) {
    const e = config?.entries.find((x) => x.key === k);
    const v = values[k] ?? '';
    if (SECRETS.has(k)) {
      if (v !== '') out[k] = v;
    } else if (v !== (e?.value ?? '')) out[k] = v === '' ? null : v;
  }
  return out;
}

function StepError(props: { error?: ApiErrorShape | undefined }) {
  if (!props.error) return null;
  return (
    <div className="banner error" role="alert" data-testid="step-error">
      <strong>Not saved.</strong> {props.error.message}
      {props.error.hint && <p className="hint">{props.error.hint}</p>}
    </div>
  );
}

function useStep(keys: readonly string[]) {
  const config = useFlare((s) => s.config);
  const save = useFlare((s) => s.saveConfig);
  const [values, setValues] = useState<Values>(() => initial(config, keys));
  const [error, setError] = useState<ApiErrorShape>();
  const [saving, setSaving] = useState(false);
  const set = (k: string) => (v: string) => setValues((old) => ({ ...old, [k]: v }));
  const invalid = useMemo(() => new Set(error ? keysInMessage(error.message, keys) : []), [error, keys]);
  const secretSet = (k: string) => !!config?.entries.find((e) => e.key === k)?.isSet;
  /** Saves what changed, then runs the step's live test. */
  const saveAndTest = async (test: () => Promise<unknown>) => {
    setSaving(true);
    setError(undefined);
    try {
      const c = changes(values, config, keys);
      if (Object.keys(c).length > 0) {
        const r = await save(c, { quiet: true });
        if (!r.ok) {
          setError(r.error);
          return;
        }
      }
      // Secrets are never shown again: the field empties and says "set".
      setValues((old) => Object.fromEntries(Object.entries(old).map(([k, v]) => [k, SECRETS.has(k) ? '' : v])));
      await test();
    } finally {
      setSaving(false);
    }
  };
  const errorFor = (k: string) => (invalid.has(k) ? error?.message : undefined);
  return { values, set, error, saving, saveAndTest, errorFor, secretSet };
}

function TaxiiStep() {
  const health = useFlare((s) => s.health.taxii);
  const busy = useFlare((s) => !!s.busy.checkTaxii);
  const check = useFlare((s) => s.checkTaxii);
  const step = useStep(TAXII_KEYS);
  const [auth, setAuth] = useState<'none' | 'pem' | 'pkcs12'>(() => (step.values['client.ssl.key-store'] ? 'pkcs12' : step.values['flare.taxii.client.cert'] ? 'pem' : 'none'));
  const collections = offeredCollections(health);
  const v = step.values;
  return (
    <section className="card step" aria-labelledby="setup-taxii">
      <h2 id="setup-taxii">1. The TAXII feed</h2>
      <p className="muted">Where FLARE MISP polls STIX packages from (for AIS: the values in your onboarding letter).</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void step.saveAndTest(check);
        }}
      >
        <div className="fields">
          <Field label="Poll service URL" name="stixtransclient.poll.baseurl" kind="url" value={v['stixtransclient.poll.baseurl']!} onChange={step.set('stixtransclient.poll.baseurl')} placeholder="https://taxii.example.gov/taxii-data" error={step.errorFor('stixtransclient.poll.baseurl')} />
          <Field
            label="Collection management URL (optional)"
            name="flare.taxii.collection-management.url"
            kind="url"
            value={v['flare.taxii.collection-management.url']!}
            onChange={step.set('flare.taxii.collection-management.url')}
            help="When set, the check lists the feed's collections to choose from."
            error={step.errorFor('flare.taxii.collection-management.url')}
          />
          {collections.length > 0 ? (
            <Field
              label="Collection"
              name="stixtransclient.source.collection"
              value={v['stixtransclient.source.collection']!}
              onChange={step.set('stixtransclient.source.collection')}
              options={[{ value: '', label: 'Choose a collection…' }, ...collections.map((c) => ({ value: c, label: c }))]}
              help={`${collections.length} collection${collections.length === 1 ? '' : 's'} offered by the server.`}
              error={step.errorFor('stixtransclient.source.collection')}
            />
          ) : (
            <Field
              label="Collection"
              name="stixtransclient.source.collection"
              value={v['stixtransclient.source.collection']!}
              onChange={step.set('stixtransclient.source.collection')}
              help="As in your onboarding letter. With a collection management URL, a check lists the collections the feed offers here."
              error={step.errorFor('stixtransclient.source.collection')}
            />
          )}
          <fieldset className="auth-choice">
            <legend>Client certificate</legend>
            {(
              [
                ['none', 'None'],
                ['pem', 'PEM certificate and key'],
                ['pkcs12', 'PKCS#12 key store (.p12)'],
              ] as const
            ).map(([value, label]) => (
              <label key={value}>
                <input type="radio" name="taxii-auth" value={value} checked={auth === value} onChange={() => setAuth(value)} /> {label}
              </label>
            ))}
          </fieldset>
          {auth === 'pem' && (
            <>
              <Field label="Certificate file" name="flare.taxii.client.cert" value={v['flare.taxii.client.cert']!} onChange={step.set('flare.taxii.client.cert')} help="Path on the machine running FLARE MISP." error={step.errorFor('flare.taxii.client.cert')} />
              <Field label="Private key file" name="flare.taxii.client.key" value={v['flare.taxii.client.key']!} onChange={step.set('flare.taxii.client.key')} error={step.errorFor('flare.taxii.client.key')} />
              <Field label="Key passphrase" name="flare.taxii.client.key.passphrase" secret secretSet={step.secretSet('flare.taxii.client.key.passphrase')} value={v['flare.taxii.client.key.passphrase']!} onChange={step.set('flare.taxii.client.key.passphrase')} error={step.errorFor('flare.taxii.client.key.passphrase')} />
            </>
          )}
          {auth === 'pkcs12' && (
            <>
              <Field label="Key store file" name="client.ssl.key-store" value={v['client.ssl.key-store']!} onChange={step.set('client.ssl.key-store')} help="Path on the machine running FLARE MISP." error={step.errorFor('client.ssl.key-store')} />
              <Field label="Key store password" name="client.ssl.key-store-password" secret secretSet={step.secretSet('client.ssl.key-store-password')} value={v['client.ssl.key-store-password']!} onChange={step.set('client.ssl.key-store-password')} error={step.errorFor('client.ssl.key-store-password')} />
            </>
          )}
        </div>
        <StepError error={step.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={step.saving || busy}>
            {step.saving || busy ? 'Saving and checking…' : 'Save and check the feed'}
          </button>
        </div>
      </form>
      <HealthCard title="TAXII" testId="health-taxii" result={health} busy={busy} onCheck={() => void check()} />
    </section>
  );
}

function MispStep() {
  const health = useFlare((s) => s.health.misp);
  const busy = useFlare((s) => !!s.busy.checkMisp);
  const check = useFlare((s) => s.checkMisp);
  const step = useStep(MISP_KEYS);
  const v = step.values;
  return (
    <section className="card step" aria-labelledby="setup-misp">
      <h2 id="setup-misp">2. The MISP server</h2>
      <p className="muted">Where Poll to MISP sends the packages, as MISP events.</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void step.saveAndTest(check);
        }}
      >
        <div className="fields">
          <Field label="MISP URL" name="flare.misp.url" kind="url" value={v['flare.misp.url']!} onChange={step.set('flare.misp.url')} placeholder="https://misp.example.org" error={step.errorFor('flare.misp.url')} />
          <Field label="API key" name="misp.authorization.key" secret secretSet={step.secretSet('misp.authorization.key')} value={v['misp.authorization.key']!} onChange={step.set('misp.authorization.key')} help="MISP: Administration → List Auth Keys (40 characters)." error={step.errorFor('misp.authorization.key')} />
          <Field
            label="Import mode"
            name="flare.misp.import.mode"
            value={v['flare.misp.import.mode'] || 'native'}
            onChange={step.set('flare.misp.import.mode')}
            options={[
              { value: 'native', label: 'native — convert here (recommended)' },
              { value: 'stix', label: 'stix — MISP’s own upload_stix' },
            ]}
            error={step.errorFor('flare.misp.import.mode')}
          />
          <Field label="Publish events" name="stixtransclient.misp.published" kind="checkbox" value={v['stixtransclient.misp.published'] || 'false'} onChange={step.set('stixtransclient.misp.published')} help="Published events are pushed to connected servers and alert subscribers." />
          <Field
            label="Distribution of shareable packages"
            name="flare.misp.distribution"
            value={v['flare.misp.distribution'] || '0'}
            onChange={step.set('flare.misp.distribution')}
            options={[
              { value: '0', label: '0 — your organisation only' },
              { value: '1', label: '1 — this community' },
              { value: '2', label: '2 — connected communities' },
              { value: '3', label: '3 — all communities' },
              { value: '4', label: '4 — a sharing group' },
            ]}
            help="For TLP:WHITE/GREEN with AIS consent EVERYONE; AMBER, RED and unmarked packages always stay in your organisation."
            error={step.errorFor('flare.misp.distribution')}
          />
          <Field
            label="Distribution policy (optional)"
            name="flare.misp.distribution.policy"
            value={v['flare.misp.distribution.policy']!}
            onChange={step.set('flare.misp.distribution.policy')}
            placeholder="tlp:green=1, ais:usg=0"
            help="marking=level pairs overriding the safe defaults; the most restrictive marking of a package wins."
            error={step.errorFor('flare.misp.distribution.policy')}
          />
        </div>
        <StepError error={step.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={step.saving || busy}>
            {step.saving || busy ? 'Saving and checking…' : 'Save and check the MISP server'}
          </button>
        </div>
      </form>
      <HealthCard title="MISP" testId="health-misp" result={health} busy={busy} onCheck={() => void check()} />
    </section>
  );
}

function ScheduleStep() {
  const jobs = useFlare((s) => s.jobs.data);
  const restart = useFlare((s) => s.restartScheduler);
  const step = useStep(SCHEDULE_KEYS);
  const [saved, setSaved] = useState(false);
  const v = step.values;
  const next = nextJob(jobs);
  return (
    <section className="card step" aria-labelledby="setup-schedule">
      <h2 id="setup-schedule">3. The schedule</h2>
      <p className="muted">What runs on its own, and how often (also while the window is closed).</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          // Saved, then the scheduler starts again with it: the next run it plans is the test.
          void step.saveAndTest(async () => {
            await restart();
            setSaved(true);
          });
        }}
      >
        <div className="fields">
          <Field
            label="Scheduled runs"
            name="mtc.processtype"
            value={v['mtc.processtype'] || 'stixToMisp'}
            onChange={step.set('mtc.processtype')}
            options={[
              { value: 'stixToMisp', label: 'Poll to MISP' },
              { value: 'xmlOutput', label: 'Poll to XML (save files)' },
            ]}
            error={step.errorFor('mtc.processtype')}
          />
          <Field label="Every (minutes)" name="mtc.quartz.frequency" kind="number" value={v['mtc.quartz.frequency'] || '5'} onChange={step.set('mtc.quartz.frequency')} help="1440 polls once a day." error={step.errorFor('mtc.quartz.frequency')} />
        </div>
        <StepError error={step.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={step.saving}>
            Save and start the schedule
          </button>
        </div>
      </form>
      {saved && (
        <p role="status" data-testid="setup-next-run">
          {next ? (
            <>
              Saved. The next run ({PROCESS_LABEL[next.processType]}) starts at {formatTime(next.nextRun)} ({relative(next.nextRun)}).
            </>
          ) : (
            'Saved. No run is scheduled yet: the feed (and MISP for Poll to MISP) must be configured first.'
          )}
        </p>
      )}
    </section>
  );
}

/** The guided first run: feed, MISP, schedule — each saved, then tested live. */
export function FirstRun() {
  const finish = useFlare((s) => s.finishSetup);
  const config = useFlare((s) => s.config);
  const configError = useFlare((s) => s.configError);
  const status = useFlare((s) => s.status);
  const health = useFlare((s) => s.health);
  const ready = !!health.taxii?.ok && !!health.misp?.ok;
  return (
    <div className="first-run" data-testid="first-run">
      <section className="banner info">
        <h2>Welcome to FLARE MISP</h2>
        <p>
          {!status?.taxiiConfigured && 'No TAXII feed is configured yet. '}
          {!status?.mispConfigured && 'No MISP server is configured yet. '}
          Three steps set it up; each is saved into the configuration files{config ? ` in ${config.dir}` : ''} and checked against the server right away.
        </p>
      </section>
      <TryDemo />
      {configError ? (
        <div className="banner error" role="alert">
          {configError.message}
          {configError.hint && <p className="hint">{configError.hint}</p>}
        </div>
      ) : !config ? (
        <p className="muted" role="status">
          Loading the configuration…
        </p>
      ) : (
        <>
          <TaxiiStep />
          <MispStep />
          <ScheduleStep />
        </>
      )}
      <div className="actions">
        <button className={ready ? 'primary' : undefined} onClick={finish}>
          {ready ? 'Done — open the dashboard' : 'Skip the setup — open the dashboard'}
        </button>
      </div>
    </div>
  );
}

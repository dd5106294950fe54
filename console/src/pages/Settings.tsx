import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiFailure, api, type EditableSettings, type SettingsInfo, type SettingsResult, type SettingsUpdate } from '../api.ts';
import { ErrorBox, Loading, Notice } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { fmtDate } from '../format.ts';
import { useSession } from '../session.tsx';
import { useLoad } from '../useLoad.ts';

/** The form's own state: numbers as typed (strings) so a half-typed value is not lost or coerced. */
interface Draft {
  orgName: string;
  domains: string;
  partners: { name: string; domains: string }[];
  tag: string;
  quarantine: string;
  reject: string;
  retentionDays: string;
  recordsPerRecipient: string;
  costLow: string;
  costHigh: string;
}

type Section = 'org' | 'policy' | 'quarantine' | 'exposure' | 'brandPack';
type Errors = Partial<Record<string, string>>;

function toDraft(v: EditableSettings): Draft {
  return {
    orgName: v.org.name,
    domains: v.org.domains.join('\n'),
    partners: v.org.partners.map((p) => ({ name: p.name, domains: p.domains.join(', ') })),
    tag: String(v.policy.thresholds.tag),
    quarantine: String(v.policy.thresholds.quarantine),
    reject: String(v.policy.thresholds.reject),
    retentionDays: String(v.quarantine.retentionDays),
    recordsPerRecipient: String(v.exposure.recordsPerRecipient),
    costLow: String(v.exposure.costPerRecordLow),
    costHigh: String(v.exposure.costPerRecordHigh),
  };
}

const list = (s: string) =>
  s
    .split(/[\s,;]+/)
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i;

function num(v: string): number | null {
  if (v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Checks what can be checked here, so most mistakes are named next to their field before a round trip. */
function validate(d: Draft): { errors: Errors; values: EditableSettings | null } {
  const e: Errors = {};
  const tag = num(d.tag);
  const quarantine = num(d.quarantine);
  const reject = num(d.reject);
  if (tag === null) e.tag = 'Enter a number.';
  if (quarantine === null) e.quarantine = 'Enter a number.';
  if (reject === null) e.reject = 'Enter a number.';
  if (tag !== null && quarantine !== null && tag > quarantine) e.quarantine = 'Must be at least the tag threshold.';
  if (quarantine !== null && reject !== null && quarantine > reject) e.reject = 'Must be at least the quarantine threshold.';
  const retention = num(d.retentionDays);
  if (retention === null || !Number.isInteger(retention) || retention < 1) e.retentionDays = 'Enter a whole number of days, 1 or more.';
  const records = num(d.recordsPerRecipient);
  if (records === null || !Number.isInteger(records) || records < 0) e.recordsPerRecipient = 'Enter a whole number, 0 or more.';
  const low = num(d.costLow);
  const high = num(d.costHigh);
  if (low === null || low < 0) e.costLow = 'Enter an amount, 0 or more.';
  if (high === null || high < 0) e.costHigh = 'Enter an amount, 0 or more.';
  if (low !== null && high !== null && low > high) e.costHigh = 'Must be at least the low estimate.';
  const domains = list(d.domains);
  const badDomain = domains.find((x) => !DOMAIN.test(x));
  if (badDomain) e.domains = `“${badDomain}” is not a domain name.`;
  d.partners.forEach((p, i) => {
    if (!p.name.trim()) e[`partner${i}name`] = 'Give the partner a name.';
    const pd = list(p.domains);
    if (pd.length === 0) e[`partner${i}domains`] = 'Give at least one domain.';
    const bad = pd.find((x) => !DOMAIN.test(x));
    if (bad) e[`partner${i}domains`] = `“${bad}” is not a domain name.`;
  });
  if (Object.keys(e).length) return { errors: e, values: null };
  return {
    errors: e,
    values: {
      org: { name: d.orgName.trim(), domains, partners: d.partners.map((p) => ({ name: p.name.trim(), domains: list(p.domains) })) },
      policy: { thresholds: { tag: tag!, quarantine: quarantine!, reject: reject! } },
      quarantine: { retentionDays: retention! },
      exposure: { recordsPerRecipient: records!, costPerRecordLow: low!, costPerRecordHigh: high! },
      brandPack: { custom: false },
    },
  };
}

function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: (a: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode }) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${error ? 'has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': described })}
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="form-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Server-side errors whose key path lies in this section (e.g. `policy.thresholds: …`). */
function sectionErrors(details: string[], section: Section): string[] {
  return details.filter((line) => {
    const path = line.split(':')[0] ?? '';
    return path.split('.').includes(section);
  });
}

export function SettingsPage() {
  const session = useSession();
  const canWrite = session.can('settings.write');
  const { data, error, loading } = useLoad(() => api.settings(), []);
  const [info, setInfo] = useState<SettingsInfo | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [saveError, setSaveError] = useState<ApiFailure | null>(null);
  const [saved, setSaved] = useState<SettingsResult | null>(null);
  const [brandFile, setBrandFile] = useState<File | null>(null);
  const [brandReset, setBrandReset] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (data) {
      setInfo(data);
      setDraft(toDraft(data.values));
    }
  }, [data]);
  useEffect(() => {
    if (info && window.location.hash) document.getElementById(window.location.hash.slice(1))?.scrollIntoView();
  }, [info]);

  if (error) return <ErrorBox error={error} title="The settings could not be loaded." />;
  if (loading || !info || !draft) return <Loading what="Loading the settings" />;

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft({ ...draft, [k]: v });
  const serverDetails = saveError?.details ?? [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    setSaveError(null);
    const { errors: found, values } = validate(draft);
    setErrors(found);
    if (!values) {
      const first = Object.keys(found)[0];
      const el = first ? document.getElementById(`set-${first}`) : null;
      el?.focus();
      return;
    }
    const change: SettingsUpdate = {};
    const cur = info.values;
    if (JSON.stringify(values.org) !== JSON.stringify(cur.org)) change.org = values.org;
    if (JSON.stringify(values.policy) !== JSON.stringify(cur.policy)) change.policy = values.policy;
    if (JSON.stringify(values.quarantine) !== JSON.stringify(cur.quarantine)) change.quarantine = values.quarantine;
    if (JSON.stringify(values.exposure) !== JSON.stringify(cur.exposure)) change.exposure = values.exposure;
    if (brandFile) change.brandPackJson = await brandFile.text();
    else if (brandReset) change.brandPackJson = null;
    if (Object.keys(change).length === 0) {
      setSaveError(new ApiFailure(400, 'Nothing was changed.'));
      return;
    }
    setBusy(true);
    try {
      const r = await api.saveSettings(change);
      setSaved(r);
      setInfo(r.settings);
      setDraft(toDraft(r.settings.values));
      setBrandFile(null);
      setBrandReset(false);
    } catch (err) {
      setSaveError(err as ApiFailure);
    } finally {
      setBusy(false);
    }
  };

  const SectionErrors = ({ s }: { s: Section }) => {
    const lines = sectionErrors(serverDetails, s);
    return lines.length ? (
      <ul className="form-error section-errors">
        {lines.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
    ) : null;
  };

  return (
    <>
      <PageTitle title="Settings">Settings</PageTitle>
      <p className="muted">
        {info.changedAt ? `Last changed ${fmtDate(info.changedAt)} by ${info.changedBy ?? 'unknown'}.` : 'Not changed from the console yet; these are the configuration file’s values.'}{' '}
        {info.liveReload ? 'Changes to scanning apply to new mail at once.' : 'Changes take effect when Medshield restarts.'}
        {!canWrite && ' Only administrators can change settings.'}
      </p>
      {saved && (
        <Notice kind="success">
          {saved.message}
        </Notice>
      )}
      <ErrorBox error={saveError} title="The settings were not saved." />
      <form onSubmit={submit} noValidate className="settings-form">
        <fieldset className="panel" disabled={!canWrite}>
          <legend>Organisation</legend>
          <SectionErrors s="org" />
          <Field id="set-orgName" label="Name" error={errors.orgName}>
            {(a) => <input {...a} value={draft.orgName} onChange={(e) => set('orgName', e.target.value)} maxLength={200} />}
          </Field>
          <Field id="set-domains" label="Our mail domains" error={errors.domains} hint="One per line. Mail claiming to come from these domains must pass authentication.">
            {(a) => <textarea {...a} rows={3} value={draft.domains} onChange={(e) => set('domains', e.target.value)} spellCheck={false} />}
          </Field>
          <h3 className="sub">Partner organisations</h3>
          <p className="hint">Trusted partners (labs, billing, affiliated clinics). Look-alikes of their domains are flagged.</p>
          {draft.partners.map((p, i) => (
            <div key={i} className="partner-row">
              <Field id={`set-partner${i}name`} label={`Partner ${i + 1} name`} error={errors[`partner${i}name`]}>
                {(a) => <input {...a} value={p.name} onChange={(e) => set('partners', draft.partners.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />}
              </Field>
              <Field id={`set-partner${i}domains`} label="Domains" error={errors[`partner${i}domains`]}>
                {(a) => <input {...a} value={p.domains} placeholder="lab.example.com, example.org" onChange={(e) => set('partners', draft.partners.map((x, j) => (j === i ? { ...x, domains: e.target.value } : x)))} spellCheck={false} />}
              </Field>
              <button type="button" className="btn btn-quiet" onClick={() => set('partners', draft.partners.filter((_, j) => j !== i))} aria-label={`Remove partner ${p.name || i + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="btn" onClick={() => set('partners', [...draft.partners, { name: '', domains: '' }])}>
            Add partner
          </button>
        </fieldset>

        <fieldset className="panel" disabled={!canWrite}>
          <legend>Policy thresholds</legend>
          <SectionErrors s="policy" />
          <p className="hint">A message whose signals add up to at least a threshold gets that action. Each must be at least the one before it.</p>
          <div className="field-row">
            <Field id="set-tag" label="Deliver with a warning at" error={errors.tag}>
              {(a) => <input {...a} type="number" step="0.5" inputMode="decimal" value={draft.tag} onChange={(e) => set('tag', e.target.value)} />}
            </Field>
            <Field id="set-quarantine" label="Quarantine at" error={errors.quarantine}>
              {(a) => <input {...a} type="number" step="0.5" inputMode="decimal" value={draft.quarantine} onChange={(e) => set('quarantine', e.target.value)} />}
            </Field>
            <Field id="set-reject" label="Reject at" error={errors.reject}>
              {(a) => <input {...a} type="number" step="0.5" inputMode="decimal" value={draft.reject} onChange={(e) => set('reject', e.target.value)} />}
            </Field>
          </div>
        </fieldset>

        <fieldset className="panel" disabled={!canWrite}>
          <legend>Retention</legend>
          <SectionErrors s="quarantine" />
          <Field id="set-retentionDays" label="Keep quarantined mail for (days)" error={errors.retentionDays} hint="After this, the content is purged; the record and audit trail stay.">
            {(a) => <input {...a} type="number" min={1} step={1} inputMode="numeric" value={draft.retentionDays} onChange={(e) => set('retentionDays', e.target.value)} />}
          </Field>
        </fieldset>

        <fieldset className="panel" id="exposure" disabled={!canWrite}>
          <legend>Exposure estimate (dashboard)</legend>
          <SectionErrors s="exposure" />
          <p className="hint">Records at risk = recipients of caught attacks × records one mailbox can reach. Cost = records × cost per record.</p>
          <div className="field-row">
            <Field id="set-recordsPerRecipient" label="Patient records one mailbox can reach" error={errors.recordsPerRecipient}>
              {(a) => <input {...a} type="number" min={0} step={1} inputMode="numeric" value={draft.recordsPerRecipient} onChange={(e) => set('recordsPerRecipient', e.target.value)} />}
            </Field>
            <Field id="set-costLow" label="Cost per record, low (USD)" error={errors.costLow}>
              {(a) => <input {...a} type="number" min={0} step="any" inputMode="decimal" value={draft.costLow} onChange={(e) => set('costLow', e.target.value)} />}
            </Field>
            <Field id="set-costHigh" label="Cost per record, high (USD)" error={errors.costHigh}>
              {(a) => <input {...a} type="number" min={0} step="any" inputMode="decimal" value={draft.costHigh} onChange={(e) => set('costHigh', e.target.value)} />}
            </Field>
          </div>
        </fieldset>

        <fieldset className="panel" disabled={!canWrite}>
          <legend>Brand pack</legend>
          <SectionErrors s="brandPack" />
          <p>
            {info.brands.count} brands (source: {info.brands.source}).
          </p>
          <details>
            <summary>Show the brands</summary>
            <p className="brand-names">{info.brands.names.join(', ')}</p>
          </details>
          <Field id="set-brandFile" label="Replace with a brand pack (JSON)" hint="The brands whose names, domains and logos the brand-impersonation check knows.">
            {(a) => (
              <input
                {...a}
                type="file"
                accept=".json,application/json"
                onChange={(e) => {
                  setBrandFile(e.target.files?.[0] ?? null);
                  setBrandReset(false);
                }}
              />
            )}
          </Field>
          {info.values.brandPack.custom && (
            <label className="check">
              <input type="checkbox" checked={brandReset} onChange={(e) => setBrandReset(e.target.checked)} disabled={!!brandFile} /> Go back to the configured brand pack
            </label>
          )}
        </fieldset>

        {canWrite && (
          <div className="form-actions sticky-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save settings'}
            </button>
            <button
              type="button"
              className="btn"
              disabled={busy}
              onClick={() => {
                setDraft(toDraft(info.values));
                setErrors({});
                setSaveError(null);
                setBrandFile(null);
                setBrandReset(false);
              }}
            >
              Undo changes
            </button>
          </div>
        )}
      </form>
    </>
  );
}

import { useState, type FormEvent } from 'react';
import { ApiFailure, api, type ImportResult } from '../api.ts';
import { Addr } from '../components/Addr.tsx';
import { ErrorBox, Loading, Notice } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { fmtInt } from '../format.ts';
import { useSession } from '../session.tsx';
import { useLoad } from '../useLoad.ts';
import { EmptyRow } from '../components/EmptyRow.tsx';
import { TableHead } from '../components/TableHead.tsx';

const PAGE = 100;
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

export function DirectoryPage() {
  const session = useSession();
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const { data: d, error, loading, reload } = useLoad(() => api.directory({ q, limit: PAGE, offset }), [q, offset]);

  const search = (e: FormEvent) => {
    e.preventDefault();
    setOffset(0);
    setQ(draft.trim());
  };

  return (
    <>
      <PageTitle title="Directory">Provider directory</PageTitle>
      <p className="lead">The clinicians, organisations and phone numbers Medshield checks claims in mail against: a message naming a doctor, showing their photo or giving a callback number is compared with this.</p>
      <ErrorBox error={error} title="The directory could not be loaded." />
      {d && (
        <p className="muted">
          Source: {d.source.kind === 'none' ? 'no directory yet' : d.source.kind === 'file' ? `configuration file ${d.source.file ?? ''}` : 'imported into Medshield'}. {d.source.note}
          {d.nppes && ' Clinicians not listed here are also looked up in the national NPPES registry.'}
        </p>
      )}
      {session.can('directory.import') && d?.source.importable && <ImportForm onImported={reload} />}

      <section className="panel" aria-labelledby="people-title">
        <h2 id="people-title">People</h2>
        <form className="inline-form" role="search" onSubmit={search} aria-label="Search the directory">
          <div className="field">
            <label htmlFor="dir-q">Search by name, NPI, email, specialty or organisation</label>
            <input id="dir-q" type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
          </div>
          <button type="submit" className="btn btn-primary">
            Search
          </button>
        </form>
        {loading && !d && <Loading />}
        {d && (
          <>
            <p className="result-count" role="status" aria-live="polite">
              {fmtInt(d.total)} {d.total === 1 ? 'person' : 'people'}
              {q ? ` matching “${q}”` : ''}
            </p>
            <div className={`table-wrap ${loading ? 'stale' : ''}`}>
              <table className="data">
                <TableHead columns={['Photo', 'Name', 'Specialty', 'Organisation', 'Contact on record']} />
                <tbody>
                  {d.persons.length === 0 && <EmptyRow colSpan={5}>{q ? 'Nobody matches.' : 'The directory is empty.'}</EmptyRow>}
                  {d.persons.map((p) => (
                    <tr key={p.id}>
                      <td>
                        {p.photos > 0 ? (
                          <img className="avatar" src={`/api/directory/persons/${encodeURIComponent(p.id)}/photos/0`} alt={`Photo of ${p.name}`} width={44} height={44} loading="lazy" />
                        ) : (
                          <span className="avatar avatar-empty" aria-label="no photo">
                            {p.name
                              .split(/\s+/)
                              .filter((w) => /^[A-Z]/.test(w))
                              .slice(0, 2)
                              .map((w) => w[0])
                              .join('')}
                          </span>
                        )}
                      </td>
                      <td>
                        <div className="cell-main">{p.name}</div>
                        <div className="cell-sub">
                          {[p.credentials.join(', '), p.npi ? `NPI ${p.npi}` : ''].filter(Boolean).join(' · ')}
                        </div>
                      </td>
                      <td>{p.specialty || '—'}</td>
                      <td>
                        {p.organization}
                        {p.kind === 'partner' && <span className="badge tag-partner">partner</span>}
                      </td>
                      <td className="addr">
                        {p.emails.map((e) => (
                          <div key={e}>
                            <Addr value={e} />
                          </div>
                        ))}
                        {p.phones.map((ph) => (
                          <div key={ph} className="mono">
                            {ph}
                          </div>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {d.total > PAGE && (
              <nav className="pager" aria-label="Pages">
                <button type="button" className="btn" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                  Previous
                </button>
                <span>
                  {fmtInt(offset + 1)}–{fmtInt(Math.min(d.total, offset + PAGE))} of {fmtInt(d.total)}
                </span>
                <button type="button" className="btn" disabled={offset + PAGE >= d.total} onClick={() => setOffset(offset + PAGE)}>
                  Next
                </button>
              </nav>
            )}
          </>
        )}
      </section>

      {d && (
        <div className="grid-2">
          <section className="panel" aria-labelledby="org-title">
            <h2 id="org-title">Organisations</h2>
            {d.organizations.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <table className="data compact">
                <TableHead columns={['Name', 'Domains', 'Phones']} />
                <tbody>
                  {d.organizations.map((o) => (
                    <tr key={o.name}>
                      <td>
                        {o.name} {o.kind === 'partner' ? <span className="badge tag-partner">partner</span> : <span className="badge tag-org">us</span>}
                      </td>
                      <td className="addr">{o.domains.join(', ') || '—'}</td>
                      <td className="mono">{o.phones.join(', ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="panel" aria-labelledby="phones-title">
            <h2 id="phones-title">Known phone numbers</h2>
            {d.knownPhones.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <table className="data compact">
                <TableHead columns={['Number', 'Whose']} />
                <tbody>
                  {d.knownPhones.map((p) => (
                    <tr key={p.e164}>
                      <td className="mono">{p.e164}</td>
                      <td>{p.label}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
      )}
    </>
  );
}

function ImportForm({ onImported }: { onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<'' | 'internal' | 'partner'>('');
  const [organization, setOrganization] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | Error | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setResult(null);
    if (file.size > MAX_IMPORT_BYTES) {
      setError(new Error(`${file.name} is ${Math.round(file.size / 1024 / 1024)} MB; the console imports files up to 20 MB. Use \`medshield directory import\` for larger ones.`));
      return;
    }
    setBusy(true);
    try {
      const content = await file.text();
      const r = await api.directoryImport({ filename: file.name, content, ...(kind ? { kind } : {}), ...(organization.trim() ? { organization: organization.trim() } : {}) });
      setResult(r);
      onImported();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="import-title">
      <h2 id="import-title">Import</h2>
      <p className="hint">A roster CSV, a FHIR R4 Bundle (JSON) or a Medshield directory file (JSON or YAML). A file with any bad row is refused whole, and every bad row is listed.</p>
      <ErrorBox error={error} title="Nothing was imported." />
      {result && <Notice kind="success">{result.message}.</Notice>}
      <form className="import-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="imp-file">File</label>
          <input id="imp-file" type="file" accept=".csv,.json,.yaml,.yml" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <div className="field">
          <label htmlFor="imp-kind">These people are</label>
          <select id="imp-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            <option value="">as the file says</option>
            <option value="internal">our staff</option>
            <option value="partner">a partner organisation's staff</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="imp-org">Organisation (for roster CSVs without one)</label>
          <input id="imp-org" value={organization} onChange={(e) => setOrganization(e.target.value)} maxLength={200} />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={!file || busy}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
    </section>
  );
}

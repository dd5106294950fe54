import { useState } from 'react';
import { ApiFailure } from '../api.ts';
import { workflows } from '../api-workflows.ts';
import { InertPreview } from '../components/InertHtml.tsx';
import { ErrorBox, Loading } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { Link } from '../router.tsx';
import { useLoad } from '../useLoad.ts';
import type { SimTemplatePreview, SimTemplateSummary } from '../workflow-types.ts';
import { TableHead } from '../components/TableHead.tsx';

type View = 'mail' | 'landing' | 'jit';
const VIEWS: { id: View; label: string }[] = [
  { id: 'mail', label: 'The email' },
  { id: 'landing', label: 'Landing page' },
  { id: 'jit', label: 'Just-in-time training page' },
];

/** Simulation templates, each teaching one tactic, with a preview that runs and loads nothing. */
export function SimTemplatesPage() {
  const list = useLoad(() => workflows.simTemplates(), []);
  const [chosen, setChosen] = useState<SimTemplateSummary | null>(null);
  const [preview, setPreview] = useState<SimTemplatePreview | null>(null);
  const [view, setView] = useState<View>('mail');
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  const open = async (t: SimTemplateSummary) => {
    setChosen(t);
    setPreview(null);
    setView('mail');
    setError(null);
    setBusy(true);
    try {
      setPreview(await workflows.simPreview(t.id));
    } catch (err) {
      setError(err as ApiFailure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p className="breadcrumb">
        <Link to="/simulations">Simulations</Link> <span aria-hidden="true">›</span> Templates
      </p>
      <PageTitle title="Simulation templates">Simulation templates</PageTitle>
      <p className="lead">Each template teaches one tactic seen in real healthcare phishing and leads to the training module about it.</p>
      <ErrorBox error={list.error} title="The templates could not be loaded." />
      {list.loading && !list.data && <Loading what="Loading templates" />}
      {list.data && (
        <div className="table-wrap">
          <table className="data">
            <caption className="sr-only">Simulation templates</caption>
            <TableHead columns={['Template', 'Tactic', 'Training module', 'Source', 'Preview']} />
            <tbody>
              {list.data.map((t) => (
                <tr key={t.id} className={chosen?.id === t.id ? 'selected' : undefined}>
                  <td className="subject">
                    <div className="cell-main">{t.name}</div>
                    <div className="cell-sub">{t.description}</div>
                  </td>
                  <td className="nowrap">{t.tactic}</td>
                  <td>{t.module ? <Link to={`/training/modules/${t.module}`}>{t.module}</Link> : <span className="muted">—</span>}</td>
                  <td>{t.builtin ? 'shipped' : t.source}</td>
                  <td>
                    <button type="button" className="btn btn-small" onClick={() => void open(t)} aria-label={`Preview ${t.name}`}>
                      Preview
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {chosen && (
        <section className="panel template-preview" aria-labelledby="tpl-preview-title">
          <h2 id="tpl-preview-title">Preview: {chosen.name}</h2>
          <ErrorBox error={error} title="The preview could not be made." />
          {busy && <Loading what="Rendering the preview" />}
          {preview && (
            <>
              <dl className="kv">
                <div>
                  <dt>From</dt>
                  <dd className="addr">{preview.from}</dd>
                </div>
                <div>
                  <dt>Subject</dt>
                  <dd data-testid="template-subject">{preview.subject}</dd>
                </div>
              </dl>
              <p className="hint">As a sample staff member would see it. Links show their target and are not followed; forms do nothing; nothing is loaded.</p>
              <div className="tabs" role="group" aria-label="Part of the simulation">
                {VIEWS.map((v) => (
                  <button key={v.id} type="button" className="tab" aria-pressed={view === v.id} onClick={() => setView(v.id)}>
                    {v.label}
                  </button>
                ))}
              </div>
              <InertPreview key={view} html={view === 'mail' ? preview.html : view === 'landing' ? preview.landing : preview.jit} title={`${chosen.name}: ${VIEWS.find((v) => v.id === view)!.label}`} />
            </>
          )}
        </section>
      )}
    </>
  );
}

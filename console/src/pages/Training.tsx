import { useState, type FormEvent } from 'react';
import { ApiFailure } from '../api.ts';
import { trainingExportUrl, workflows } from '../api-workflows.ts';
import { ErrorBox, Loading, Notice } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { RiskBadge } from '../components/WorkflowBadges.tsx';
import { fmtInt, fmtWhen } from '../format.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../useLoad.ts';
import { EmptyRow } from '../components/EmptyRow.tsx';
import { TableHead } from '../components/TableHead.tsx';

const PEOPLE_SHOWN = 50;

/** Training: modules, assignments, each person's risk score and the department report, with CSV exports. */
export function TrainingPage() {
  const session = useSession();
  const loc = useLocation();
  const person = loc.query.get('person') ?? '';
  const modules = useLoad(() => workflows.modules(), []);
  const people = useLoad(() => workflows.people(), []);
  const departments = useLoad(() => workflows.departments(), []);
  const assignments = useLoad(() => workflows.assignments({ limit: 200 }), []);
  const [search, setSearch] = useState(person);
  const [showAll, setShowAll] = useState(false);
  const [module, setModule] = useState('');
  const [emails, setEmails] = useState('');
  const [error, setError] = useState<ApiFailure | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const assign = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const list = emails.split(/[\s,;]+/).filter(Boolean);
      const r = await workflows.assign(module, list);
      setDone(`${fmtInt(r.assigned)} assigned${r.alreadyOpen ? `, ${fmtInt(r.alreadyOpen)} already had it open` : ''}.`);
      setEmails('');
      assignments.reload();
      people.reload();
    } catch (err) {
      setError(err as ApiFailure);
    }
  };

  const q = search.trim().toLowerCase();
  const matching = (people.data ?? []).filter((p) => !q || p.email.includes(q) || p.name.toLowerCase().includes(q) || p.department.toLowerCase().includes(q));
  const shown = showAll ? matching : matching.slice(0, PEOPLE_SHOWN);
  const moduleTitle = (id: string) => modules.data?.find((m) => m.id === id)?.title ?? id;

  return (
    <>
      <PageTitle title="Training" actions={<Link to="/simulations">Simulations</Link>}>
        Training
      </PageTitle>
      <p className="lead">Modules on the tactics staff meet, assigned by hand or right after someone clicks in a simulation. The risk score weighs simulation outcomes, reports, training and access to patient data.</p>

      <section className="panel" aria-labelledby="mod-title">
        <h2 id="mod-title">Modules</h2>
        <ErrorBox error={modules.error} />
        {modules.loading && !modules.data && <Loading />}
        {modules.data && (
          <ul className="module-list">
            {modules.data.map((m) => (
              <li key={m.id}>
                <Link to={`/training/modules/${m.id}`} className="module-link">
                  {m.title}
                </Link>
                <span className="muted small">
                  {' '}
                  · {m.minutes} min · quiz of {m.questions}
                </span>
                <p className="bar-desc">{m.summary}</p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="people-title">
        <div className="section-head">
          <h2 id="people-title">People by risk</h2>
          <a className="btn btn-small" href={trainingExportUrl('people')} download>
            Export CSV
          </a>
        </div>
        <div className="field search-field">
          <label htmlFor="people-search">Find a person or department</label>
          <input
            id="people-search"
            type="search"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              if (person) navigate('/training', { replace: true });
            }}
          />
        </div>
        <ErrorBox error={people.error} />
        {people.loading && !people.data && <Loading />}
        {people.data && (
          <>
            <div className="table-wrap">
              <table className="data compact" data-testid="people-risk">
                <caption className="sr-only">Staff, highest risk first</caption>
                <TableHead
                  columns={[
                    'Person',
                    'Department',
                    'Risk',
                    'Simulations',
                    { label: 'Modules done', className: 'num' },
                    { label: 'Open (overdue)', className: 'num' },
                  ]}
                />
                <tbody>
                  {shown.length === 0 && <EmptyRow colSpan={6}>Nobody matches.</EmptyRow>}
                  {shown.map((p) => (
                    <tr key={p.email}>
                      <td>
                        <div className="cell-main">{p.name}</div>
                        <div className="cell-sub">
                          {p.email} · {p.role}
                        </div>
                      </td>
                      <td>{p.department}</td>
                      <td>
                        <RiskBadge level={p.risk.level} score={p.risk.score} />
                        <details className="risk-parts">
                          <summary>Why</summary>
                          <ul>
                            {p.risk.parts.map((part) => (
                              <li key={part.label}>
                                {part.label}: {part.points > 0 ? '+' : ''}
                                {part.points}
                              </li>
                            ))}
                            <li>
                              × {p.risk.exposure} for {p.phiAccess} access to patient data
                            </li>
                          </ul>
                        </details>
                      </td>
                      <td className="small">
                        {p.outcome.clicked + p.outcome.submitted + p.outcome.replied + p.outcome.reported === 0 ? (
                          <span className="muted">—</span>
                        ) : (
                          <>
                            {p.outcome.clicked > 0 && <div>clicked {p.outcome.clicked}</div>}
                            {p.outcome.submitted > 0 && <div>submitted {p.outcome.submitted}</div>}
                            {p.outcome.replied > 0 && <div>replied {p.outcome.replied}</div>}
                            {p.outcome.reported > 0 && <div>reported {p.outcome.reported}</div>}
                          </>
                        )}
                      </td>
                      <td className="num">{fmtInt(p.modulesCompleted)}</td>
                      <td className="num">
                        {fmtInt(p.assignmentsOpen)}
                        {p.assignmentsOverdue > 0 && <span className="mismatch"> ({fmtInt(p.assignmentsOverdue)})</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {matching.length > PEOPLE_SHOWN && (
              <p>
                <button type="button" className="btn btn-link" onClick={() => setShowAll((s) => !s)}>
                  {showAll ? `Show the first ${PEOPLE_SHOWN}` : `Show all ${fmtInt(matching.length)}`}
                </button>
              </p>
            )}
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="dep-title">
        <div className="section-head">
          <h2 id="dep-title">Departments</h2>
          <a className="btn btn-small" href={trainingExportUrl('departments')} download>
            Export CSV
          </a>
        </div>
        <ErrorBox error={departments.error} />
        {departments.data && (
          <div className="table-wrap">
            <table className="data compact" data-testid="departments">
              <caption className="sr-only">Risk and training by department</caption>
              <TableHead
                columns={[
                  'Department',
                  { label: 'People', className: 'num' },
                  { label: 'Average risk', className: 'num' },
                  { label: 'High risk', className: 'num' },
                  { label: 'Clicked', className: 'num' },
                  { label: 'Reported', className: 'num' },
                  { label: 'Training done', className: 'num' },
                ]}
              />
              <tbody>
                {departments.data.map((dep) => (
                  <tr key={dep.department}>
                    <th scope="row">{dep.department || '—'}</th>
                    <td className="num">{fmtInt(dep.people)}</td>
                    <td className="num">{Math.round(dep.averageRisk)}</td>
                    <td className="num">{fmtInt(dep.highRisk)}</td>
                    <td className="num">{fmtInt(dep.clicked)}</td>
                    <td className="num">{fmtInt(dep.reported)}</td>
                    <td className="num">
                      {dep.completionRate === null ? <span className="muted">—</span> : `${fmtInt(dep.completed)} / ${fmtInt(dep.assignments)} (${Math.round(dep.completionRate * 100)}%)`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="asg-title">
        <div className="section-head">
          <h2 id="asg-title">Assignments</h2>
          <a className="btn btn-small" href={trainingExportUrl('assignments')} download>
            Export CSV
          </a>
        </div>
        <ErrorBox error={assignments.error} />
        {assignments.data && (
          <div className="table-wrap">
            <table className="data compact" data-testid="assignments">
              <caption className="sr-only">Training assignments</caption>
              <TableHead columns={['Person', 'Module', 'Why', 'Due', 'Done']} />
              <tbody>
                {assignments.data.items.length === 0 && <EmptyRow colSpan={5}>No assignments.</EmptyRow>}
                {assignments.data.items.map((a) => (
                  <tr key={a.id}>
                    <td className="addr">{a.email}</td>
                    <td>
                      <Link to={`/training/modules/${a.module}`}>{moduleTitle(a.module)}</Link>
                    </td>
                    <td>
                      {a.reason === 'simulation' ? (
                        <>
                          after a simulation click{a.campaignId !== null && <> (<Link to={`/simulations/${a.campaignId}`}>#{a.campaignId}</Link>)</>}
                        </>
                      ) : (
                        `assigned by ${a.assignedBy}`
                      )}
                    </td>
                    <td className="nowrap">{fmtWhen(a.dueAt)}</td>
                    <td className="nowrap">
                      {a.cancelledAt ? <span className="muted">cancelled</span> : a.completedAt ? `${fmtWhen(a.completedAt)}${a.bestScore !== null ? ` (${Math.round(a.bestScore * 100)}%)` : ''}` : <span className="muted">not yet</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {session.can('messages.act') && modules.data && (
          <form className="inline-form" onSubmit={(e) => void assign(e)} aria-label="Assign a module">
            <div className="field">
              <label htmlFor="asg-module">Module</label>
              <select id="asg-module" value={module} onChange={(e) => setModule(e.target.value)}>
                <option value="">Choose a module</option>
                {modules.data.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.title}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="asg-emails">Staff addresses (comma or space separated)</label>
              <input id="asg-emails" value={emails} onChange={(e) => setEmails(e.target.value)} />
            </div>
            <button type="submit" className="btn btn-primary" disabled={!module || !emails.trim()}>
              Assign
            </button>
          </form>
        )}
        <ErrorBox error={error} title="Nothing was assigned." />
        {done && <Notice kind="success">{done}</Notice>}
      </section>
    </>
  );
}

import { useMemo } from 'react';
import { workflows } from '../api-workflows.ts';
import { inertBody } from '../components/InertHtml.tsx';
import { Loading } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { Link } from '../router.tsx';
import { useLoad } from '../useLoad.ts';
import { LoadFailed } from '../components/LoadFailed.tsx';

/** A training module as staff read it, and its quiz with the answers (for the security team). */
export function TrainingModulePage({ id }: { id: string }) {
  const m = useLoad(() => workflows.module(id), [id]);
  // The module's Markdown is the repository's own; it is still made inert before it enters the console's page.
  const body = useMemo(() => (m.data ? inertBody(m.data.html.replace(/^\s*<h1>.*?<\/h1>/s, '')) : ''), [m.data]);
  if (m.error) {
    return <LoadFailed page="Training module" error={m.error} what="module" back={{ to: '/training', label: 'Back to training' }} />;
  }
  if (!m.data) return <Loading what="Loading the module" />;
  const mod = m.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/training">Training</Link> <span aria-hidden="true">›</span> Module
      </p>
      <PageTitle title={mod.title}>{mod.title}</PageTitle>
      <p className="lead">
        {mod.summary} <span className="muted">({mod.minutes} minutes; tactics: {mod.tactics.join(', ')})</span>
      </p>
      <div className="grid-2 module-grid">
        <article className="panel module-text" aria-label="Module text" dangerouslySetInnerHTML={{ __html: body }} />
        <section className="panel" aria-labelledby="quiz-title">
          <h2 id="quiz-title">Quiz ({mod.quiz.length} questions)</h2>
          <ol className="quiz">
            {mod.quiz.map((q, i) => (
              <li key={i}>
                <p className="quiz-q">{q.q}</p>
                <ul>
                  {q.options.map((o, j) => (
                    <li key={j} className={j === q.answer ? 'quiz-answer' : undefined}>
                      {o}
                      {j === q.answer && <span className="badge status-released">correct</span>}
                    </li>
                  ))}
                </ul>
                {q.why && <p className="hint">{q.why}</p>}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </>
  );
}

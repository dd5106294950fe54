import { escapeHtml } from '../simulations/html.ts';
import type { Assignment } from './assignment-store.ts';
import type { TrainingModule } from './modules.ts';
import type { QuizResult } from './quiz.ts';

/**
 * The pages a learner sees (no console account needed: the personal, signed link is the
 * key): their assignments, a module with its quiz, and the quiz result.
 */

const STYLE = `body{font-family:Helvetica,Arial,sans-serif;background:#f4f6f8;margin:0;color:#1b1f24;line-height:1.5}
main{max-width:760px;margin:32px auto;background:#fff;border:1px solid #d5dbe1;border-radius:10px;padding:28px 36px}
img{max-width:100%;height:auto;border:1px solid #e0e4e8;border-radius:6px}blockquote{border-left:4px solid #1f5fad;margin:0;padding:4px 16px;background:#f0f5fb}
fieldset{border:1px solid #d5dbe1;border-radius:8px;margin:16px 0;padding:12px 16px}legend{font-weight:bold;padding:0 6px}
label{display:block;margin:6px 0;cursor:pointer}button{padding:11px 20px;border:0;border-radius:5px;background:#1f5fad;color:#fff;font-size:16px;cursor:pointer}
.ok{color:#1e7b34}.bad{color:#b00020}.muted{color:#5c6670;font-size:13px}table{border-collapse:collapse;width:100%}td,th{padding:8px;border-bottom:1px solid #e0e4e8;text-align:left}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

const day = (t: number) => new Date(t).toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

export function learnerHome(o: { name: string; base: string; assignments: Assignment[]; modules: TrainingModule[]; now: number }): string {
  const byId = new Map(o.modules.map((m) => [m.id, m]));
  const rows = o.assignments
    .map((a) => {
      const m = byId.get(a.module);
      const state = a.completedAt ? `<span class="ok">completed ${day(a.completedAt)}</span>` : a.dueAt < o.now ? `<span class="bad">overdue (due ${day(a.dueAt)})</span>` : `due ${day(a.dueAt)}`;
      return `<tr><td><a href="${escapeHtml(`${o.base}/m/${a.module}`)}">${escapeHtml(m?.title ?? a.module)}</a></td><td>${m ? `${m.minutes} min` : ''}</td><td>${state}</td></tr>`;
    })
    .join('');
  const assigned = new Set(o.assignments.map((a) => a.module));
  const more = o.modules.filter((m) => !assigned.has(m.id)).map((m) => `<li><a href="${escapeHtml(`${o.base}/m/${m.id}`)}">${escapeHtml(m.title)}</a> <span class="muted">${m.minutes} min</span></li>`);
  return page(
    'Your security training',
    `<h1>Your security training</h1><p>Hello ${escapeHtml(o.name)}.</p>${
      rows ? `<table><thead><tr><th>Module</th><th>Time</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>Nothing is assigned to you right now.</p>'
    }${more.length ? `<h2>More modules</h2><ul>${more.join('')}</ul>` : ''}`,
  );
}

export function modulePage(o: { module: TrainingModule; action: string; home: string; assignment: Assignment | null }): string {
  const m = o.module;
  const quiz = m.quiz
    .map(
      (q, i) =>
        `<fieldset><legend>Question ${i + 1}</legend><p>${escapeHtml(q.q)}</p>${q.options.map((opt, j) => `<label><input type="radio" name="q${i}" value="${j}" required> ${escapeHtml(opt)}</label>`).join('')}</fieldset>`,
    )
    .join('');
  return page(
    m.title,
    `<p class="muted"><a href="${escapeHtml(o.home)}">Your training</a> · about ${m.minutes} minutes${o.assignment && !o.assignment.completedAt ? ` · due ${day(o.assignment.dueAt)}` : ''}</p>${m.html}<h2>Quiz</h2><form method="post" action="${escapeHtml(o.action)}">${quiz}<button type="submit">Check my answers</button></form>`,
  );
}

export function resultPage(o: { module: TrainingModule; result: QuizResult; passMark: number; completed: boolean; retry: string; home: string }): string {
  const r = o.result;
  const lines = o.module.quiz
    .map((q, i) => {
      const a = r.questions[i]!;
      return `<li><p><strong>${escapeHtml(q.q)}</strong></p><p class="${a.right ? 'ok' : 'bad'}">${a.right ? 'Right' : `Not quite: the answer is “${escapeHtml(q.options[q.answer]!)}”`}</p><p class="muted">${escapeHtml(q.why)}</p></li>`;
    })
    .join('');
  const head = r.passed
    ? `<h1 class="ok">Well done: ${r.correct} of ${r.total}</h1><p>${o.completed ? 'This module is now complete on your training record.' : 'You passed.'}</p>`
    : `<h1 class="bad">${r.correct} of ${r.total}: not yet</h1><p>You need ${Math.ceil(o.passMark * r.total)} right to complete the module. Read the explanations below and <a href="${escapeHtml(o.retry)}">try again</a>.</p>`;
  return page(`${o.module.title}: result`, `${head}<ol>${lines}</ol><p><a href="${escapeHtml(o.home)}">Back to your training</a></p>`);
}

export function learnerError(message: string): string {
  return page('Training link', `<h1>This training link does not work</h1><p>${escapeHtml(message)}</p><p class="muted">Ask your security team for a new link.</p>`);
}

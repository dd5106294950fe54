import type { TrainingModule } from './modules.ts';

export interface QuizResult {
  correct: number;
  total: number;
  /** correct / total, 0–1. */
  score: number;
  passed: boolean;
  /** Per question: what was chosen (null: unanswered), whether it was right, and why the answer is what it is. */
  questions: { chosen: number | null; right: boolean; answer: number; why: string }[];
}

/**
 * Grades a quiz. `answers[i]` is the option chosen for question i (null or out of range:
 * unanswered, which counts as wrong). Passing needs at least `passMark` of the questions right.
 */
export function gradeQuiz(module: Pick<TrainingModule, 'quiz'>, answers: readonly (number | null)[], passMark: number): QuizResult {
  const questions = module.quiz.map((q, i) => {
    const a = answers[i];
    const chosen = typeof a === 'number' && Number.isInteger(a) && a >= 0 && a < q.options.length ? a : null;
    return { chosen, right: chosen === q.answer, answer: q.answer, why: q.why };
  });
  const correct = questions.filter((q) => q.right).length;
  const total = questions.length;
  const score = total ? correct / total : 0;
  // A tiny tolerance so 4/5 passes a 0.8 mark despite floating point.
  return { correct, total, score, passed: score + 1e-9 >= passMark, questions };
}

/** Answers from a submitted form (fields q0, q1, … holding option numbers); anything else is ignored. */
export function answersFromForm(fields: URLSearchParams, questions: number): (number | null)[] {
  return Array.from({ length: questions }, (_, i) => {
    const v = fields.get(`q${i}`);
    return v !== null && /^\d{1,2}$/.test(v) ? Number(v) : null;
  });
}

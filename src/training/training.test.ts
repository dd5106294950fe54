import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadModules, ModuleError } from './modules.ts';
import { answersFromForm, gradeQuiz } from './quiz.ts';
import { reminderDue, reminderSchedule } from './reminders.ts';
import { riskScore } from './risk.ts';
import { trainingSchema } from './settings.ts';
import { parseRoster, RosterError, roleFromCredentials } from './people.ts';

const settings = trainingSchema.parse({});
const DAY = 86_400_000;

describe('training modules', () => {
  const lib = loadModules();

  it('ships the five modules, each with text, an image and a quiz', () => {
    assert.deepEqual(lib.modules.map((m) => m.id).sort(), ['callback-scams', 'clinician-impersonation', 'phi-requests', 'reporting', 'verify-number-of-record']);
    for (const m of lib.modules) {
      assert.ok(m.quiz.length >= 3, m.id);
      assert.ok(m.html.includes('<h1>'), m.id);
      assert.doesNotMatch(m.html, /<script|on\w+=/i, m.id);
    }
    const withImages = lib.modules.filter((m) => m.images.length);
    assert.ok(withImages.length >= 4);
    assert.match(lib.get('callback-scams')!.html, /<img src="\/learn\/assets\/callback-invoice\.svg" alt="[^"]+"/);
  });

  it('finds the module that teaches a tactic', () => {
    assert.equal(lib.forTactic('callback')?.id, 'callback-scams');
    assert.equal(lib.forTactic('credential-page')?.id, 'clinician-impersonation');
    assert.equal(lib.forTactic('something-new')?.id, 'reporting', 'the catch-all module');
  });

  it('refuses a module with a bad quiz, a bad image or no front matter, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medshield-modules-'));
    try {
      mkdirSync(join(dir, 'modules'));
      mkdirSync(join(dir, 'images'));
      const base = (quiz: string, body = '# T\n') => `---\nid: test-module\ntitle: Test\nminutes: 3\nsummary: A test module for the loader.\ntactics: [x]\nquiz:\n${quiz}\n---\n${body}`;
      const q = (answer: number) => `  - { q: "Which one?", options: [a, b], answer: ${answer}, why: "Because it is." }`;
      writeFileSync(join(dir, 'modules', 'a.md'), base(`${q(0)}\n${q(5)}`));
      assert.throws(() => loadModules(join(dir, 'modules')), (e: Error) => e instanceof ModuleError && /a\.md: quiz\.1: answer must be the index/.test(e.message));
      writeFileSync(join(dir, 'modules', 'a.md'), base(`${q(0)}\n${q(1)}`, '![x](https://tracker.example/p.png)\n'));
      assert.throws(() => loadModules(join(dir, 'modules')), /must be \.\.\/images\/NAME/);
      writeFileSync(join(dir, 'modules', 'a.md'), base(`${q(0)}\n${q(1)}`, '![x](../images/missing.svg)\n'));
      assert.throws(() => loadModules(join(dir, 'modules')), /missing\.svg is not in/);
      writeFileSync(join(dir, 'modules', 'a.md'), '# no front matter\n');
      assert.throws(() => loadModules(join(dir, 'modules')), /a\.md: no front matter/);
      writeFileSync(join(dir, 'modules', 'a.md'), base(`${q(0)}\n${q(1)}`, '<script>alert(1)</script>\n<a href="https://x.example" onclick="alert(1)">x</a>\n[x](javascript:alert(1))\n'));
      const lib2 = loadModules(join(dir, 'modules'));
      assert.doesNotMatch(lib2.modules[0]!.html, /script|onclick|javascript/i);
      writeFileSync(join(dir, 'modules', 'a.md'), base(`${q(0)}\n${q(1)}`, '<img src=x onerror=alert(1)>\n'));
      assert.throws(() => loadModules(join(dir, 'modules')), /image 'x' must be/, 'raw image tags are refused like any other image outside ../images');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('grades a quiz: unanswered and out-of-range answers count as wrong; the pass mark is inclusive', () => {
    const m = lib.get('callback-scams')!;
    const right = m.quiz.map((q) => q.answer);
    assert.equal(gradeQuiz(m, right, 0.8).passed, true);
    const oneWrong = [...right];
    oneWrong[0] = (right[0]! + 1) % m.quiz[0]!.options.length;
    const r = gradeQuiz(m, oneWrong, 0.8);
    assert.equal(r.correct, m.quiz.length - 1);
    assert.equal(r.passed, (m.quiz.length - 1) / m.quiz.length >= 0.8);
    assert.equal(gradeQuiz(m, [null, 99, -1], 0.5).correct, 0);
    const form = new URLSearchParams({ q0: '1', q1: 'abc', q2: '2', q9: '1' });
    assert.deepEqual(answersFromForm(form, 3), [1, null, 2]);
  });
});

describe('risk score', () => {
  const w = settings.risk;
  const none = { clicked: 0, submitted: 0, replied: 0, reported: 0, completedModules: 0, overdueModules: 0 };

  it('starts at the baseline, scaled by access to PHI', () => {
    assert.equal(riskScore({ ...none, phiAccess: 'limited' }, w).score, 20);
    assert.equal(riskScore({ ...none, phiAccess: 'full' }, w).score, 26);
    assert.equal(riskScore({ ...none, phiAccess: 'none' }, w).score, 16);
  });

  it('rises with clicks, submissions and replies, falls with reports and completed training', () => {
    const clicked = riskScore({ ...none, phiAccess: 'full', clicked: 1 }, w);
    const submitted = riskScore({ ...none, phiAccess: 'full', submitted: 1 }, w);
    assert.ok(submitted.score > clicked.score && clicked.score > 26);
    assert.equal(clicked.score, Math.round((20 + 15) * 1.3 * 10) / 10);
    const trained = riskScore({ ...none, phiAccess: 'full', clicked: 1, completedModules: 1 }, w);
    assert.ok(trained.score < clicked.score, 'completing a module lowers the score');
    assert.ok(riskScore({ ...none, phiAccess: 'full', reported: 2 }, w).score < 26, 'reporting lowers it');
    assert.ok(riskScore({ ...none, phiAccess: 'full', overdueModules: 1 }, w).score > 26, 'overdue training raises it');
  });

  it('stays within 0–100 and explains itself', () => {
    assert.equal(riskScore({ ...none, phiAccess: 'full', submitted: 10 }, w).score, 100);
    assert.equal(riskScore({ ...none, phiAccess: 'none', reported: 10, completedModules: 5 }, w).score, 0);
    const r = riskScore({ ...none, phiAccess: 'full', clicked: 2, reported: 1 }, w);
    assert.deepEqual(
      r.parts.map((p) => p.label),
      ['baseline', 'clicked in 2 simulation(s)', 'reported 1 simulation(s)'],
    );
    assert.equal(r.level, 'medium');
  });
});

describe('reminders', () => {
  const s = { remindDaysBefore: [3, 0], overdueEveryDays: 7, maxOverdueReminders: 2 };
  const a = { assignedAt: 0, dueAt: 14 * DAY, reminders: 0 };

  it('schedules reminders before the due date and a few after it', () => {
    assert.deepEqual(reminderSchedule(14 * DAY, s), [11 * DAY, 14 * DAY, 21 * DAY, 28 * DAY]);
  });

  it('sends one reminder per scheduled time, and one (not a burst) for several missed', () => {
    assert.deepEqual(reminderDue(a, 10 * DAY, s), { send: false, reminders: 0 });
    assert.deepEqual(reminderDue(a, 11 * DAY, s), { send: true, reminders: 1 });
    assert.deepEqual(reminderDue({ ...a, reminders: 1 }, 12 * DAY, s), { send: false, reminders: 1 });
    assert.deepEqual(reminderDue({ ...a, reminders: 1 }, 22 * DAY, s), { send: true, reminders: 3 });
    assert.deepEqual(reminderDue({ ...a, reminders: 4 }, 400 * DAY, s), { send: false, reminders: 4 });
  });

  it('skips reminder times already past when the assignment was made', () => {
    assert.deepEqual(reminderDue({ assignedAt: 12 * DAY, dueAt: 14 * DAY, reminders: 0 }, 12 * DAY + 1, s), { send: false, reminders: 1 });
    assert.deepEqual(reminderDue({ assignedAt: 12 * DAY, dueAt: 14 * DAY, reminders: 1 }, 14 * DAY, s), { send: true, reminders: 2 });
  });
});

describe('staff roster', () => {
  it('reads roles from credentials', () => {
    assert.equal(roleFromCredentials(['MD', 'FACS']), 'physician');
    assert.equal(roleFromCredentials(['RN', 'BSN']), 'nurse');
    assert.equal(roleFromCredentials(['PA-C']), 'physician assistant');
    assert.equal(roleFromCredentials(['PAC']), 'physician assistant', 'as the directory stores it');
    assert.equal(roleFromCredentials(['PharmD']), 'pharmacist');
    assert.equal(roleFromCredentials([]), 'staff');
  });

  it('reads a roster CSV and refuses one with bad rows, listing each', () => {
    const rows = parseRoster('email,name,department,role,site,phi_access\nAnn.Lee@stmarys-health.org,Ann Lee,Billing,Billing,Main,full\nbob@stmarys-health.org,,,,,\n');
    assert.equal(rows[0]!.email, 'ann.lee@stmarys-health.org');
    assert.equal(rows[0]!.role, 'billing');
    assert.throws(
      () => parseRoster('email,phi_access\nnot-an-address,full\nc@stmarys-health.org,everything\nd@stmarys-health.org,\nd@stmarys-health.org,\n'),
      (e: Error) => e instanceof RosterError && e.errors.length === 3 && /row 2: email/.test(e.errors[0]!) && /row 3: phi_access/.test(e.errors[1]!) && /row 5: d@stmarys-health.org appears twice/.test(e.errors[2]!),
    );
  });
});

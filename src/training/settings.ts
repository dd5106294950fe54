import { z } from 'zod';

/**
 * The `training` section of the configuration file: assignments of training modules, the
 * reminders sent about them, the learner links in those reminders, and the weights of the
 * per-person risk score.
 */

const address = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'not an e-mail address'));

export const PHI_ACCESS = ['none', 'limited', 'full'] as const;
export type PhiAccess = (typeof PHI_ACCESS)[number];

export const trainingSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Where training modules live (Markdown files with a quiz); default: the shipped content/training/modules. */
    modulesDir: z.string().min(1).optional(),
    /** Sender of assignment and reminder mail; default training@<first org domain>. */
    from: address.optional(),
    /** Enrol people who click or submit in a simulation in the module that teaches its tactic. */
    autoEnrol: z.boolean().default(true),
    /** Days from assignment to due date. */
    dueDays: z.number().int().min(1).max(365).default(14),
    /** Reminders before the due date, in days before it (0: on the day). */
    remindDaysBefore: z.array(z.number().int().min(0).max(365)).default([3, 0]),
    /** After the due date, a reminder every this many days, at most `maxOverdueReminders` times. */
    overdueEveryDays: z.number().int().min(1).max(90).default(7),
    maxOverdueReminders: z.number().int().min(0).max(52).default(3),
    /** Share of quiz questions to answer right to complete a module. */
    passMark: z.number().min(0).max(1).default(0.8),
    /** How long the personal learner link in training mail works. */
    learnerLinkDays: z.number().int().min(1).max(365).default(60),
    /**
     * Access to PHI by role (roles come from the staff roster, or from a directory person's
     * credentials: physician, nurse, advanced practice, physician assistant, pharmacist,
     * social worker, staff). Unlisted roles: `defaultPhiAccess`.
     */
    phiAccessByRole: z.record(z.string().min(1), z.enum(PHI_ACCESS)).default({
      physician: 'full',
      nurse: 'full',
      'advanced practice': 'full',
      'physician assistant': 'full',
      pharmacist: 'full',
      'social worker': 'full',
      'front desk': 'limited',
      billing: 'full',
    }),
    defaultPhiAccess: z.enum(PHI_ACCESS).default('limited'),
    /** The risk score's weights (see src/training/risk.ts); events older than `lookbackDays` no longer count. */
    risk: z
      .object({
        lookbackDays: z.number().int().min(1).max(3650).default(365),
        base: z.number().min(0).max(100).default(20),
        clicked: z.number().min(0).max(100).default(15),
        submitted: z.number().min(0).max(100).default(25),
        replied: z.number().min(0).max(100).default(20),
        reported: z.number().min(0).max(100).default(10),
        completedModule: z.number().min(0).max(100).default(8),
        overdueModule: z.number().min(0).max(100).default(10),
        /** Multipliers by access to PHI: the same behaviour puts more at stake with more access. */
        exposure: z
          .object({ none: z.number().min(0).max(5).default(0.8), limited: z.number().min(0).max(5).default(1), full: z.number().min(0).max(5).default(1.3) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type TrainingSettings = z.output<typeof trainingSchema>;

import { KIND_LABEL, type IndicatorKind } from '../features/indicators.ts';
import type { IncidentDetail } from '../views.ts';

/**
 * The exportable incident report: what happened, to whom, what was done, and what the
 * breach could have cost — for the security team's records, management and, where a breach
 * is notifiable, the regulator. Subjects appear only when the detail was read with them.
 */

/** Fingerprints mean nothing to a reader; the report counts them. */
const FINGERPRINTS: ReadonlySet<IndicatorKind> = new Set<IndicatorKind>(['text-minhash', 'image-phash']);

const money = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;
const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export function incidentReportMarkdown(d: IncidentDetail, o: { organisation: string; generatedAt?: Date; generatedBy: string }): string {
  const i = d.incident;
  const e = d.exposure;
  const lines: string[] = [
    `# Incident ${i.id}: ${i.title}`,
    '',
    `- Organisation: ${o.organisation || '—'}`,
    `- Kind: ${i.kind}; severity: ${i.severity}; status: ${i.status}; owner: ${i.owner ?? 'unassigned'}`,
    `- Opened: ${when(i.createdAt)}; last change: ${when(i.updatedAt)}`,
    ...(d.campaign ? [`- Campaign #${d.campaign.id}: ${d.campaign.name} (${d.campaign.status}${d.campaign.blocked ? ', blocked' : ''}), first seen ${when(d.campaign.firstSeen)}, last seen ${when(d.campaign.lastSeen)}`] : []),
    `- Report generated ${when(o.generatedAt ?? new Date())} by ${o.generatedBy}`,
    '',
    '## Breach exposure (estimate)',
    '',
    `- Mailboxes the mail reached: ${e.mailboxesReached} (still holding a copy: ${e.mailboxesStillExposed})`,
    `- Patient records at risk: ${e.recordsAtRisk.toLocaleString('en-US')} (${e.assumptions.recordsPerMailbox.toLocaleString('en-US')} per mailbox)`,
    `- Recovery cost if breached: ${money(e.costLow)} – ${money(e.costHigh)} (${money(e.assumptions.costPerRecordLow)}–${money(e.assumptions.costPerRecordHigh)} per record)`,
    `- Black-market value of the records: up to ${money(e.blackMarketValue)} (${money(e.assumptions.blackMarketPerRecord)} per record)`,
    '',
    `## Messages (${d.messages.length})`,
    '',
    '| received | from | verdict | score | outcome | reported by |',
    '|---|---|---|---|---|---|',
    ...d.messages.slice(0, 500).map((m) => `| ${when(m.receivedAt)} | ${m.fromAddress || '—'}${m.subject !== undefined ? ` — ${m.subject.replace(/\|/g, '/')}` : ''} | ${m.action} | ${m.score} | ${m.outcome} | ${m.reporters.join(', ') || '—'} |`),
    '',
    `## Recipients (${d.recipients.length})`,
    '',
    '| mailbox | delivered | pulled back | not found | stopped |',
    '|---|---|---|---|---|',
    ...d.recipients.map((r) => `| ${r.mailbox} | ${r.delivered} | ${r.removed} | ${r.notFound} | ${r.stopped} |`),
    '',
    `## Indicators (${d.indicators.length})`,
    '',
    ...d.indicators.filter((x) => !FINGERPRINTS.has(x.kind)).map((x) => `- ${KIND_LABEL[x.kind]}: ${x.value}`),
    ...[...FINGERPRINTS].map((k) => [k, d.indicators.filter((x) => x.kind === k).length] as const).filter(([, n]) => n > 0).map(([k, n]) => `- ${KIND_LABEL[k]}: ${n} fingerprint${n === 1 ? '' : 's'}`),
    '',
    '## Pull-backs',
    '',
    ...(d.pullbacks.length ? d.pullbacks.map((p) => `- #${p.id} by ${p.actor}, ${p.action}, ${p.state}${p.finishedAt ? `, finished ${when(p.finishedAt)}` : ''}${p.error ? ` — ${p.error}` : ''}`) : ['- none']),
    '',
    '## Timeline',
    '',
    ...d.timeline.map((t) => `- ${when(t.at)} — ${t.actor}: ${t.summary}${t.note ? `\n  > ${t.note.replace(/\n/g, '\n  > ')}` : ''}`),
    '',
  ];
  return lines.join('\n');
}

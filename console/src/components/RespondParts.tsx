import { fmtInt, fmtUsd, fmtWhen, VERDICT_SHORT } from '../format.ts';
import { Link } from '../router.tsx';
import type { Exposure, Indicator, MessageView, PullbackSummary, RecipientView } from '../workflow-types.ts';
import { Addr } from './Addr.tsx';
import { EmptyRow } from './EmptyRow.tsx';
import { TableHead } from './TableHead.tsx';

/** Pieces shared by the incident and campaign pages: exposure, messages, recipients, indicators, pull-back results. */

const KIND_LABEL: Record<string, string> = {
  'sender-address': 'Sender address',
  'sender-domain': 'Sending domain',
  'reply-to': 'Reply-to address',
  'return-path-domain': 'Bounce domain',
  'client-ip': 'Sending server IP',
  phone: 'Callback number',
  'landing-domain': 'Link domain',
  url: 'Link',
  'attachment-sha256': 'Attachment SHA-256',
  'image-phash': 'Image hash',
  face: 'Directory photo shown',
  'text-minhash': 'Near-duplicate text',
};

/** Similarity fingerprints are long hex strings that mean nothing to a reader: show their start (the whole value is in the tooltip and the exports). */
const FUZZY = new Set(['text-minhash', 'image-phash']);
const FINGERPRINT_SHOWN = 16;

const OUTCOME_LABEL: Record<string, string> = { delivering: 'Delivered', quarantined: 'Quarantined', rejected: 'Rejected', reported: 'Reported' };

export function ExposurePanel({ exposure: e }: { exposure: Exposure }) {
  return (
    <section className="panel exposure" aria-labelledby="exposure-title">
      <h2 id="exposure-title">Breach exposure</h2>
      <div className="exposure-figures">
        <div>
          <span className="big-number">{fmtInt(e.mailboxesReached)}</span>
          <span className="stat-label">mailboxes reached</span>
          <span className="stat-detail">{fmtInt(e.mailboxesStillExposed)} still hold a copy</span>
        </div>
        <div>
          <span className="big-number">{fmtInt(e.recordsAtRisk)}</span>
          <span className="stat-label">patient records at risk</span>
        </div>
        <div>
          <span className="big-number">
            {fmtUsd(e.costLow)}–{fmtUsd(e.costHigh)}
          </span>
          <span className="stat-label">cost of a breach</span>
          <span className="stat-detail">black-market value {fmtUsd(e.blackMarketValue)}</span>
        </div>
      </div>
      <p className="muted small">
        Assumptions: {fmtInt(e.assumptions.recordsPerMailbox)} patient records per mailbox, {fmtUsd(e.assumptions.costPerRecordLow)}–{fmtUsd(e.assumptions.costPerRecordHigh)} per
        breached record to recover, {fmtUsd(e.assumptions.blackMarketPerRecord)} per record on criminal markets.
      </p>
    </section>
  );
}

export function MessagesTable({ messages, showSubjects }: { messages: MessageView[]; showSubjects: boolean }) {
  return (
    <div className="table-wrap">
      <table className="data">
        <caption className="sr-only">Messages</caption>
        <TableHead columns={['Received', 'From', showSubjects && 'Subject', 'Outcome', { label: 'Recipients', className: 'num col-wide-only' }, 'Reported by']} />
        <tbody>
          {messages.length === 0 && <EmptyRow colSpan={6}>No messages.</EmptyRow>}
          {messages.map((m) => (
            <tr key={m.spoolId}>
              <td className="nowrap">
                <Link to={`/messages/${encodeURIComponent(m.spoolId)}`}>{fmtWhen(m.receivedAt)}</Link>
              </td>
              <td className="addr">
                <Addr value={m.fromAddress || '—'} />
              </td>
              {showSubjects && <td className="subject">{m.subject || '(no subject)'}</td>}
              <td>
                <span className={`badge verdict-${m.action}`}>{OUTCOME_LABEL[m.outcome] ?? VERDICT_SHORT[m.action] ?? m.outcome}</span>
              </td>
              <td className="num col-wide-only">{fmtInt(m.recipients)}</td>
              <td className="addr">{m.reporters.length ? m.reporters.join(', ') : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RecipientsTable({ recipients }: { recipients: RecipientView[] }) {
  return (
    <div className="table-wrap">
      <table className="data compact">
        <caption className="sr-only">Recipients and what became of their copies</caption>
        <TableHead
          columns={[
            'Mailbox',
            { label: 'Copies', className: 'num' },
            { label: 'In mailbox', className: 'num' },
            { label: 'Pulled back', className: 'num' },
            { label: 'Stopped', className: 'num' },
          ]}
        />
        <tbody>
          {recipients.length === 0 && <EmptyRow colSpan={5}>No recipients on record.</EmptyRow>}
          {recipients.map((r) => (
            <tr key={r.mailbox}>
              <td className="addr">
                <Addr value={r.mailbox} />
              </td>
              <td className="num">{fmtInt(r.copies)}</td>
              <td className="num">{r.delivered + r.pending > 0 ? <strong>{fmtInt(r.delivered + r.pending)}</strong> : '0'}</td>
              <td className="num">{fmtInt(r.removed + r.notFound)}</td>
              <td className="num">{fmtInt(r.stopped)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function IndicatorsTable({ indicators }: { indicators: (Indicator & { messages?: number; specific?: boolean })[] }) {
  return (
    <div className="table-wrap">
      <table className="data compact">
        <caption className="sr-only">Indicators</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Value</th>
            {indicators.some((i) => i.messages !== undefined) && (
              <th scope="col" className="num">
                Messages
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {indicators.length === 0 && <EmptyRow colSpan={3}>No indicators.</EmptyRow>}
          {indicators.map((i) => (
            <tr key={i.kind + i.value}>
              <td className="nowrap">
                {KIND_LABEL[i.kind] ?? i.kind}
                {i.specific === false && <div className="cell-sub">shared, not blocked</div>}
              </td>
              <td className="mono break indicator-value" title={i.value.length > FINGERPRINT_SHOWN ? i.value : undefined}>
                {FUZZY.has(i.kind) && i.value.length > FINGERPRINT_SHOWN ? `${i.value.slice(0, FINGERPRINT_SHOWN)}…` : i.value}
              </td>
              {i.messages !== undefined && <td className="num">{fmtInt(i.messages)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const PULL_LABEL: Record<string, string> = { removed: 'Removed', 'not-found': 'Not found', error: 'Error' };
const PULL_CLS: Record<string, string> = { removed: 'status-released', 'not-found': 'status-deleted', error: 'verdict-reject' };

export function PullbackResults({ summary: s }: { summary: PullbackSummary }) {
  return (
    <div className="pullback" data-testid="pullback-results">
      <p>
        Pull-back #{s.pullback.id} ({s.pullback.action === 'move' ? 'move to the quarantine folder' : 'delete'}), {s.pullback.state}: {fmtInt(s.removed)} removed, {fmtInt(s.notFound)} not found,{' '}
        {fmtInt(s.errors)} errors in {fmtInt(s.mailboxes)} mailboxes.
        {s.pullback.error && <span className="form-error"> {s.pullback.error}</span>}
      </p>
      {s.results.length > 0 && (
        <div className="table-wrap">
          <table className="data compact">
            <caption className="sr-only">Pull-back result per mailbox</caption>
            <TableHead columns={['Mailbox', 'Result', 'Folders', 'Detail']} />
            <tbody>
              {s.results.map((r, i) => (
                <tr key={i}>
                  <td className="addr">
                    <Addr value={r.mailbox} />
                  </td>
                  <td>
                    <span className={`badge ${PULL_CLS[r.outcome] ?? ''}`}>{PULL_LABEL[r.outcome] ?? r.outcome}</span>
                    {r.found > 1 && <span className="muted small"> ×{r.found}</span>}
                  </td>
                  <td>{r.folders.join(', ') || '—'}</td>
                  <td className="break">{r.detail ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

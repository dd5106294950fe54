import { useEffect, useState } from 'react';
import { ApiFailure } from '../api.ts';
import { campaignExportUrl, workflows } from '../api-workflows.ts';
import { Addr } from '../components/Addr.tsx';
import { ErrorBox, Loading, Notice } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { ExposurePanel, IndicatorsTable, MessagesTable, PullbackResults, RecipientsTable } from '../components/RespondParts.tsx';
import { CampaignStatusBadge } from '../components/WorkflowBadges.tsx';
import { fmtDate, fmtInt, fmtWhen, plural } from '../format.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../useLoad.ts';
import type { PullbackSummary } from '../workflow-types.ts';
import { TableHead } from '../components/TableHead.tsx';
import { ConfirmPanel } from '../components/ConfirmPanel.tsx';
import { LoadFailed } from '../components/LoadFailed.tsx';

type Pending = 'contain' | 'purge' | 'release' | null;

const CONFIRM: Record<Exclude<Pending, null>, { text: string; button: string; danger?: boolean }> = {
  contain: { text: 'Contain this campaign? Later mail with its indicators is quarantined, and delivered copies are pulled back from the mailboxes when a mail store is connected.', button: 'Yes, contain it' },
  purge: { text: 'Remove every delivered copy of this campaign from users’ mailboxes over IMAP? Each mailbox is reported as removed, not found or error.', button: 'Yes, purge mailboxes', danger: true },
  release: { text: 'Lift this campaign’s block? Matching mail will no longer be quarantined because of it. Do this only for a false positive.', button: 'Yes, lift the block' },
};

/** One campaign: timeline, variants, recipients, indicators, reports, pull-backs, exposure; contain, purge, export. */
export function CampaignDetailPage({ id }: { id: string }) {
  const session = useSession();
  const content = session.can('messages.content');
  const canAct = session.can('messages.act');
  const d = useLoad(() => workflows.campaign(id, content), [id, content]);
  const [pending, setPending] = useState<Pending>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pullbackId, setPullbackId] = useState<number | null>(null);
  const [pullback, setPullback] = useState<PullbackSummary | null>(null);

  // A purge runs in the background: look at its results until it has finished.
  const shown = pullbackId ?? d.data?.pullbacks[0]?.id ?? null;
  useEffect(() => {
    if (shown === null) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const look = async (n: number) => {
      try {
        const s = await workflows.pullback(shown);
        if (stop) return;
        setPullback(s);
        if (s.pullback.state === 'running' && n < 20) timer = setTimeout(() => void look(n + 1), Math.min(1000 * 2 ** Math.min(n, 3), 8000));
        else if (n > 0) d.reload();
      } catch (err) {
        if (!stop) setError(err as ApiFailure);
      }
    };
    void look(0);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shown]);

  if (d.error) {
    return <LoadFailed page="Campaign" error={d.error} what="campaign" back={{ to: '/campaigns', label: 'Back to campaigns' }} />;
  }
  if (!d.data) return <Loading what="Loading the campaign" />;
  const c = d.data.campaign;

  const run = async (what: Exclude<Pending, null>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      if (what === 'contain') {
        const r = await workflows.containCampaign(c.id, true);
        setDone(`Campaign contained: later variants are quarantined.${r.pullbackId ? ' Delivered copies are being pulled back.' : r.pullbackAvailable ? '' : ' No mail store is connected, so delivered copies could not be pulled back.'}`);
        if (r.pullbackId) setPullbackId(r.pullbackId);
      } else if (what === 'purge') {
        const r = await workflows.purgeCampaign(c.id);
        setDone('Purge started: results per mailbox appear below.');
        setPullbackId(r.pullbackId);
      } else {
        await workflows.releaseCampaign(c.id);
        setDone('The campaign’s block is lifted.');
      }
      setPending(null);
      d.reload();
    } catch (err) {
      setError(err as ApiFailure);
    } finally {
      setBusy(false);
    }
  };
  const stillDelivered = d.data.recipients.reduce((n, r) => n + r.delivered + r.pending, 0);

  return (
    <div className={d.loading ? 'stale' : undefined}>
      <p className="breadcrumb">
        <Link to="/campaigns">Campaigns</Link> <span aria-hidden="true">›</span> Campaign #{c.id}
      </p>
      <PageTitle title={`Campaign #${c.id}`}>
        #{c.id} {c.name}
      </PageTitle>
      <div className="message-summary panel">
        <div className="badges large">
          <CampaignStatusBadge status={c.status} blocked={c.blocked} />
        </div>
        <dl className="kv">
          <div>
            <dt>Seen</dt>
            <dd>
              {fmtDate(c.firstSeen)} – {fmtDate(c.lastSeen)}
            </dd>
          </div>
          <div>
            <dt>Size</dt>
            <dd>
              {plural(d.data.messages.length, 'message')} from {plural(d.data.variants.length, 'sender')} to {plural(d.data.recipients.length, 'mailbox', 'mailboxes')};{' '}
              {plural(d.data.reporters.length, 'reporter')}
            </dd>
          </div>
          {c.containedAt && (
            <div>
              <dt>Contained</dt>
              <dd>
                {fmtDate(c.containedAt)} by {c.containedBy ?? '—'}
              </dd>
            </div>
          )}
          {d.data.incidentId !== null && (
            <div>
              <dt>Incident</dt>
              <dd>
                <Link to={`/incidents/${d.data.incidentId}`}>Incident #{d.data.incidentId}</Link>
              </dd>
            </div>
          )}
          <div>
            <dt>Export indicators</dt>
            <dd>
              <a href={campaignExportUrl(c.id, 'stix')} download>
                STIX 2.1 bundle
              </a>{' '}
              ·{' '}
              <a href={campaignExportUrl(c.id, 'misp')} download>
                MISP event
              </a>
            </dd>
          </div>
        </dl>
      </div>

      {canAct && (
        <section className="panel actions-panel" aria-labelledby="act-title">
          <h2 id="act-title">Respond</h2>
          <div className="action-buttons">
            {!c.blocked && (
              <button type="button" className="btn btn-primary" onClick={() => setPending('contain')} disabled={busy}>
                Contain campaign
              </button>
            )}
            <button type="button" className="btn btn-danger" onClick={() => setPending('purge')} disabled={busy}>
              Purge delivered copies{stillDelivered ? ` (${fmtInt(stillDelivered)})` : ''}
            </button>
            {c.blocked && (
              <button type="button" className="btn" onClick={() => setPending('release')} disabled={busy}>
                Lift block (false positive)
              </button>
            )}
          </div>
          {pending && (
            <ConfirmPanel
              id="camp-confirm-text"
              text={CONFIRM[pending].text}
              confirmLabel={CONFIRM[pending].button}
              danger={CONFIRM[pending].danger}
              busy={busy}
              onConfirm={() => void run(pending)}
              onCancel={() => setPending(null)}
            />
          )}
        </section>
      )}
      <ErrorBox error={error} title="That did not work." />
      {done && <Notice kind="success">{done}</Notice>}
      {pullback && (
        <section className="panel" aria-labelledby="pull-title">
          <h2 id="pull-title">Pull-back results</h2>
          <PullbackResults summary={pullback} />
        </section>
      )}

      <ExposurePanel exposure={d.data.exposure} />

      <section className="panel" aria-labelledby="ctl-title">
        <h2 id="ctl-title">Timeline</h2>
        <div className="table-wrap">
          <table className="data compact" data-testid="campaign-timeline">
            <caption className="sr-only">Messages per hour by outcome</caption>
            <TableHead
              columns={[
                'Hour',
                { label: 'Delivered', className: 'num' },
                { label: 'Quarantined', className: 'num' },
                { label: 'Rejected', className: 'num' },
                { label: 'Reported', className: 'num' },
                { label: <span className="sr-only">Volume</span> },
              ]}
            />
            <tbody>
              {d.data.timeline.map((h) => {
                const total = h.delivered + h.quarantined + h.rejected + h.reported;
                const max = Math.max(1, ...d.data!.timeline.map((x) => x.delivered + x.quarantined + x.rejected + x.reported));
                return (
                  <tr key={h.hour}>
                    <th scope="row" className="nowrap">
                      {fmtWhen(h.hour)}
                    </th>
                    <td className="num">{fmtInt(h.delivered)}</td>
                    <td className="num">{fmtInt(h.quarantined)}</td>
                    <td className="num">{fmtInt(h.rejected)}</td>
                    <td className="num">{fmtInt(h.reported)}</td>
                    <td className="timeline-bar-cell" aria-hidden="true">
                      <div className="bar">
                        <span style={{ width: `${(total / max) * 100}%` }} />
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <div className="grid-2">
        <section className="panel" aria-labelledby="var-title">
          <h2 id="var-title">Variants ({d.data.variants.length} senders)</h2>
          <div className="table-wrap">
            <table className="data compact">
              <caption className="sr-only">Senders of the campaign</caption>
              <TableHead columns={['Sender', { label: 'Messages', className: 'num' }, 'Last']} />
              <tbody>
                {d.data.variants.map((v) => (
                  <tr key={v.from}>
                    <td className="addr">
                      <Addr value={v.from} />
                    </td>
                    <td className="num">{fmtInt(v.messages)}</td>
                    <td className="nowrap">{fmtWhen(v.last)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section className="panel" aria-labelledby="cind-title">
          <h2 id="cind-title">Indicators ({d.data.indicators.length})</h2>
          <IndicatorsTable indicators={d.data.indicators} />
        </section>
      </div>
      <section className="panel" aria-labelledby="crcpt-title">
        <h2 id="crcpt-title">Recipients ({d.data.recipients.length})</h2>
        <RecipientsTable recipients={d.data.recipients} />
      </section>
      <section className="panel" aria-labelledby="cmsg-title">
        <h2 id="cmsg-title">Messages ({d.data.messages.length})</h2>
        <MessagesTable messages={d.data.messages} showSubjects={content} />
      </section>
      {d.data.reporters.length > 0 && (
        <section className="panel" aria-labelledby="crep-title">
          <h2 id="crep-title">Reported by</h2>
          <ul>
            {d.data.reporters.map((r) => (
              <li key={r.reporter}>
                {r.reporter} {r.verified ? '(verified reporter)' : '(unverified)'}, {fmtDate(r.at)}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

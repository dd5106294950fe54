import { useState } from 'react';
import { ApiFailure } from '../api.ts';
import { workflows } from '../api-workflows.ts';
import { Addr } from '../components/Addr.tsx';
import { ErrorBox, Loading, Notice } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { fmtWhen } from '../format.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../useLoad.ts';
import { fmtPhone } from './Verification.tsx';
import { EmptyRow } from '../components/EmptyRow.tsx';
import { TableHead } from '../components/TableHead.tsx';

/** Verified contacts (their mail is trusted for a while) and the numbers and addresses blocked after failed verifications. */
export function VerifyContactsPage() {
  const session = useSession();
  const canAct = session.can('messages.act');
  const [allContacts, setAllContacts] = useState(false);
  const [allBlocks, setAllBlocks] = useState(false);
  const contacts = useLoad(() => workflows.contacts(allContacts), [allContacts]);
  const blocked = useLoad(() => workflows.blocked(allBlocks), [allBlocks]);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const run = async (f: () => Promise<{ message: string }>, reload: () => void) => {
    setError(null);
    setDone(null);
    try {
      setDone((await f()).message);
      reload();
    } catch (err) {
      setError(err as ApiFailure);
    }
  };

  return (
    <>
      <p className="breadcrumb">
        <Link to="/verify">Verification queue</Link> <span aria-hidden="true">›</span> Contacts and blocks
      </p>
      <PageTitle title="Verified contacts and blocks">Verified contacts and blocked numbers</PageTitle>
      <ErrorBox error={error} />
      {done && <Notice kind="success">{done}</Notice>}

      <section className="panel" aria-labelledby="contacts-title">
        <div className="section-head">
          <h2 id="contacts-title">Verified contacts</h2>
          <label className="check">
            <input type="checkbox" checked={allContacts} onChange={(e) => setAllContacts(e.target.checked)} /> Show expired and revoked
          </label>
        </div>
        <p className="hint">Senders and recipients confirmed by a call to a number on record. Their mail is not held for verification until the entry expires.</p>
        <ErrorBox error={contacts.error} />
        {contacts.loading && !contacts.data && <Loading />}
        {contacts.data && (
          <div className="table-wrap">
            <table className="data">
              <caption className="sr-only">Verified contacts</caption>
              <TableHead columns={['Address', 'Number called', 'Verified', 'Expires', canAct && 'Actions']} />
              <tbody>
                {contacts.data.items.length === 0 && <EmptyRow colSpan={5}>No verified contacts.</EmptyRow>}
                {contacts.data.items.map((c) => (
                  <tr key={c.address + c.verifiedAt}>
                    <td className="addr">
                      <Addr value={c.address} />
                      {!c.active && <span className="badge status-deleted">inactive</span>}
                    </td>
                    <td className="nowrap">{c.phone ? fmtPhone(c.phone) : '—'}</td>
                    <td>
                      {fmtWhen(c.verifiedAt)}
                      <div className="cell-sub">
                        by {c.verifiedBy}
                        {c.taskId !== null && (
                          <>
                            {' '}
                            · <Link to={`/verify/${c.taskId}`}>task #{c.taskId}</Link>
                          </>
                        )}
                      </div>
                    </td>
                    <td>{fmtWhen(c.expiresAt)}</td>
                    {canAct && (
                      <td>
                        {c.active && (
                          <button type="button" className="btn btn-small btn-danger" onClick={() => void run(() => workflows.revokeContact(c.address), contacts.reload)}>
                            Revoke
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="blocked-title">
        <div className="section-head">
          <h2 id="blocked-title">Blocked numbers and addresses</h2>
          <label className="check">
            <input type="checkbox" checked={allBlocks} onChange={(e) => setAllBlocks(e.target.checked)} /> Show lifted blocks
          </label>
        </div>
        <p className="hint">Added when a verification fails. Later mail that gives a blocked number or comes from a blocked address is quarantined.</p>
        <ErrorBox error={blocked.error} />
        {blocked.loading && !blocked.data && <Loading />}
        {blocked.data && (
          <div className="table-wrap">
            <table className="data">
              <caption className="sr-only">Blocked numbers and addresses</caption>
              <TableHead columns={['Blocked', 'Why', 'Since', canAct && 'Actions']} />
              <tbody>
                {blocked.data.items.length === 0 && <EmptyRow colSpan={4}>Nothing is blocked.</EmptyRow>}
                {blocked.data.items.map((b) => (
                  <tr key={b.id}>
                    <td className="addr">
                      <div className="cell-main">{b.kind === 'address' ? <Addr value={b.display} /> : b.display}</div>
                      <div className="cell-sub">{b.kind === 'phone' ? 'phone number' : 'address'}</div>
                    </td>
                    <td>
                      {b.reason}
                      {b.taskId !== null && (
                        <div className="cell-sub">
                          <Link to={`/verify/${b.taskId}`}>task #{b.taskId}</Link>
                        </div>
                      )}
                    </td>
                    <td>
                      {fmtWhen(b.createdAt)}
                      <div className="cell-sub">by {b.createdBy}</div>
                      {b.liftedAt && <div className="cell-sub">lifted {fmtWhen(b.liftedAt)}</div>}
                    </td>
                    {canAct && (
                      <td>
                        {!b.liftedAt && (
                          <button type="button" className="btn btn-small" onClick={() => void run(() => workflows.liftBlock(b.id), blocked.reload)}>
                            Lift block
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

import { workflows } from '../api-workflows.ts';
import { ErrorBox, Loading } from '../components/Notice.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { SimStatusBadge } from '../components/WorkflowBadges.tsx';
import { fmtInt, fmtWhen } from '../format.ts';
import { Link } from '../router.tsx';
import { useLoad } from '../useLoad.ts';
import { EmptyRow } from '../components/EmptyRow.tsx';
import { TableHead } from '../components/TableHead.tsx';

/** Phishing simulation campaigns with their headline figures: what people did, and (apart) what scanners did. */
export function SimulationsPage() {
  const list = useLoad(() => workflows.simCampaigns(), []);
  return (
    <>
      <PageTitle
        title="Simulations"
        actions={
          <div className="button-row">
            <Link to="/simulations/templates">Templates</Link>
            <Link to="/training">Training</Link>
          </div>
        }
      >
        Phishing simulations
      </PageTitle>
      <p className="lead">
        Simulated phish sent to staff through Medshield. Only what people did counts: link scanners and previews are shown apart, never as failures. People who click or submit
        are enrolled in training.
      </p>
      <ErrorBox error={list.error} title="The simulations could not be loaded." />
      {list.loading && !list.data && <Loading what="Loading simulations" />}
      {list.data && (
        <div className="table-wrap">
          <table className="data">
            <caption className="sr-only">Simulation campaigns, newest first</caption>
            <TableHead
              columns={[
                'Campaign',
                'Status',
                { label: 'Delivered', className: 'num' },
                { label: 'People clicked', className: 'num' },
                { label: 'Submitted', className: 'num' },
                { label: 'Reported', className: 'num' },
                { label: 'Scanner requests', className: 'num' },
              ]}
            />
            <tbody>
              {list.data.length === 0 && <EmptyRow colSpan={7}>No simulations yet. Create one with the API or <code>medshield simulations</code>.</EmptyRow>}
              {list.data.map((c) => (
                <tr key={c.id}>
                  <td className="subject">
                    <Link to={`/simulations/${c.id}`}>{c.name}</Link>
                    <div className="cell-sub">
                      {c.launchedAt ? `launched ${fmtWhen(c.launchedAt)}` : `created ${fmtWhen(c.createdAt)}`} by {c.createdBy}
                    </div>
                  </td>
                  <td>
                    <SimStatusBadge status={c.status} />
                  </td>
                  <td className="num">
                    {fmtInt(c.delivered)} / {fmtInt(c.recipients)}
                  </td>
                  <td className="num">{fmtInt(c.people.clicked)}</td>
                  <td className="num">{fmtInt(c.people.submitted)}</td>
                  <td className="num">{fmtInt(c.people.reported)}</td>
                  <td className="num muted">{fmtInt(c.scannerRequests)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

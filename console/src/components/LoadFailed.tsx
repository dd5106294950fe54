import type { ApiFailure } from '../api.ts';
import { Link } from '../router.tsx';
import { ErrorBox } from './Notice.tsx';
import { PageTitle } from './PageTitle.tsx';

/** A detail page whose record could not be loaded: its title, why, and the way back to its list. */
export function LoadFailed({ page, error, what, back }: { page: string; error: ApiFailure | Error; what: string; back: { to: string; label: string } }) {
  return (
    <>
      <PageTitle title={page}>{page}</PageTitle>
      <ErrorBox error={error} title={`The ${what} could not be loaded.`} />
      <p>
        <Link to={back.to}>{back.label}</Link>
      </p>
    </>
  );
}

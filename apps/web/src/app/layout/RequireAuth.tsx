import { Center, Loader } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useI18n } from '../i18n/index.tsx';
import { pathForStage, useMe } from '../session.ts';

/** Lets only a fully signed-in account through. */
export function RequireAuth() {
  const me = useMe();
  const { t } = useI18n();
  const location = useLocation();

  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (me.isError) {
    return (
      <Center h="100vh" p="md">
        <ErrorAlert error={me.error} />
      </Center>
    );
  }
  if (!me.data) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (me.data.stage !== 'complete') return <Navigate to={pathForStage(me.data)} replace />;
  return <Outlet />;
}

import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate } from 'react-router';
import { useT } from '../../app/i18n/index.tsx';
import { pathForStage, useMe, type MeData } from '../../app/session.ts';

/** Renders its page only for a session at `stage`; sends anyone else where they belong. */
export function StageGuard({ stage, children }: { stage: MeData['stage']; children: ReactNode }) {
  const t = useT();
  const me = useMe();
  if (me.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (!me.data) return <Navigate to="/login" replace />;
  if (me.data.stage !== stage) return <Navigate to={pathForStage(me.data)} replace />;
  return <>{children}</>;
}

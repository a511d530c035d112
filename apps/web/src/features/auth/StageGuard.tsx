import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useT } from '../../app/i18n/index.tsx';
import { pathForStage, useMe, type MeData } from '../../app/session.ts';

/**
 * Renders its page only for a session at `stage`; sends anyone else where they belong. A
 * page finishes its step by refreshing the account: this guard then does the one redirect
 * (to where the user was going, when the step completes the sign-in).
 */
export function StageGuard({ stage, children }: { stage: MeData['stage']; children: ReactNode }) {
  const t = useT();
  const me = useMe();
  const from = (useLocation().state as { from?: string } | null)?.from;
  if (me.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (!me.data) return <Navigate to="/login" replace />;
  if (me.data.stage !== stage) {
    return <Navigate to={me.data.stage === 'complete' ? (from ?? '/') : pathForStage(me.data)} replace state={{ from }} />;
  }
  return <>{children}</>;
}

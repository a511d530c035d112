import { createBrowserRouter } from 'react-router';
import { SecurityPage } from '../features/account/SecurityPage.tsx';
import { SessionsPage } from '../features/account/SessionsPage.tsx';
import { AccessLogPage } from '../features/audit/AccessLogPage.tsx';
import { EnrolPage } from '../features/auth/EnrolPage.tsx';
import { ForgotPasswordPage } from '../features/auth/ForgotPasswordPage.tsx';
import { InvitationPage } from '../features/auth/InvitationPage.tsx';
import { LoginPage } from '../features/auth/LoginPage.tsx';
import { ResetPasswordPage } from '../features/auth/ResetPasswordPage.tsx';
import { VerifyPage } from '../features/auth/VerifyPage.tsx';
import { OutboxPage } from '../features/dev/OutboxPage.tsx';
import { ClientPage } from '../features/clients/ClientPage.tsx';
import { ClientsPage } from '../features/clients/ClientsPage.tsx';
import { ImportPage } from '../features/clients/ImportPage.tsx';
import { NewClientPage } from '../features/clients/NewClientPage.tsx';
import { MyAgendaPage } from '../features/my-agenda/MyAgendaPage.tsx';
import { AgendaPage } from '../features/scheduling/AgendaPage.tsx';
import { WaitlistPage } from '../features/waitlist/WaitlistPage.tsx';
import { PracticeHomePage } from '../features/practice/PracticeHomePage.tsx';
import { StartPage } from '../features/practice/StartPage.tsx';
import { SettingsPage } from '../features/settings/SettingsPage.tsx';
import { AppLayout } from './layout/AppLayout.tsx';
import { NotFoundPage } from './layout/NotFoundPage.tsx';
import { PracticeLayout } from './layout/PracticeLayout.tsx';
import { PublicLayout } from './layout/PublicLayout.tsx';
import { RequireAuth } from './layout/RequireAuth.tsx';

/** Every page of the app. Practice pages live under /p/:practiceId. */
export function createRouter() {
  return createBrowserRouter([
    {
      element: <PublicLayout />,
      children: [
        { path: '/login', element: <LoginPage /> },
        { path: '/verify', element: <VerifyPage /> },
        { path: '/enrol', element: <EnrolPage /> },
        { path: '/forgot-password', element: <ForgotPasswordPage /> },
        { path: '/reset-password', element: <ResetPasswordPage /> },
        { path: '/invitation', element: <InvitationPage /> },
        { path: '/dev/outbox', element: <OutboxPage /> },
      ],
    },
    {
      element: <RequireAuth />,
      children: [
        {
          element: <AppLayout />,
          children: [
            { path: '/', element: <StartPage /> },
            { path: '/account/sessions', element: <SessionsPage /> },
            { path: '/account/security', element: <SecurityPage /> },
            { path: '/agenda', element: <MyAgendaPage /> },
            {
              path: '/p/:practiceId',
              element: <PracticeLayout />,
              children: [
                { index: true, element: <PracticeHomePage /> },
                { path: 'settings/:tab?', element: <SettingsPage /> },
                { path: 'access-log', element: <AccessLogPage /> },
                { path: 'agenda', element: <AgendaPage /> },
                { path: 'waitlist', element: <WaitlistPage /> },
                { path: 'clients', element: <ClientsPage /> },
                { path: 'clients/new', element: <NewClientPage /> },
                { path: 'clients/import', element: <ImportPage /> },
                { path: 'clients/:clientId/:tab?', element: <ClientPage /> },
              ],
            },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}

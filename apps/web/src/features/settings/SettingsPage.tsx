import { Alert, Tabs } from '@mantine/core';
import { useNavigate, useParams } from 'react-router';
import { useT } from '../../app/i18n/index.tsx';
import { usePractice } from '../../app/layout/PracticeLayout.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { AbsencesPanel } from './AbsencesPanel.tsx';
import { MyCalendarFeed } from './CalendarFeed.tsx';
import { InvitationsPanel } from './InvitationsPanel.tsx';
import { LocationsPanel } from './LocationsPanel.tsx';
import { ProfileForm } from './ProfileForm.tsx';
import { SchedulingSettingsPanel } from './SchedulingSettingsPanel.tsx';
import { ServicesPanel } from './ServicesPanel.tsx';
import { StaffPanel } from './StaffPanel.tsx';

const TABS = ['profile', 'locations', 'staff', 'services', 'scheduling', 'absences', 'invitations', 'feed'] as const;
type Tab = (typeof TABS)[number];

/**
 * Practice setup in tabs; only owners change anything, others read. Exceptions: owner and
 * back office record leave and closures, and a clinician manages their own calendar feed.
 */
export function SettingsPage() {
  const t = useT();
  const practice = usePractice();
  const navigate = useNavigate();
  const isOwner = practice.roles.includes('owner');
  const isScheduler = isOwner || practice.roles.includes('back_office');
  const isClinician = practice.roles.includes('clinician');
  const visible = TABS.filter((tab) => (tab === 'invitations' ? isOwner : tab === 'feed' ? isClinician : true));
  const { tab: param } = useParams();
  const tab: Tab = visible.find((x) => x === param) ?? 'profile';
  const ownTab = tab === 'feed' || (tab === 'absences' && isScheduler);
  const base = `/p/${practice.practiceId}/settings`;
  return (
    <>
      <PageTitle practiceName={practice.practiceName}>{t('settings.title')}</PageTitle>
      {isOwner || ownTab ? null : (
        <Alert variant="light" mb="md">
          {t('settings.readOnly')}
        </Alert>
      )}
      <Tabs value={tab} onChange={(v) => void navigate(v && v !== 'profile' ? `${base}/${v}` : base)} keepMounted={false}>
        <Tabs.List mb="md">
          {visible.map((x) => (
            <Tabs.Tab key={x} value={x}>
              {t(`settings.tab.${x}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="profile">
          <ProfileForm practiceId={practice.practiceId} canEdit={isOwner} />
        </Tabs.Panel>
        <Tabs.Panel value="locations">
          <LocationsPanel practiceId={practice.practiceId} canEdit={isOwner} />
        </Tabs.Panel>
        <Tabs.Panel value="staff">
          <StaffPanel
            practiceId={practice.practiceId}
            canEdit={isOwner}
            canManageFeeds={isScheduler}
            ownMembershipId={practice.membershipId}
          />
        </Tabs.Panel>
        <Tabs.Panel value="services">
          <ServicesPanel practiceId={practice.practiceId} canEdit={isOwner} />
        </Tabs.Panel>
        <Tabs.Panel value="scheduling">
          <SchedulingSettingsPanel practiceId={practice.practiceId} canEdit={isOwner} />
        </Tabs.Panel>
        <Tabs.Panel value="absences">
          <AbsencesPanel practiceId={practice.practiceId} canEdit={isScheduler} />
        </Tabs.Panel>
        {isClinician ? (
          <Tabs.Panel value="feed">
            <MyCalendarFeed practiceId={practice.practiceId} membershipId={practice.membershipId} />
          </Tabs.Panel>
        ) : null}
        {isOwner ? (
          <Tabs.Panel value="invitations">
            <InvitationsPanel practiceId={practice.practiceId} />
          </Tabs.Panel>
        ) : null}
      </Tabs>
    </>
  );
}

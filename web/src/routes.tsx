// The app's pages in one table: each entry is a route, and entries with a `nav` label also
// appear in the header's navigation, in this order. To add a page (Jobs, Runs, Datasets,
// Connections, ...), create it in pages/ and add one entry here.
//
// Every page needs a signed-in user unless it is `public`. A page with a `permission` is for
// users who hold it: its navigation link is hidden from everyone else. That is only about what
// to show; the page still asks the server, which refuses (403) what the user may not do.
import type { ReactNode } from 'react';
import type { Me } from './api/auth';
import { hasPermission, kPermission } from './auth/permissions';
import type { Messages } from './i18n';
import { AccountPage } from './pages/AccountPage';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { AuditPage } from './pages/AuditPage';
import { ConnectionsPage } from './pages/ConnectionsPage';
import { DatasetPage } from './pages/DatasetPage';
import { DatasetsPage } from './pages/DatasetsPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { UsersPage } from './pages/UsersPage';
import { JobEditorPage } from './pages/JobEditorPage';
import { JobsPage } from './pages/JobsPage';
import { RunPage } from './pages/RunPage';
import { RunsPage } from './pages/RunsPage';
// -- page imports of Jobs and Runs go above this line, in alphabetical order --

export interface PageRoute {
  /** Route path, as React Router matches it (e.g. "/jobs" or "/jobs/:jobId"). */
  path: string;
  element: ReactNode;
  /** Present when the page has a link in the header's navigation (label: a key of m.nav). */
  nav?: { label: Exclude<keyof Messages['nav'], 'label'> };
  /** The permission the page is for; its navigation link shows only to users holding it. */
  permission?: string;
  /** Shown without signing in, outside the app's frame (the sign-in page only). */
  public?: boolean;
}

export const pageRoutes: PageRoute[] = [
  { path: '/', element: <HomePage />, nav: { label: 'home' } },
  {
    path: '/jobs',
    element: <JobsPage />,
    nav: { label: 'jobs' },
    permission: kPermission.jobsRead,
  },
  { path: '/jobs/new', element: <JobEditorPage />, permission: kPermission.jobsWrite },
  { path: '/jobs/:jobId', element: <JobEditorPage />, permission: kPermission.jobsRead },
  // -- Jobs pages: /jobs, /jobs/new, /jobs/:jobId ... --
  {
    path: '/runs',
    element: <RunsPage />,
    nav: { label: 'runs' },
    permission: kPermission.runsRead,
  },
  { path: '/runs/:runId', element: <RunPage />, permission: kPermission.runsRead },
  // -- Runs pages: /runs, /runs/:runId ... --
  {
    path: '/datasets',
    element: <DatasetsPage />,
    nav: { label: 'datasets' },
    permission: kPermission.datasetsRead,
  },
  { path: '/datasets/:name', element: <DatasetPage />, permission: kPermission.datasetsRead },
  {
    path: '/connections',
    element: <ConnectionsPage />,
    nav: { label: 'connections' },
    permission: kPermission.connectionsRead,
  },
  {
    path: '/account/api-keys',
    element: <ApiKeysPage />,
    nav: { label: 'apiKeys' },
    permission: kPermission.accountSelf,
  },
  {
    path: '/admin/users',
    element: <UsersPage />,
    nav: { label: 'users' },
    permission: kPermission.usersAdmin,
  },
  {
    path: '/admin/audit',
    element: <AuditPage />,
    nav: { label: 'audit' },
    permission: kPermission.auditRead,
  },
  { path: '/account', element: <AccountPage /> },
  { path: '/login', element: <LoginPage />, public: true },
];

/** The navigation entries `me` may see, in table order. */
export function navEntries(me: Me | null, routes: PageRoute[] = pageRoutes) {
  return routes.flatMap((page) =>
    page.nav && !page.public && hasPermission(me, page.permission)
      ? [{ path: page.path, label: page.nav.label }]
      : [],
  );
}

// The app's pages in one table: each entry is a route, and entries with a `nav` label also
// appear in the header's navigation, in this order. To add a page (Jobs, Runs, Datasets,
// Connections, Admin, ...), create it in pages/ and add one entry here.
import type { ReactNode } from 'react';
import { HomePage } from './pages/HomePage';

export interface PageRoute {
  /** Route path, as React Router matches it (e.g. "/jobs" or "/jobs/:jobId"). */
  path: string;
  element: ReactNode;
  /** Present when the page has a link in the header's navigation. */
  nav?: { label: string };
}

export const pageRoutes: PageRoute[] = [
  { path: '/', element: <HomePage />, nav: { label: 'Home' } },
];

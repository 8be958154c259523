// Datasets: one hook per operation of /api/v1/datasets that the dashboard reads as JSON, and
// the URLs of those a browser or a program fetches directly (download, NDJSON, CSV).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ApiError, type Schemas, api, call, kUnexpectedResponse } from './client';
import { type DatasetRowsWindow, queryKeys } from './queryKeys';

export type Dataset = Schemas['Dataset'];
export type DatasetVersion = Schemas['DatasetVersion'];
export type DatasetVersionList = Schemas['DatasetVersionList'];
export type DatasetRowsPage = Schemas['DatasetRowsPage'];

/** The path of a dataset's API resource, with the name escaped (e.g. "/api/v1/datasets/x"). */
export function datasetPath(name: string): string {
  return `/api/v1/datasets/${encodeURIComponent(name)}`;
}

/** GET .../download: the current version's file, as exported (CSV or gzip). */
export function datasetDownloadPath(name: string): string {
  return `${datasetPath(name)}/download`;
}

/** GET .../rows with `query` (e.g. "limit=50&offset=0", or "format=ndjson&limit=all"). */
export function datasetRowsPath(name: string, query: string): string {
  return `${datasetPath(name)}/rows${query ? `?${query}` : ''}`;
}

/** GET /api/v1/datasets: the datasets the caller may read, by name. */
export function useDatasets() {
  return useQuery({
    queryKey: queryKeys.datasets,
    queryFn: ({ signal }) => call(api.GET('/api/v1/datasets', { signal })),
    select: (list) => list.datasets,
  });
}

/** GET /api/v1/datasets/{name}: the dataset and its current version. */
export function useDataset(name: string) {
  return useQuery({
    queryKey: queryKeys.dataset(name),
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/datasets/{name}', { params: { path: { name } }, signal })),
  });
}

/** GET /api/v1/datasets/{name}/versions: the kept versions, newest first. */
export function useDatasetVersions(name: string) {
  return useQuery({
    queryKey: queryKeys.datasetVersions(name),
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/datasets/{name}/versions', { params: { path: { name } }, signal })),
  });
}

/**
 * GET /api/v1/datasets/{name}/rows: one page of the current version, as JSON. While the next
 * page loads the previous one stays on screen (placeholder data), so the table does not jump.
 */
export function useDatasetRows(name: string, window: DatasetRowsWindow) {
  return useQuery({
    queryKey: queryKeys.datasetRows(name, window),
    queryFn: async ({ signal }): Promise<DatasetRowsPage> => {
      const page = await call(
        api.GET('/api/v1/datasets/{name}/rows', {
          params: { path: { name }, query: { limit: window.limit, offset: window.offset } },
          signal,
        }),
      );
      // The route also speaks NDJSON and CSV; asked for JSON, anything but a page is wrong.
      if (typeof page !== 'object' || page === null) {
        throw new ApiError(200, kUnexpectedResponse, 'The rows answer is not a JSON page.');
      }
      return page;
    },
    placeholderData: keepPreviousData,
  });
}

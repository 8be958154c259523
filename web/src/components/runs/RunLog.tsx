import { useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../api/queryKeys';
import { useRunEvents } from '../../api/runEvents';
import { type RunDetail, mergeRun } from '../../api/runs';
import { LogView } from './LogView';

/**
 * The run's live log. Its event stream also keeps the cached run current: each `status` and
 * `progress` event updates it (so the page's status and progress bar follow), and the `end`
 * event refreshes what the finished run changed (attempts, files, lists). Only this component
 * re-renders as lines arrive.
 */
export function RunLog({ runId, enabled }: { runId: string; enabled: boolean }) {
  const queryClient = useQueryClient();
  const events = useRunEvents(runId, {
    enabled,
    onRun: (run) =>
      queryClient.setQueryData<RunDetail>(queryKeys.run(runId), (old) => mergeRun(old, run)),
    onProgress: (progress) =>
      queryClient.setQueryData<RunDetail>(queryKeys.run(runId), (old) =>
        old ? { ...old, progress } : old,
      ),
    onEnd: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.runs });
    },
  });
  return <LogView lines={events.lines} version={events.version} connection={events.connection} />;
}

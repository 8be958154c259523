import { act, fireEvent, renderHook, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorResponse, renderApp } from '../../test/helpers';
import { fakeJobsApi, job, previewTimes, schedule } from '../../test/jobsApi';
import { useDebouncedValue } from '../useDebouncedValue';
import { formatInZone } from './fireTimes';

/** The preview waits for typing to pause (400 ms); real timers, so allow for it. */
const kPreviewWait = { timeout: 3000 };

async function openBuilder() {
  fireEvent.click(await screen.findByRole('button', { name: 'Add schedule' }));
  return screen.findByRole('dialog', { name: 'New schedule' });
}

function fires(dialog: HTMLElement) {
  return within(within(dialog).getByTestId('next-fires'))
    .getAllByRole('listitem')
    .map((item) => item.querySelector('time'));
}

describe('the schedule builder', () => {
  it('describes a typed cron, previews its next fires in the zone and saves it', async () => {
    const api = fakeJobsApi('editor', { jobs: [job()] });
    renderApp('/jobs/j1');
    const dialog = await openBuilder();
    const cron = within(dialog).getByLabelText('Cron expression') as HTMLInputElement;
    expect(cron.value).toBe('0 6 * * 1-5');
    expect(within(dialog).getByTestId('cron-meaning').textContent).toBe('Every weekday at 06:00');

    fireEvent.change(within(dialog).getByLabelText('Time zone'), {
      target: { value: 'America/Sao_Paulo' },
    });
    fireEvent.change(cron, { target: { value: '30 12 * * *' } });
    // The words follow each key at once; the server is asked once typing pauses.
    expect(within(dialog).getByTestId('cron-meaning').textContent).toBe('Every day at 12:30');
    await waitFor(
      () =>
        expect(api.bodies('POST /api/v1/schedules/preview')).toContainEqual({
          cron: '30 12 * * *',
          timezone: 'America/Sao_Paulo',
          enabled: true,
        }),
      kPreviewWait,
    );
    await waitFor(() => expect(within(dialog).getByTestId('next-fires').className).toBe('next-fires'));
    const times = fires(dialog);
    expect(times).toHaveLength(5);
    expect(times.map((t) => t?.getAttribute('dateTime'))).toEqual(previewTimes(5));
    expect(times[0]?.textContent).toBe(formatInZone('en', previewTimes(1)[0]!, 'America/Sao_Paulo'));
    expect(within(dialog).getByText('In America/Sao_Paulo.')).toBeTruthy();
    expect(api.sent.some((s) => s.path === 'POST /api/v1/schedules/preview?count=5')).toBe(true);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByText('Schedule added.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.bodies('POST /api/v1/jobs/j1/schedules')).toEqual([
      {
        cron: '30 12 * * *',
        timezone: 'America/Sao_Paulo',
        misfire: { policy: 'skip' },
        enabled: true,
      },
    ]);
    expect(await screen.findByText('Every day at 12:30', { selector: '.schedule-text' })).toBeTruthy();
  });

  it('makes the cron expression from checked weekdays, hours and minutes', async () => {
    const api = fakeJobsApi('editor', { jobs: [job()] });
    renderApp('/jobs/j1');
    const dialog = await openBuilder();
    fireEvent.click(within(dialog).getByLabelText('Pick days and times'));
    const weekdays = within(dialog).getByRole('group', { name: 'Days of the week' });
    const hours = within(dialog).getByRole('group', { name: 'Hours' });
    const minutes = within(dialog).getByRole('group', { name: 'Minutes' });
    // The picker starts from the expression typed before.
    expect((within(weekdays).getByLabelText('Monday') as HTMLInputElement).checked).toBe(true);
    expect((within(weekdays).getByLabelText('Sunday') as HTMLInputElement).checked).toBe(false);
    expect((within(hours).getByLabelText('06') as HTMLInputElement).checked).toBe(true);

    fireEvent.click(within(weekdays).getByLabelText('Friday'));
    fireEvent.click(within(hours).getByLabelText('12'));
    fireEvent.click(within(minutes).getByLabelText(':30'));
    expect(within(dialog).getByTestId('picker-cron').textContent).toBe(
      'Makes the cron expression: 0,30 6,12 * * 1-4',
    );
    expect(within(dialog).getByTestId('cron-meaning').textContent).toBe(
      'From Monday to Thursday at 06:00, 06:30, 12:00 and 12:30',
    );
    fireEvent.click(within(hours).getByLabelText('06'));
    fireEvent.click(within(hours).getByLabelText('12'));
    expect(within(dialog).getByTestId('picker-cron').textContent).toBe(
      'Pick at least one hour and one minute.',
    );
    fireEvent.click(within(hours).getByLabelText('18'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save schedule' }));
    await waitFor(() => expect(api.bodies('POST /api/v1/jobs/j1/schedules')).toHaveLength(1));
    expect(api.bodies('POST /api/v1/jobs/j1/schedules')[0]).toMatchObject({ cron: '0,30 18 * * 1-4' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('shows problems next to the field: its own reading, the preview’s and the save’s', async () => {
    const api = fakeJobsApi('editor', { jobs: [job()] });
    renderApp('/jobs/j1');
    const dialog = await openBuilder();
    const cron = within(dialog).getByLabelText('Cron expression');
    await waitFor(() => expect(api.bodies('POST /api/v1/schedules/preview')).toHaveLength(1), kPreviewWait);

    fireEvent.change(cron, { target: { value: '0 25 * * *' } });
    expect(cron.getAttribute('aria-invalid')).toBe('true');
    expect(
      within(dialog).getByText('The hour field takes 0 to 23 (from lowest to highest): "25" does not fit.'),
    ).toBeTruthy();

    api.fail['POST /api/v1/schedules/preview'] = errorResponse(422, 'validation', 'unknown time zone', {
      field: 'timezone',
    });
    fireEvent.change(cron, { target: { value: '0 7 * * *' } });
    expect(await within(dialog).findByText('unknown time zone', {}, kPreviewWait)).toBeTruthy();
    expect(within(dialog).getByLabelText('Time zone').getAttribute('aria-invalid')).toBe('true');
    expect(cron.getAttribute('aria-invalid')).toBeNull();

    api.fail['POST /api/v1/jobs/j1/schedules'] = errorResponse(422, 'validation', 'cron: too often', {
      field: 'cron',
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save schedule' }));
    expect(await within(dialog).findByText('cron: too often')).toBeTruthy();
    expect(cron.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('dialog', { name: 'New schedule' })).toBeTruthy();
  });

  it('switches, edits and deletes schedules in the list', async () => {
    const api = fakeJobsApi('editor', { jobs: [job()], schedules: [schedule()] });
    renderApp('/jobs/j1');
    const toggle = (await screen.findByRole('switch', {
      name: 'Enabled Every weekday at 06:00',
    })) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    fireEvent.click(toggle);
    await waitFor(() => expect(toggle.checked).toBe(false));
    expect(api.bodies('PUT /api/v1/schedules/s1')).toEqual([
      {
        cron: '0 6 * * 1-5',
        timezone: 'America/Sao_Paulo',
        misfire: { policy: 'skip', grace_seconds: 60 },
        enabled: false,
      },
    ]);

    fireEvent.click(screen.getByRole('button', { name: 'Edit Every weekday at 06:00' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit schedule' });
    expect((within(dialog).getByLabelText('Time zone') as HTMLSelectElement).value).toBe(
      'America/Sao_Paulo',
    );
    expect((within(dialog).getByLabelText('Enabled') as HTMLInputElement).checked).toBe(false);
    fireEvent.change(within(dialog).getByLabelText('Cron expression'), { target: { value: '0 7 * * 1-5' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByText('Schedule saved.')).toBeTruthy();
    expect(api.bodies('PUT /api/v1/schedules/s1')[1]).toMatchObject({ cron: '0 7 * * 1-5', enabled: false });

    fireEvent.click(await screen.findByRole('button', { name: 'Delete Every weekday at 07:00' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete this schedule?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Schedule deleted.')).toBeTruthy();
    expect(await screen.findByText('No schedules: the job runs only when someone starts it.')).toBeTruthy();
  });

  it('speaks Portuguese when the page does', async () => {
    localStorage.setItem('batuta.language', 'pt-BR');
    fakeJobsApi('editor', { jobs: [job()], schedules: [schedule()] });
    renderApp('/jobs/j1');
    expect(await screen.findByText('Todo dia útil às 06:00', { selector: '.schedule-text' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Adicionar agendamento' }));
    const dialog = await screen.findByRole('dialog', { name: 'Novo agendamento' });
    fireEvent.change(within(dialog).getByLabelText('Expressão cron'), {
      target: { value: '0 8 * * 1,6' },
    });
    expect(within(dialog).getByTestId('cron-meaning').textContent).toBe(
      'Às segundas e aos sábados às 08:00',
    );
  });
});

describe('useDebouncedValue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the value only once it has held still for the delay', () => {
    vi.useFakeTimers();
    const { result, rerender } = renderHook(({ value }) => useDebouncedValue(value, 400, value), {
      initialProps: { value: 'a' },
    });
    expect(result.current).toBe('a');
    rerender({ value: 'ab' });
    act(() => vi.advanceTimersByTime(300));
    rerender({ value: 'abc' });
    act(() => vi.advanceTimersByTime(399));
    expect(result.current).toBe('a');
    act(() => vi.advanceTimersByTime(1));
    expect(result.current).toBe('abc');
  });
});

import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../components/format';
import { errorResponse, renderApp } from '../test/helpers';
import { fakeJobsApi, job, run, schedule } from '../test/jobsApi';

function row(name: string) {
  return screen.findByTestId(`job-${name}`);
}

describe('JobsPage', () => {
  it('lists jobs with their state, last run and next fire', async () => {
    const api = fakeJobsApi('admin', {
      jobs: [
        job(),
        job({ id: 'j2', name: 'wait', type: 'util.wait', tags: [], enabled: false, description: '' }),
      ],
      schedules: [
        schedule({ next_fire_at: '2025-01-17T09:00:00Z' }),
        schedule({ id: 's2', next_fire_at: '2025-01-16T09:00:00Z' }),
        schedule({ id: 's3', enabled: false, next_fire_at: '2025-01-15T12:00:00Z' }),
        schedule({ id: 's4', job_id: 'j2' }),
      ],
    });
    api.runs.push(run({ status: 'failed', finished_at: '2025-01-15T11:00:00.000Z' }));
    renderApp('/jobs');

    const vendas = await row('vendas');
    expect(within(vendas).getByRole('link', { name: 'vendas' }).getAttribute('href')).toBe('/jobs/j1');
    expect(within(vendas).getByText('Daily sales for BI')).toBeTruthy();
    expect(within(vendas).getByText('SQL export')).toBeTruthy();
    expect(within(vendas).getByText('bi')).toBeTruthy();
    const last = await within(vendas).findByRole('link', { name: 'failed' });
    expect(last.getAttribute('href')).toBe('/runs/r1');
    // The soonest fire of the enabled schedules; the disabled one does not count.
    const next = await within(vendas).findByText(formatDateTime('en', '2025-01-16T09:00:00Z'));
    expect(next.getAttribute('dateTime')).toBe('2025-01-16T09:00:00Z');

    const wait = await row('wait');
    expect(within(wait).getByText('Wait')).toBeTruthy();
    expect(await within(wait).findByText('Never run')).toBeTruthy();
    expect(await within(wait).findByText('Paused (job disabled)')).toBeTruthy();
    expect((within(wait).getByRole('switch', { name: 'Enabled wait' }) as HTMLInputElement).checked).toBe(
      false,
    );
    expect(screen.getByRole('link', { name: 'New job' }).getAttribute('href')).toBe('/jobs/new');
  });

  it('switches a job off and on', async () => {
    const api = fakeJobsApi('editor', { jobs: [job()] });
    renderApp('/jobs');
    const toggle = (await screen.findByRole('switch', { name: 'Enabled vendas' })) as HTMLInputElement;
    expect(toggle.checked).toBe(true);

    fireEvent.click(toggle);
    expect(await screen.findByText('Job vendas disabled: its schedules stop firing.')).toBeTruthy();
    await waitFor(() => expect(toggle.checked).toBe(false));
    expect(api.jobs[0]!.enabled).toBe(false);

    fireEvent.click(toggle);
    expect(await screen.findByText('Job vendas enabled: its schedules fire again.')).toBeTruthy();
    await waitFor(() => expect(toggle.checked).toBe(true));
    expect(api.sent.map((s) => s.path).filter((p) => p.startsWith('POST'))).toEqual([
      'POST /api/v1/jobs/j1/disable',
      'POST /api/v1/jobs/j1/enable',
    ]);
  });

  it('runs a job without parameters at once and opens its run', async () => {
    const api = fakeJobsApi('operator', { jobs: [job()] });
    renderApp('/jobs');
    fireEvent.click(await screen.findByRole('button', { name: 'Run now vendas' }));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/runs/r1'));
    expect(api.bodies('POST /api/v1/jobs/j1/runs')).toEqual([{ parameters: {} }]);
  });

  it('asks for the parameters a job declares before running it', async () => {
    const api = fakeJobsApi('operator', {
      jobs: [
        job({
          parameters: [
            { name: 'hospital', type: 'string', required: true, description: 'Which hospital' },
            { name: 'days', type: 'integer', required: false, default: 7 },
            { name: 'since', type: 'date', required: false },
            { name: 'dry_run', type: 'boolean', required: false, default: false },
          ],
        }),
      ],
    });
    api.fail['POST /api/v1/jobs/j1/runs'] = errorResponse(422, 'validation', 'is required', {
      field: 'parameters.hospital',
    });
    renderApp('/jobs');
    fireEvent.click(await screen.findByRole('button', { name: 'Run now vendas' }));
    const dialog = await screen.findByRole('dialog', { name: 'Run vendas' });

    const hospital = within(dialog).getByLabelText('hospital (required)') as HTMLInputElement;
    expect(hospital.type).toBe('text');
    expect(hospital.required).toBe(true);
    const days = within(dialog).getByLabelText('days') as HTMLInputElement;
    expect(days.type).toBe('number');
    expect(days.value).toBe('7');
    expect(within(dialog).getByText('Default: 7.')).toBeTruthy();
    expect((within(dialog).getByLabelText('since') as HTMLInputElement).type).toBe('date');
    const dryRun = within(dialog).getByLabelText('dry_run') as HTMLSelectElement;
    expect(dryRun.tagName).toBe('SELECT');
    expect(dryRun.value).toBe('false');

    // The server's 422 shows at the parameter it names, and the dialog stays.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Start run' }));
    expect(await within(dialog).findByText('is required')).toBeTruthy();
    expect(hospital.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(hospital, { target: { value: 'HSP' } });
    fireEvent.change(days, { target: { value: '3' } });
    fireEvent.change(within(dialog).getByLabelText('since'), { target: { value: '2025-01-01' } });
    fireEvent.change(dryRun, { target: { value: 'true' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Start run' }));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/runs/r1'));
    expect(api.bodies('POST /api/v1/jobs/j1/runs')).toEqual([
      { parameters: { days: 7, dry_run: false } },
      { parameters: { hospital: 'HSP', days: 3, since: '2025-01-01', dry_run: true } },
    ]);
  });

  it('shows viewers the state without switches, run buttons or a new-job link', async () => {
    fakeJobsApi('viewer', { jobs: [job()] });
    renderApp('/jobs');
    const vendas = await row('vendas');
    expect(within(vendas).getByText('Enabled')).toBeTruthy();
    expect(screen.queryByRole('switch')).toBeNull();
    expect(screen.queryByRole('button', { name: /Run now/ })).toBeNull();
    expect(screen.queryByRole('link', { name: 'New job' })).toBeNull();
    expect(screen.getByText('You can see jobs; changing them needs the editor role.')).toBeTruthy();
  });

  it('pages with "Load more" and filters by type, tag and state', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      job({ id: `j${i + 1}`, name: `job-${String(i + 1).padStart(2, '0')}` }),
    );
    const api = fakeJobsApi('viewer', { jobs: many });
    renderApp('/jobs');
    await row('job-25');
    expect(screen.queryByTestId('job-job-26')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await row('job-30');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();

    const filters = screen.getByRole('form', { name: 'Filter jobs' });
    fireEvent.change(within(filters).getByLabelText('Type'), { target: { value: 'util.wait' } });
    fireEvent.change(within(filters).getByLabelText('Tag'), { target: { value: 'bi' } });
    fireEvent.change(within(filters).getByLabelText('Status'), { target: { value: 'false' } });
    fireEvent.click(within(filters).getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(api.sent.map((s) => s.path)).toContain(
        'GET /api/v1/jobs?limit=25&type=util.wait&tag=bi&enabled=false',
      ),
    );
    expect(api.sent.map((s) => s.path).slice(0, 2)).toEqual([
      'GET /api/v1/jobs?limit=25',
      'GET /api/v1/jobs?limit=25&after=job-25',
    ]);
  });
});

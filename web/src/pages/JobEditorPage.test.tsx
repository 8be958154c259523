import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorResponse, renderApp } from '../test/helpers';
import { fakeJobsApi, job, schedule } from '../test/jobsApi';

function fill(label: string | RegExp, value: string, scope: HTMLElement = document.body) {
  fireEvent.change(within(scope).getByLabelText(label), { target: { value } });
}

/** The error text a control is described by (its aria-describedby), or null. */
function describedError(control: HTMLElement): string | null {
  const ids = control.getAttribute('aria-describedby')?.split(' ') ?? [];
  const error = ids.map((id) => document.getElementById(id)).find((el) => el?.className === 'field-error');
  return error?.textContent ?? null;
}

async function openNewJob() {
  renderApp('/jobs/new');
  await screen.findByRole('heading', { name: 'New job' });
  // The connection pickers are filled once GET /connections answers.
  await within(await screen.findByLabelText('SQL connection')).findByRole('option', { name: 'dw' });
}

describe('JobEditorPage', () => {
  it('creates a sql_export job from its form', async () => {
    const api = fakeJobsApi();
    await openNewJob();
    const sql = screen.getByLabelText('SQL connection') as HTMLSelectElement;
    // Only SQL connections are offered for the query, only storage ones for the file.
    expect([...sql.options].map((o) => o.textContent)).toEqual(['Choose a connection', 'dw']);
    const storage = screen.getByLabelText('Storage connection') as HTMLSelectElement;
    expect([...storage.options].map((o) => o.textContent)).toEqual([
      'exports (the default)',
      'exports',
      'reports',
    ]);

    fill('Name', 'vendas-diarias');
    fill('Description (optional)', 'Sales for BI');
    fill('Tags (optional)', 'bi, daily');
    fill('SQL connection', 'dw');
    fill('SQL query', 'SELECT * FROM vendas WHERE dia >= :window_start AND loja = :loja');
    // The query's parameters are explained as they are typed.
    const used = screen.getByTestId('query-parameters');
    expect(within(used).getByText('filled in by batuta')).toBeTruthy();
    expect(within(used).getByText('not declared: add it under Parameters')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Add parameter' }));
    const parameter = screen.getByRole('group', { name: 'Parameter 1' });
    fill('Name', 'loja', parameter);
    fill('Type', 'integer', parameter);
    fill('Default (optional)', '12', parameter);
    expect(within(used).getByText('declared below')).toBeTruthy();
    fill('Storage connection', 'reports');
    fill('Dataset name (optional)', 'vendas');
    fill('Mode', 'accumulate');
    fireEvent.click(screen.getByLabelText('Date column (rows from :window_start on)'));
    fill('Date column', 'dia');
    fireEvent.click(screen.getByRole('button', { name: 'Create job' }));

    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/jobs/j1'));
    expect(
      await screen.findByText('Job vendas-diarias created. Add a schedule below to run it on time.'),
    ).toBeTruthy();
    expect(api.bodies('POST /api/v1/jobs')).toEqual([
      {
        name: 'vendas-diarias',
        description: 'Sales for BI',
        tags: ['bi', 'daily'],
        type: 'sql_export',
        config: {
          connection: 'dw',
          query: 'SELECT * FROM vendas WHERE dia >= :window_start AND loja = :loja',
          read_only: true,
          csv: { preset: 'rfc4180' },
          output: { mode: 'accumulate', storage: 'reports', date_column: 'dia' },
          dataset: 'vendas',
        },
        parameters: [{ name: 'loja', type: 'integer', default: 12, required: false }],
        policies: { overlap: 'queue', retries: {} },
        enabled: true,
      },
    ]);
    // The created job's page offers its schedules.
    expect(await screen.findByRole('button', { name: 'Add schedule' })).toBeTruthy();
  });

  it('shows a 422 next to the field it names, and others over the form', async () => {
    const api = fakeJobsApi();
    await openNewJob();
    fill('Name', 'vendas');
    fill('SQL connection', 'dw');
    api.fail['POST /api/v1/jobs'] = errorResponse(422, 'validation', 'config.query: must not be empty', {
      field: 'config.query',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Create job' }));

    const query = screen.getByLabelText('SQL query');
    await waitFor(() => expect(query.getAttribute('aria-invalid')).toBe('true'));
    expect(describedError(query)).toBe('config.query: must not be empty');
    expect(document.activeElement).toBe(query);
    expect(screen.queryByRole('alert')).toBeNull();

    api.fail['POST /api/v1/jobs'] = errorResponse(422, 'validation', 'multiplier must be 1 to 10', {
      field: 'policies.retries.multiplier',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Create job' }));
    expect((await screen.findByRole('alert')).textContent).toBe('multiplier must be 1 to 10');
    expect(query.getAttribute('aria-invalid')).toBeNull();

    api.fail['POST /api/v1/jobs'] = errorResponse(422, 'validation', 'must be a value of type integer', {
      field: 'parameters[0].default',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add parameter' }));
    fill('Name', 'n', screen.getByRole('group', { name: 'Parameter 1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create job' }));
    const defaultInput = within(screen.getByRole('group', { name: 'Parameter 1' })).getByLabelText(
      'Default (optional)',
    );
    await waitFor(() => expect(describedError(defaultInput)).toBe('must be a value of type integer'));
  });

  it('sets the CSV options with the Excel (Brasil) preset', async () => {
    const api = fakeJobsApi();
    await openNewJob();
    const excel = screen.getByRole('button', { name: 'Excel (Brasil)' });
    expect(excel.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(excel);
    expect(excel.getAttribute('aria-pressed')).toBe('true');
    expect((screen.getByLabelText('Field separator') as HTMLInputElement).value).toBe(';');
    expect((screen.getByLabelText('Decimal separator') as HTMLSelectElement).value).toBe(',');
    expect((screen.getByLabelText('Encoding') as HTMLSelectElement).value).toBe('utf-8-bom');
    expect((screen.getByLabelText('Line ending') as HTMLSelectElement).value).toBe('crlf');
    expect((screen.getByLabelText('Date format') as HTMLInputElement).value).toBe('%d/%m/%Y');
    expect((screen.getByLabelText('Timestamp format') as HTMLInputElement).value).toBe(
      '%d/%m/%Y %H:%M:%S',
    );
    expect(
      (screen.getByLabelText('Protect against spreadsheet formulas') as HTMLInputElement).checked,
    ).toBe(true);
    expect(screen.getByTestId('csv-preset-state').textContent).toBe(
      'The options are those of Excel (Brasil).',
    );
    fireEvent.click(screen.getByLabelText('Compress with gzip'));

    fill('Name', 'vendas');
    fill('SQL connection', 'dw');
    fill('SQL query', 'SELECT 1');
    fireEvent.click(screen.getByRole('button', { name: 'Create job' }));
    await waitFor(() => expect(api.bodies('POST /api/v1/jobs')).toHaveLength(1));
    const [body] = api.bodies('POST /api/v1/jobs') as { config: { csv: unknown } }[];
    expect(body!.config.csv).toEqual({ preset: 'excel_br', gzip: true });
  });

  it('edits a job on top of the version it shows', async () => {
    const api = fakeJobsApi('editor', {
      jobs: [
        job({
          version: 4,
          config: {
            connection: 'dw',
            query: 'SELECT 1',
            csv: { preset: 'excel_br' },
            output: { mode: 'per_period', path: '{dataset}/{period}.csv', period: 'month' },
          },
        }),
      ],
    });
    renderApp('/jobs/j1');
    const name = (await screen.findByLabelText('Name')) as HTMLInputElement;
    expect(name.value).toBe('vendas');
    expect((screen.getByLabelText('Type') as HTMLSelectElement).disabled).toBe(true);
    expect((screen.getByLabelText('SQL query') as HTMLTextAreaElement).value).toBe('SELECT 1');
    expect((screen.getByLabelText('Period') as HTMLSelectElement).value).toBe('month');
    expect(screen.getByRole('button', { name: 'Excel (Brasil)' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    fill('SQL query', 'SELECT 2');
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Saved as version 5.')).toBeTruthy();
    const [body] = api.bodies('PUT /api/v1/jobs/j1') as Record<string, unknown>[];
    expect(body).toMatchObject({
      version: 4,
      config: {
        query: 'SELECT 2',
        csv: { preset: 'excel_br' },
        output: { mode: 'per_period', path: '{dataset}/{period}.csv', period: 'month' },
      },
    });
  });

  it('edits the JSON config of other job types, refusing text that does not parse', async () => {
    const api = fakeJobsApi();
    await openNewJob();
    fill('Name', 'pause');
    fill('Type', 'custom.hook');
    expect(screen.queryByLabelText('SQL query')).toBeNull();
    const config = screen.getByLabelText('Configuration (JSON)');
    fireEvent.change(config, { target: { value: '{"seconds": ' } });
    expect(describedError(config)).toMatch(/^Not valid JSON: /);
    fireEvent.click(screen.getByRole('button', { name: 'Create job' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The configuration is not valid JSON; fix it before saving.',
    );
    expect(api.bodies('POST /api/v1/jobs')).toEqual([]);

    fireEvent.change(config, { target: { value: '{"seconds": 5}' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create job' }));
    await waitFor(() => expect(api.bodies('POST /api/v1/jobs')).toHaveLength(1));
    expect(api.bodies('POST /api/v1/jobs')[0]).toMatchObject({ type: 'custom.hook', config: { seconds: 5 } });
  });

  it('builds a form from the fields a job type describes', async () => {
    const api = fakeJobsApi();
    await openNewJob();
    fill('Name', 'pause');
    fill('Type', 'util.wait');
    expect(screen.queryByLabelText('Configuration (JSON)')).toBeNull();
    const seconds = screen.getByLabelText('seconds (optional)') as HTMLInputElement;
    expect(seconds.placeholder).toBe('60');
    expect(seconds.getAttribute('aria-describedby')).toBeTruthy();
    const hint = document.getElementById(seconds.getAttribute('aria-describedby')!.split(' ')[0]!);
    expect(hint?.textContent).toBe('How long to wait. Default: 60. From 0 to 604800.');

    // Emptied, the field is left out and its default applies.
    fill('seconds (optional)', '7');
    fill('seconds (optional)', '');
    expect(seconds.value).toBe('');
    fill('seconds (optional)', '0.5');
    api.fail['POST /api/v1/jobs'] = errorResponse(422, 'validation', 'must be at most 604800', {
      field: 'config.seconds',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Create job' }));
    await waitFor(() => expect(describedError(seconds)).toBe('must be at most 604800'));

    fireEvent.click(screen.getByRole('button', { name: 'Create job' }));
    await waitFor(() => expect(api.bodies('POST /api/v1/jobs')).toHaveLength(2));
    expect(api.bodies('POST /api/v1/jobs')[1]).toMatchObject({ type: 'util.wait', config: { seconds: 0.5 } });
  });

  it('indents with Tab in the SQL editor and leaves it after Esc', async () => {
    fakeJobsApi();
    await openNewJob();
    const query = screen.getByLabelText('SQL query') as HTMLTextAreaElement;
    fireEvent.change(query, { target: { value: 'SELECT' } });
    query.setSelectionRange(6, 6);
    expect(fireEvent.keyDown(query, { key: 'Tab' })).toBe(false); // default prevented
    expect(query.value).toBe('SELECT  ');
    fireEvent.keyDown(query, { key: 'Escape' });
    expect(fireEvent.keyDown(query, { key: 'Tab' })).toBe(true); // the browser moves focus
    expect(query.value).toBe('SELECT  ');
  });

  it('shows viewers the job without anything to edit', async () => {
    fakeJobsApi('viewer', {
      jobs: [job({ parameters: [{ name: 'loja', type: 'integer', required: true }] })],
      schedules: [schedule()],
    });
    renderApp('/jobs/j1');
    expect(await screen.findByRole('heading', { name: 'vendas', level: 1 })).toBeTruthy();
    expect(screen.getByText('You can see this job; changing it needs the editor role.')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'SQL query' }).textContent).toBe(
      'SELECT * FROM vendas WHERE dia >= :window_start',
    );
    expect(screen.getByText('loja')).toBeTruthy();
    await screen.findByText('Version 1 (current)');
    await screen.findByText('Every weekday at 06:00');
    // The header's language switch aside, the page has no control to change anything.
    const page = screen.getByRole('main');
    expect(within(page).queryByRole('textbox')).toBeNull();
    expect(within(page).queryByRole('combobox')).toBeNull();
    expect(within(page).queryByRole('checkbox')).toBeNull();
    expect(within(page).queryByRole('switch')).toBeNull();
    expect(within(page).queryByRole('button', { name: /Save|Delete|Add|Edit|Run now/ })).toBeNull();
  });

  it('deletes a job after asking, and says so on the list', async () => {
    const api = fakeJobsApi('editor', { jobs: [job()] });
    renderApp('/jobs/j1');
    fireEvent.click(await screen.findByRole('button', { name: 'Delete job' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete job vendas?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete job' }));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/jobs'));
    expect(await screen.findByText('Job vendas deleted.')).toBeTruthy();
    expect(await screen.findByText('No jobs yet.')).toBeTruthy();
    expect(api.sent.map((s) => s.path)).toContain('DELETE /api/v1/jobs/j1');
  });

  it('tells viewers they cannot create jobs', async () => {
    fakeJobsApi('viewer');
    renderApp('/jobs/new');
    expect(await screen.findByText('Creating jobs needs the editor role.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Create job' })).toBeNull();
  });
});

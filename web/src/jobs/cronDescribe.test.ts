import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { ptBR } from '../i18n/pt-BR';
import { describeCron } from './cronDescribe';

const inEnglish = (cron: string) => describeCron(cron, en.jobs.cron);
const inPortuguese = (cron: string) => describeCron(cron, ptBR.jobs.cron);

describe('describeCron', () => {
  it.each([
    ['0 6 * * 1-5', 'Every weekday at 06:00', 'Todo dia útil às 06:00'],
    ['30 6,12 * * MON-FRI', 'Every weekday at 06:30 and 12:30', 'Todo dia útil às 06:30 e 12:30'],
    ['0 0 * * *', 'Every day at 00:00', 'Todos os dias às 00:00'],
    ['0 1 * * *', 'Every day at 01:00', 'Todos os dias à 01:00'],
    ['@daily', 'Every day at 00:00', 'Todos os dias às 00:00'],
    ['* * * * *', 'Every minute', 'A cada minuto'],
    ['*/15 * * * *', 'Every 15 minutes', 'A cada 15 minutos'],
    [
      '*/15 9-17 * * 1-5',
      'Every 15 minutes, between 09:00 and 17:59, every weekday',
      'A cada 15 minutos, entre 09:00 e 17:59, todo dia útil',
    ],
    ['30 * * * *', 'At minute 30, every hour', 'No minuto 30, de hora em hora'],
    ['0 */2 * * *', 'At minute 0, every 2 hours', 'No minuto 0, a cada 2 horas'],
    ['5-59/15 * * * *', 'At minutes 5, 20, 35 and 50, every hour', 'Nos minutos 5, 20, 35 e 50, de hora em hora'],
    [
      '0 8 * * mon,wed,fri',
      'On Mondays, Wednesdays and Fridays at 08:00',
      'Às segundas, quartas e sextas às 08:00',
    ],
    ['0 8 * * 1,6', 'On Mondays and Saturdays at 08:00', 'Às segundas e aos sábados às 08:00'],
    ['0 8 * * 0,6', 'On Saturdays and Sundays at 08:00', 'Aos sábados e domingos às 08:00'],
    ['0 8 * * 5-7', 'From Friday to Sunday at 08:00', 'De sexta a domingo às 08:00'],
    ['0 0 1 * *', 'On day 1 of the month at 00:00', 'No dia 1 do mês às 00:00'],
    ['0 0 1,15 * *', 'On days 1 and 15 of the month at 00:00', 'Nos dias 1 e 15 do mês às 00:00'],
    [
      '0 0 1 1,7 *',
      'On day 1 of the month at 00:00, in January and July',
      'No dia 1 do mês às 00:00, em janeiro e julho',
    ],
    ['0 0 * 1-3 *', 'Every day at 00:00, from January to March', 'Todos os dias às 00:00, de janeiro a março'],
    // Both day fields restricted: either matches (Vixie cron), as docs/scheduling.md says.
    [
      '0 0 13 * 5',
      'On day 13 of the month and on Fridays at 00:00',
      'No dia 13 do mês e às sextas às 00:00',
    ],
    ['0 0 */2 * 5', 'Every 2 days, only on Fridays at 00:00', 'A cada 2 dias, somente às sextas às 00:00'],
    ['30 0 6 * * *', 'Every day at 06:00:30', 'Todos os dias às 06:00:30'],
    ['*/10 * * * * *', 'Every 10 seconds', 'A cada 10 segundos'],
    ['30 * * * * *', 'At second 30, every minute', 'No segundo 30, a cada minuto'],
  ])('%s', (cron, english, portuguese) => {
    expect(inEnglish(cron)).toEqual({ ok: true, text: english });
    expect(inPortuguese(cron)).toEqual({ ok: true, text: portuguese });
  });

  it.each([
    ['', 'Type a cron expression, e.g. "0 6 * * 1-5".'],
    ['0 6 * *', 'A cron expression has 5 fields (or 6, seconds first); this one has 4.'],
    ['61 * * * *', 'The minute field takes 0 to 59 (from lowest to highest): "61" does not fit.'],
    ['0 0 * * 5-2', 'The day-of-week field takes 0 to 7 (from lowest to highest): "5-2" does not fit.'],
    ['0 0 x * *', 'The day-of-month field cannot read "x".'],
    ['*/0 * * * *', 'The minute field cannot read "*/0".'],
    ['0 0 30 2 *', 'This expression never fires: no month has that day.'],
    ['@often', '@often is not one of @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually.'],
  ])('says why %j is not an expression', (cron, problem) => {
    expect(inEnglish(cron)).toEqual({ ok: false, problem });
  });

  it('explains problems in Portuguese too', () => {
    expect(inPortuguese('0 0 30 2 *')).toEqual({
      ok: false,
      problem: 'Esta expressão nunca dispara: nenhum mês tem esse dia.',
    });
    expect(inPortuguese('0 25 * * *')).toEqual({
      ok: false,
      problem: 'O campo hora aceita de 0 a 23 (do menor para o maior): "25" não cabe.',
    });
  });

  it('accepts February 29 and a 30th with the weekday restricted', () => {
    expect(inEnglish('0 0 29 2 *').ok).toBe(true);
    expect(inEnglish('0 0 30 2 1').ok).toBe(true);
  });
});

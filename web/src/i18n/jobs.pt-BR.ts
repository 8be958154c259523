// Textos em português (Brasil) das páginas de jobs (m.jobs); a mesma forma de jobs.en.ts.
import type { CronWords, Span } from '../jobs/cronDescribe';
import type { jobsEn } from './jobs.en';

const kDias = ['domingo', 'segunda', 'terça', 'quarta', 'quinta', 'sexta', 'sábado'];
const kDiasPlural = ['domingos', 'segundas', 'terças', 'quartas', 'quintas', 'sextas', 'sábados'];
const kMeses = [
  'janeiro',
  'fevereiro',
  'março',
  'abril',
  'maio',
  'junho',
  'julho',
  'agosto',
  'setembro',
  'outubro',
  'novembro',
  'dezembro',
];

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} e ${items[items.length - 1]}`;
}

/** "às segundas, quartas e aos sábados": the article changes with the weekday's gender. */
function weekdayList(spans: Span[]): string {
  let previousMasculine: boolean | null = null;
  const items = spans.map((s) => {
    if (s.from !== s.to) {
      previousMasculine = null;
      return `de ${kDias[s.from]} a ${kDias[s.to]}`;
    }
    const masculine = s.from === 0 || s.from === 6;
    const article = masculine === previousMasculine ? '' : masculine ? 'aos ' : 'às ';
    previousMasculine = masculine;
    return `${article}${kDiasPlural[s.from]}`;
  });
  return list(items);
}

const cron: CronWords = {
  list,
  range: (from, to) => `${from} a ${to}`,
  stepped: (step, from, to) => `a cada ${step} de ${from} a ${to}`,
  second: {
    every: 'a cada segundo',
    everyN: (n) => `a cada ${n} segundos`,
    at: (items, plural) => (plural ? `nos segundos ${list(items)}` : `no segundo ${list(items)}`),
  },
  minute: {
    every: 'a cada minuto',
    everyN: (n) => `a cada ${n} minutos`,
    at: (items, plural) => (plural ? `nos minutos ${list(items)}` : `no minuto ${list(items)}`),
  },
  hour: {
    every: 'de hora em hora',
    everyN: (n) => `a cada ${n} horas`,
    at: (items, plural) => (plural ? `nas horas ${list(items)}` : `na hora ${list(items)}`),
    between: (from, to) => `entre ${from} e ${to}`,
  },
  atTimes: (times) => `${times[0]?.startsWith('01:') ? 'à' : 'às'} ${list(times)}`,
  everyDay: 'todos os dias',
  everyWeekday: 'todo dia útil',
  everyWeekend: 'aos sábados e domingos',
  onWeekdays: weekdayList,
  everyNDays: (n) => `a cada ${n} dias`,
  onMonthDays: (items, plural) =>
    plural ? `nos dias ${list(items)} do mês` : `no dia ${list(items)} do mês`,
  dayOrWeekday: (days, weekdays) => `${days} e ${weekdays}`,
  dayAndWeekday: (days, weekdays) => `${days}, somente ${weekdays}`,
  inMonths: (spans) => {
    const [only] = spans;
    if (spans.length === 1 && only && only.from !== only.to) {
      return `de ${kMeses[only.from - 1]} a ${kMeses[only.to - 1]}`;
    }
    const names = spans.map((s) =>
      s.from === s.to ? kMeses[s.from - 1] : `${kMeses[s.from - 1]} a ${kMeses[s.to - 1]}`,
    );
    return `em ${list(names as string[])}`;
  },
  fieldNames: {
    second: 'segundo',
    minute: 'minuto',
    hour: 'hora',
    dayOfMonth: 'dia do mês',
    month: 'mês',
    dayOfWeek: 'dia da semana',
  },
  problems: {
    empty: 'Digite uma expressão cron, por exemplo "0 6 * * 1-5".',
    tooLong: 'Uma expressão cron tem no máximo 256 caracteres.',
    fieldCount: (count) =>
      `Uma expressão cron tem 5 campos (ou 6, com os segundos primeiro); esta tem ${count}.`,
    unknownMacro: (text) =>
      `${text} não é um dos atalhos @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually.`,
    badItem: (field, text) => `O campo ${field} não entende "${text}".`,
    outOfRange: (field, text, min, max) =>
      `O campo ${field} aceita de ${min} a ${max} (do menor para o maior): "${text}" não cabe.`,
    tooManyItems: (field) => `O campo ${field} tem mais de 64 itens.`,
    never: 'Esta expressão nunca dispara: nenhum mês tem esse dia.',
  },
};

export const jobsPtBR: typeof jobsEn = {
  title: 'Jobs',
  lead: 'Jobs com nome e versão: o que roda, com quais parâmetros e quando.',
  newJob: 'Novo job',
  readOnly: 'Você pode ver os jobs; alterá-los exige o papel de editor.',
  filters: 'Filtrar jobs',
  type: 'Tipo',
  anyType: 'Qualquer tipo',
  tag: 'Etiqueta',
  status: 'Situação',
  anyStatus: 'Qualquer',
  apply: 'Aplicar',
  clear: 'Limpar',
  name: 'Nome',
  tags: 'Etiquetas',
  lastRun: 'Última execução',
  nextFire: 'Próximo disparo',
  enabled: 'Ativo',
  disabled: 'Inativo',
  switchLabel: 'Ativo',
  enabledNotice: (name) => `Job ${name} ativado: seus agendamentos voltam a disparar.`,
  disabledNotice: (name) => `Job ${name} desativado: seus agendamentos deixam de disparar.`,
  empty: 'Nenhum job ainda.',
  noMatch: 'Nenhum job corresponde a estes filtros.',
  loadMore: 'Carregar mais',
  loadingMore: 'Carregando…',
  neverRan: 'Nunca executado',
  runStatus: {
    queued: 'na fila',
    running: 'executando',
    succeeded: 'sucesso',
    failed: 'falhou',
    timed_out: 'tempo esgotado',
    cancelled: 'cancelado',
  },
  noSchedule: 'Sem agendamento',
  paused: 'Pausado (job inativo)',
  noNextFire: 'Não dispara mais',
  runNow: 'Executar agora',
  starting: 'Iniciando…',
  typeNames: {
    sql_export: 'Exportação SQL',
    'util.wait': 'Espera',
    'maintenance.prune': 'Limpar execuções antigas',
    'maintenance.backup': 'Cópia de segurança do banco',
  },
  run: {
    title: (name) => `Executar ${name}`,
    lead: 'O job executa agora, com estes valores para os parâmetros.',
    start: 'Iniciar execução',
    required: '(obrigatório)',
    yes: 'Sim',
    no: 'Não',
    notSet: 'Não informado',
    defaultHint: (value) => `Padrão: ${value}.`,
  },
  editor: {
    createTitle: 'Novo job',
    back: 'Todos os jobs',
    notFound: 'Este job não existe (pode ter sido excluído).',
    cannotCreate: 'Criar jobs exige o papel de editor.',
    readOnly: 'Você pode ver este job; alterá-lo exige o papel de editor.',
    general: 'Geral',
    nameHint: 'Único. Letras, dígitos, "-", "_" e "."; começa com letra ou dígito.',
    description: 'Descrição',
    tagsHint: 'Separe as etiquetas com vírgulas.',
    typeHint: 'O que o job faz. O tipo não muda depois que o job existe.',
    enabledOnCreate: 'Ativo: seus agendamentos disparam',
    create: 'Criar job',
    creating: 'Criando…',
    save: 'Salvar alterações',
    created: (name) => `Job ${name} criado. Adicione um agendamento abaixo para que rode na hora.`,
    saved: (version) => `Salvo como versão ${version}.`,
    invalidConfig: 'A configuração não é um JSON válido; corrija antes de salvar.',
    delete: 'Excluir job',
    deleteTitle: (name) => `Excluir o job ${name}?`,
    deleteBody: 'As versões e os agendamentos são excluídos; as execuções ficam no histórico.',
    deleted: (name) => `Job ${name} excluído.`,
    version: 'Versão',
    updated: 'Alterado',
    updatedBy: (who, when) => `por ${who}, ${when}`,
    none: 'Nenhum',
    yes: 'Sim',
    no: 'Não',
  },
  sql: {
    title: 'Exportação SQL',
    lead: 'Executa uma consulta numa conexão SQL e grava as linhas num arquivo CSV, servido pela API de dados como um dataset.',
    connection: 'Conexão SQL',
    connectionHint: 'O banco de dados em que a consulta roda.',
    chooseConnection: 'Escolha uma conexão',
    noSqlConnections: 'Ainda não há conexões SQL: crie uma em Conexões primeiro.',
    typeConnection: 'Você não pode listar as conexões; digite o nome da conexão.',
    storage: 'Conexão de armazenamento',
    storageDefault: 'exports (o padrão)',
    storageHint: 'Onde o arquivo é gravado.',
    query: 'Consulta SQL',
    queryHint:
      'Uma instrução. Passe valores com parâmetros :nome, nunca colando-os no SQL. Tab indenta; pressione Esc e depois Tab para sair do editor.',
    queryParameters: 'Parâmetros que a consulta usa',
    builtIn: 'preenchido pelo batuta',
    declared: 'declarado abaixo',
    undeclared: 'não declarado: adicione em Parâmetros',
    timezone: 'Fuso horário das datas',
    timezoneDefault: 'O do agendamento (depois o do servidor)',
    timezoneHint: 'Para :today, :window_start e os outros parâmetros de data.',
    daysOffset: 'Dias para trás em :window_start',
    daysOffsetHint: ':window_start é hoje menos esta quantidade de dias (padrão 0).',
    readOnly: 'Executar a consulta numa transação somente leitura',
    statementTimeout: 'Tempo limite da consulta (segundos)',
    statementTimeoutHint: '0 para nenhum; padrão 1800.',
    output: 'Saída',
    path: 'Caminho do arquivo',
    pathHint:
      'Relativo à pasta do armazenamento; padrão "{dataset}.csv". Marcadores: {dataset} {job} {date} {yyyy} {mm} {dd} {period}.',
    mode: 'Modo',
    modes: {
      overwrite: 'Sobrescrever: o arquivo passa a ter as linhas desta execução',
      accumulate: 'Acumular: mantém as linhas antigas, troca as que esta execução trouxer de novo',
      per_period: 'Por período: um arquivo por dia, mês ou ano',
    },
    accumulateBy: 'As linhas antigas são trocadas por',
    byKey: 'Colunas-chave',
    byDate: 'Coluna de data (linhas a partir de :window_start)',
    key: 'Colunas-chave',
    keyHint: 'Nomes de colunas, separados por vírgula, que identificam uma linha.',
    dateColumn: 'Coluna de data',
    dateColumnHint: 'As linhas antigas com data a partir de :window_start são trocadas.',
    period: 'Período',
    periods: { day: 'Dia', month: 'Mês', year: 'Ano' },
    periodHint: 'O caminho precisa citar o período, por exemplo "{dataset}/{period}.csv".',
    dataset: 'Nome do dataset',
    datasetHint: 'O nome com que a API de dados serve o arquivo; padrão: derivado do nome do job.',
    keepVersions: 'Versões mantidas',
    keepVersionsHint: 'Os arquivos mais antigos são removidos; padrão 10.',
  },
  csv: {
    title: 'Formato CSV',
    presets: 'Predefinições',
    excelBr: 'Excel (Brasil)',
    rfc4180: 'CSV padrão (RFC 4180)',
    presetHint:
      'Excel (Brasil): ";" entre campos, "," nos números, datas dd/mm/aaaa, UTF-8 que o Excel reconhece.',
    matches: (preset) => `As opções são as de ${preset}.`,
    custom: (preset) => `Baseado em ${preset}, com alterações.`,
    delimiter: 'Separador de campos',
    quote: 'Caractere de aspas',
    header: 'A primeira linha tem os nomes das colunas',
    lineEnding: 'Fim de linha',
    lineEndings: { crlf: 'CRLF (Windows)', lf: 'LF (Linux, macOS)' },
    encoding: 'Codificação',
    encodings: {
      'utf-8': 'UTF-8',
      'utf-8-bom': 'UTF-8 com BOM (Excel)',
      'windows-1252': 'Windows-1252',
    },
    onUnmappable: 'Um caractere que a codificação não tem',
    onUnmappables: { fail: 'Faz a exportação falhar', replace: 'É gravado como ?' },
    decimal: 'Separador decimal',
    dateFormat: 'Formato de data',
    timeFormat: 'Formato de hora',
    timestampFormat: 'Formato de data e hora',
    formatHint: '%Y %m %d, %H %M %S, %f (fração), %.f (ponto e fração, se houver); o resto é gravado como está.',
    nullText: 'Texto para NULL',
    nullTextHint: 'Gravado para valores vazios do banco; padrão nada.',
    gzip: 'Compactar com gzip',
    gzipHint: 'Dê ao arquivo um nome condizente, por exemplo "{dataset}.csv.gz".',
    formulaGuard: 'Proteger contra fórmulas de planilha',
    formulaGuardHint: 'Texto que começa com = + - ou @ ganha um \' na frente para o Excel não executá-lo.',
  },
  config: {
    title: 'Configuração',
    label: 'Configuração (JSON)',
    hint: 'Um objeto JSON com as opções do tipo de job.',
    invalid: (reason) => `JSON inválido: ${reason}`,
    notObject: 'A configuração precisa ser um objeto JSON: { ... }.',
    valid: 'JSON válido.',
    defaultIs: (value: string) => (value === '' ? '' : `Padrão: ${value}.`),
    bounds: (min?: number, max?: number) =>
      min !== undefined && max !== undefined
        ? `De ${min} a ${max}.`
        : min !== undefined
          ? `No mínimo ${min}.`
          : `No máximo ${max}.`,
  },
  parameters: {
    title: 'Parâmetros',
    lead: 'Valores que uma execução recebe: de quem a inicia, ou os padrões.',
    none: 'Nenhum parâmetro.',
    add: 'Adicionar parâmetro',
    remove: 'Remover',
    row: (n) => `Parâmetro ${n}`,
    name: 'Nome',
    type: 'Tipo',
    default: 'Padrão',
    required: 'Obrigatório',
    description: 'Descrição',
    types: {
      string: 'Texto',
      integer: 'Inteiro',
      number: 'Número',
      boolean: 'Sim / não',
      date: 'Data',
    },
  },
  policies: {
    title: 'Políticas de execução',
    timeout: 'Tempo limite (segundos)',
    timeoutHint: '0 para nenhum; padrão 3600.',
    retries: 'Novas tentativas após falha',
    retriesHint: 'Padrão 0.',
    backoff: 'Espera antes da primeira nova tentativa (segundos)',
    backoffHint: 'Dobra a cada tentativa seguinte; padrão 30.',
    overlap: 'Quando uma execução vence com outra em andamento',
    overlaps: {
      queue: 'Entra na fila (uma por vez)',
      skip: 'Pula o disparo agendado',
      allow: 'Executam ao mesmo tempo',
    },
    maxConcurrent: 'No máximo esta quantidade ao mesmo tempo',
  },
  versions: {
    title: 'Versões',
    version: (n) => `Versão ${n}`,
    by: (who) => `por ${who}`,
    definition: 'Definição',
    current: '(atual)',
  },
  schedules: {
    title: 'Agendamentos',
    lead: 'Quando o job roda sozinho. Um job pode ter vários agendamentos.',
    saveFirst: 'Salve o job primeiro; depois adicione os agendamentos aqui.',
    none: 'Sem agendamentos: o job só roda quando alguém o inicia.',
    add: 'Adicionar agendamento',
    edit: 'Editar',
    delete: 'Excluir',
    deleteTitle: 'Excluir este agendamento?',
    deleteBody: 'O histórico de disparos é excluído; as execuções que ele enfileirou ficam.',
    deleted: 'Agendamento excluído.',
    created: 'Agendamento adicionado.',
    updated: 'Agendamento salvo.',
    switchLabel: 'Agendamento ativo',
    when: 'Quando',
    zone: 'Fuso horário',
    next: 'Próximos disparos',
    jobDisabled: 'O job está inativo: os agendamentos não disparam até ele ser ativado.',
    newTitle: 'Novo agendamento',
    editTitle: 'Editar agendamento',
    how: 'Definir por',
    modeCron: 'Digitar uma expressão cron',
    modePicker: 'Escolher dias e horários',
    cron: 'Expressão cron',
    cronHint:
      'minuto hora dia-do-mês mês dia-da-semana, por exemplo "0 6 * * 1-5" (dias úteis às 06:00), ou @daily, @weekly…',
    meaning: 'Significado',
    weekdays: 'Dias da semana',
    /** Sunday first (0), as cron counts. */
    weekdayNames: ['Domingo', 'Segunda', 'Terça', 'Quarta', 'Quinta', 'Sexta', 'Sábado'],
    weekdaysHint: 'Nenhum marcado: todos os dias.',
    hours: 'Horas',
    minutes: 'Minutos',
    pickerCron: 'Gera a expressão cron',
    pickerIncomplete: 'Escolha pelo menos uma hora e um minuto.',
    pickerCannotShow:
      'O seletor não consegue mostrar esta expressão (ela usa dias do mês, meses, segundos ou outros minutos); ele começa vazio.',
    keptSpec: (meaning) =>
      `Definido por dias e horários que nenhuma expressão cron reproduz: ${meaning}. Fica como está, a menos que você digite ou escolha outro.`,
    timezone: 'Fuso horário',
    misfire: 'Depois que o servidor ficou fora do ar',
    misfires: {
      skip: 'Pular os disparos perdidos',
      run_once: 'Executar uma vez por todos os perdidos',
      catch_up: 'Recuperar os disparos perdidos',
    },
    catchUpMax: 'No máximo esta quantidade',
    catchUpWindow: 'Perdidos nos últimos (segundos)',
    enabled: 'Ativo',
    preview: 'Próximos disparos',
    previewIn: (zone) => `Em ${zone}.`,
    previewLoading: 'Calculando os próximos disparos…',
    previewNever: 'Não dispara mais.',
    save: 'Salvar agendamento',
  },
  cron,
};

/**
 * The hostile-input corpus for hms-agent: the requests that try to reach the canary
 * outside the tree the agent may use (hostile-tree.ts), or to smuggle something into
 * a process, one family per API (logs, configs, scripts, apps). Every case is
 * refused with a 4xx unless it says `inert` (a 200 that treats the input as plain
 * data, e.g. `-e` as a grep pattern); `knownBug` marks a case the agent fails today
 * (none at present).
 */
import { at, enc, json, nameVariants, TWO_MB, type HostileCase } from './hostile-case.js';
import type { HostileTree } from './hostile-tree.js';

const LOG = '/api/logs/cigar:production';

export function logCases(): HostileCase[] {
  // An empty source is GET /api/logs/, the list of sources: not an input to refuse.
  const names = nameVariants('cigar:production')
    .filter(([label]) => !label.startsWith('empty'))
    .map(([label, segment]): HostileCase => ({ name: `source ${label}`, method: 'GET', url: at(segment, (s) => `/api/logs/${s}`) }));
  const follow = nameVariants('cigar:production')
    .slice(0, 12)
    .map(
      ([label, segment]): HostileCase => ({
        name: `follow source ${label}`,
        method: 'GET',
        url: at(segment, (s) => `/api/logs/${s}/follow`),
      }),
    );
  const query = (name: string, q: string, extra: Partial<HostileCase> = {}): HostileCase => ({
    name,
    method: 'GET',
    url: `${LOG}?${q}`,
    ...extra,
  });
  return [
    ...names,
    ...follow,
    query('grep "(a+)+$" against a line of a\'s', `grep=${enc('(a+)+$')}`, {
      url: `/api/logs/cigar:long?grep=${enc('(a+)+$')}`,
      maxMs: 2000,
    }),
    query('grep "(a|aa)*$"', `grep=${enc('(a|aa)*$')}`, { url: `/api/logs/cigar:long?grep=${enc('(a|aa)*$')}`, maxMs: 2000 }),
    query('grep "(.*a){12}"', `grep=${enc('(.*a){12}')}`, { maxMs: 2000 }),
    query('grep ".{1,32767}" (gigabytes of DFA states)', `grep=${enc('.{1,32767}')}`, { maxMs: 2000 }),
    query('grep "a{0,1000}x{300}"', `grep=${enc('a{0,1000}x{300}')}`, { maxMs: 2000 }),
    { name: 'journal source with grep ".{1,32767}"', method: 'GET', url: `/api/logs/journal:cigar?grep=${enc('.{1,32767}')}` },
    { name: 'follow with grep ".{1,32767}"', method: 'GET', url: `${LOG}/follow?grep=${enc('.{1,32767}')}` },
    query('grep with a back-reference', `grep=${enc('(a)\\1')}`),
    query('grep with a NUL byte', 'grep=a%00b'),
    query('grep with a newline (two patterns)', `grep=${enc('a\n/etc/passwd')}`),
    query('grep empty', 'grep='),
    query('grep of 10 KB', `grep=${'a'.repeat(10 * 1024)}`),
    query('grep that does not compile', `grep=${enc('[')}`),
    query('grep "-e" is a pattern, not an option', 'grep=-e', { expect: 'inert', runs: true }),
    query('grep "--help" is a pattern', 'grep=--help', { expect: 'inert', runs: true }),
    query('grep "-f/etc/shadow" is a pattern', `grep=${enc('-f/etc/shadow')}`, { expect: 'inert', runs: true }),
    query('grep "--file=<canary>" is a pattern', `grep=x`, {
      url: (tree) => `${LOG}?grep=${enc(`--file=${tree.canary}`)}`,
      expect: 'inert',
      runs: true,
    }),
    query('grep "$(id)" is a pattern', `grep=${enc('$(id)')}`, { expect: 'inert', runs: true }),
    query('grep with backticks and ";" is a pattern', `grep=${enc('`id`;id|id&&id')}`, { expect: 'inert', runs: true }),
    query('since "../../etc/passwd"', `since=${enc('../../etc/passwd')}`),
    query('since "/etc/passwd"', `since=${enc('/etc/passwd')}`),
    query('since "$(date)"', `since=${enc('$(date)')}`),
    query('since a date that does not exist', 'since=2026-02-31'),
    query('since "now;id"', `since=${enc('now;id')}`),
    query('since with a newline', `since=${enc('-1h\n--file=/etc/passwd')}`),
    query('since of 10 KB', `since=${'1'.repeat(10 * 1024)}`),
    query('since after until', 'since=2026-11-25&until=2026-11-24'),
    query('lines -1', 'lines=-1'),
    query('lines 0', 'lines=0'),
    query('lines 1e9', 'lines=1e9'),
    query('lines 99999999', 'lines=99999999'),
    query('lines 0x10', 'lines=0x10'),
    query('lines "10;id"', `lines=${enc('10;id')}`),
    query('lines empty', 'lines='),
    query('lines Infinity', 'lines=Infinity'),
    query('unknown parameter file=/etc/passwd', `file=${enc('/etc/passwd')}`),
    query('unknown parameter path=..', 'path=..'),
    query('query key __proto__', '__proto__=x'),
    query('query key constructor', 'constructor=x'),
    query('priority on a file, with "; id"', `priority=${enc('0;id')}`),
    query('context without grep', 'context=5'),
    query('context 999', 'grep=a&context=999'),
    query('ignoreCase=maybe', 'ignoreCase=maybe'),
    { name: 'journal source with a nested-repetition grep', method: 'GET', url: `/api/logs/journal:cigar?grep=${enc('(a+)+$')}` },
    { name: 'journal priority "0; id"', method: 'GET', url: `/api/logs/journal:cigar?priority=${enc('0; id')}` },
    { name: 'follow with grep "(a+)+$"', method: 'GET', url: `${LOG}/follow?grep=${enc('(a+)+$')}` },
    { name: 'follow with lines 201', method: 'GET', url: `${LOG}/follow?lines=201` },
    { name: 'follow with since (not a follow parameter)', method: 'GET', url: `${LOG}/follow?since=-1h` },
    { name: 'follow with priority on a file', method: 'GET', url: `${LOG}/follow?priority=err` },
    { name: 'log symlinked out of its folder', method: 'GET', url: '/api/logs/tobacco:production' },
    { name: 'log symlinked out, grep for the 503', method: 'GET', url: `/api/logs/tobacco:production?grep=${enc(' 503 ')}` },
    { name: 'log symlinked out, followed', method: 'GET', url: '/api/logs/tobacco:production/follow?lines=5' },
    // A legitimate pattern: the follow runs (grep filters, in linear time), and nothing may stall it.
    {
      name: 'follow with grep "a*a*b" on a 2000-character line',
      method: 'GET',
      url: '/api/logs/cigar:long/follow?lines=1&grep=a*a*b',
      expect: 'inert',
      runs: true,
      maxMs: 1000,
    },
  ];
}

const IF_MATCH = (value: string) => () => ({ 'content-type': 'application/json', 'if-match': value });
const CURRENT = (tree: HostileTree, etag: string) => ({ 'content-type': 'application/json', 'if-match': etag });

export function configCases(): HostileCase[] {
  const names = nameVariants('cigar')
    .filter(([label]) => !label.startsWith('empty'))
    .map(([label, segment]): HostileCase => ({ name: `site ${label}`, method: 'GET', url: at(segment, (s) => `/api/configs/${s}`) }));
  const put = nameVariants('cigar')
    .filter((_, index) => index % 3 === 0)
    .map(
      ([label, segment]): HostileCase => ({
        name: `PUT site ${label}`,
        method: 'PUT',
        url: at(segment, (s) => `/api/configs/${s}`),
        headers: IF_MATCH('*'),
        body: json({ content: 'server {}\n' }),
      }),
    );
  const body = (name: string, value: string | ((tree: HostileTree) => string), extra: Partial<HostileCase> = {}): HostileCase => ({
    name,
    method: 'PUT',
    url: '/api/configs/cigar',
    headers: CURRENT,
    body: value,
    ...extra,
  });
  const id = (name: string, segment: string): HostileCase => ({
    name: `history id ${name}`,
    method: 'GET',
    url: `/api/configs/cigar/history/${segment}`,
  });
  return [
    ...names,
    ...put,
    { name: 'allow-listed site symlinked out of sitesDir', method: 'GET', url: '/api/configs/leak' },
    { name: 'history of the symlinked site', method: 'GET', url: '/api/configs/leak/history' },
    {
      name: 'PUT over the symlinked site (If-Match: *)',
      method: 'PUT',
      url: '/api/configs/leak',
      headers: IF_MATCH('*'),
      body: json({ content: 'server {}\n' }),
    },
    {
      name: 'revert of the symlinked site',
      method: 'POST',
      url: '/api/configs/leak/revert',
      headers: IF_MATCH('*'),
      body: json({ id: '2026-01-01T00:00:00.000Z' }),
    },
    id('"../../etc/passwd"', '..%2f..%2f..%2fetc%2fpasswd'),
    id('%2e%2e', '%2e%2e%2f%2e%2e%2fstate'),
    id('an absolute path', '%2Ftmp%2Fsecret.txt'),
    id('valid + NUL', '2026-01-01T00:00:00.000Z%00'),
    id('valid + ".conf"', '2026-01-01T00:00:00.000Z.conf'),
    id('well-formed but missing', '2026-01-01T00:00:00.000Z'),
    id('of 10 KB', '2'.repeat(10 * 1024)),
    id('"__proto__"', '__proto__'),
    { name: 'diff against "../../etc/passwd"', method: 'GET', url: `/api/configs/cigar/diff?against=${enc('../../etc/passwd')}` },
    { name: 'diff against nothing', method: 'GET', url: '/api/configs/cigar/diff' },
    {
      name: 'revert to "../../../etc/passwd"',
      method: 'POST',
      url: '/api/configs/cigar/revert',
      headers: IF_MATCH('*'),
      body: json({ id: '../../../etc/passwd' }),
    },
    {
      name: 'revert to the canary path',
      method: 'POST',
      url: '/api/configs/cigar/revert',
      headers: IF_MATCH('*'),
      body: (tree) => json({ id: tree.canary }),
    },
    {
      name: 'revert id of the wrong type',
      method: 'POST',
      url: '/api/configs/cigar/revert',
      headers: IF_MATCH('*'),
      body: json({ id: 20260101 }),
    },
    {
      name: 'revert with an extra key',
      method: 'POST',
      url: '/api/configs/cigar/revert',
      headers: IF_MATCH('*'),
      body: json({ id: '2026-01-01T00:00:00.000Z', path: '/etc/passwd' }),
    },
    body('PUT body of 2 MB', json({ content: 'x'.repeat(TWO_MB) })),
    body('PUT body that is not JSON', 'content=server {}'),
    body('PUT as text/plain', 'server {}', { headers: (tree, etag) => ({ 'content-type': 'text/plain', 'if-match': etag }) }),
    body('PUT as a form', 'content=server+%7B%7D', {
      headers: (tree, etag) => ({ 'content-type': 'application/x-www-form-urlencoded', 'if-match': etag }),
    }),
    body('PUT with an extra key "path"', json({ content: 'server {}\n', path: '/etc/passwd' })),
    body('PUT content of the wrong type (number)', json({ content: 42 })),
    body('PUT content of the wrong type (array)', json({ content: ['server {}'] })),
    body('PUT body null', 'null'),
    body('PUT body []', '[]'),
    body('PUT body a JSON string', json('server {}')),
    body('PUT body "__proto__" smuggling content', '{"__proto__":{"content":"server {}"}}'),
    body('PUT content with a NUL byte', json({ content: 'server {}\u0000' })),
    body('PUT without If-Match', json({ content: 'server {}\n' }), { headers: { 'content-type': 'application/json' } }),
    body('PUT with a weak If-Match', json({ content: 'server {}\n' }), {
      headers: (tree, etag) => ({ 'content-type': 'application/json', 'if-match': `W/${etag}` }),
    }),
    body('PUT with If-Match carrying a header after a tab', json({ content: 'server {}\n' }), { headers: IF_MATCH('"0"\tX-Injected: 1') }),
    body('PUT with If-Match of 10 KB', json({ content: 'server {}\n' }), { headers: IF_MATCH(`"${'f'.repeat(10 * 1024)}"`) }),
    body('PUT that includes the canary', (tree) => json({ content: `include ${tree.canary};\n` })),
    body('PUT that names a log file outside', (tree) =>
      json({ content: `server {\n    listen 127.0.0.1:8091;\n    access_log ${tree.outside}/created.log;\n}\n` }),
    ),
    ...[
      'location / { xslt_stylesheet CANARY; }',
      'ssl_conf_command Certificate CANARY;',
      'ssl_conf_command ChainCAFile CANARY;',
      'js_import CANARY;',
      'js_path OUTSIDE;',
      'geoip_country CANARY;',
      'location / { proxy_store OUTSIDE/stored; }',
      'listen unix:OUTSIDE/nginx.sock;',
      'map $uri $x { include CANARY; }',
    ].map((directive) =>
      body(`PUT with "${directive}"`, (tree) =>
        json({
          content:
            `server {\n    listen 127.0.0.1:8091;\n` +
            `    ${directive.replace('CANARY', tree.canary).replace('OUTSIDE', tree.outside)}\n}\n`,
        }),
      ),
    ),
  ];
}

const RUN_JSON = { 'content-type': 'application/json', accept: 'application/json' };

export function scriptCases(): HostileCase[] {
  const names = nameVariants('check_disk_space').map(
    ([label, segment]): HostileCase => ({
      name: `script ${label}`,
      method: 'POST',
      url: at(segment, (s) => `/api/scripts/${s}/run`),
      headers: RUN_JSON,
      body: json({ args: [] }),
    }),
  );
  const run = (name: string, body: string | ((tree: HostileTree) => string), extra: Partial<HostileCase> = {}): HostileCase => ({
    name,
    method: 'POST',
    url: '/api/scripts/check_disk_space/run',
    headers: RUN_JSON,
    body,
    ...extra,
  });
  const arg = (name: string, value: unknown) => run(`argument ${name}`, json({ args: [value] }));
  return [
    ...names,
    {
      name: 'script symlinked out of scriptsDir',
      method: 'POST',
      url: '/api/scripts/evil/run',
      headers: RUN_JSON,
      body: json({ args: [] }),
    },
    // A name may end in .sh (check_disk_space.sh is check_disk_space), but only a listed script's.
    {
      name: 'script symlinked out, named with its .sh',
      method: 'POST',
      url: '/api/scripts/evil.sh/run',
      headers: RUN_JSON,
      body: json({ args: [] }),
    },
    {
      name: 'script named with .sh twice',
      method: 'POST',
      url: '/api/scripts/check_disk_space.sh.sh/run',
      headers: RUN_JSON,
      body: json({ args: [] }),
    },
    {
      name: 'a non-script file in scriptsDir',
      method: 'POST',
      url: '/api/scripts/README/run',
      headers: RUN_JSON,
      body: json({ args: [] }),
    },
    arg('"; id"', '; id'),
    arg('"$(id)"', '$(id)'),
    arg('with backticks', '`id`'),
    arg('"| id"', '| id'),
    arg('"&& id"', '&& id'),
    arg('with a newline', '--json\nid'),
    arg('with a NUL byte', '--json\u0000id'),
    arg('"../../etc/passwd"', '../../etc/passwd'),
    arg('".."', '..'),
    arg('of 10 KB', 'a'.repeat(10 * 1024)),
    arg('Cyrillic lookalike', '--j\u0455on'),
    arg('of the wrong type (number)', 1),
    arg('of the wrong type (object)', { toString: 'x' }),
    run('17 arguments', json({ args: Array.from({ length: 17 }, () => '--json') })),
    run('args as a string', json({ args: '--json; id' })),
    run('args null', json({ args: null })),
    run('an extra key "env"', json({ args: [], env: { PATH: '/tmp' } })),
    run('an extra key "__proto__"', '{"args":[],"__proto__":{"timeoutSeconds":0}}'),
    run('timeoutSeconds 0', json({ args: [], timeoutSeconds: 0 })),
    run('timeoutSeconds 99999', json({ args: [], timeoutSeconds: 99999 })),
    run('timeoutSeconds "10"', json({ args: [], timeoutSeconds: '10' })),
    run('timeoutSeconds 1.5', json({ args: [], timeoutSeconds: 1.5 })),
    run('a body that is not JSON', 'args=--json'),
    run('an empty body', ''),
    run('a body of 2 MB', json({ args: ['x'.repeat(100)], pad: 'x'.repeat(TWO_MB) })),
    run('text/plain', json({ args: [] }), {
      headers: { 'content-type': 'text/plain', accept: 'application/json' },
      expect: 'inert',
      runs: true,
    }),
    run('argument "--help" is only an argument', json({ args: ['--help'] }), { expect: 'inert', runs: true }),
    run('argument "-e" is only an argument', json({ args: ['-e'] }), { expect: 'inert', runs: true }),
    {
      name: 'argument: the canary path to parse_logs',
      method: 'POST',
      url: '/api/scripts/parse_logs/run',
      headers: RUN_JSON,
      body: (tree) => json({ args: [tree.canary] }),
    },
    {
      name: 'argument "-f/etc/shadow" to parse_logs',
      method: 'POST',
      url: '/api/scripts/parse_logs/run',
      headers: RUN_JSON,
      body: json({ args: ['-f/etc/shadow'] }),
    },
  ];
}

export function appCases(): HostileCase[] {
  const names = nameVariants('cigar').map(
    ([label, segment]): HostileCase => ({ name: `app ${label}`, method: 'POST', url: at(segment, (s) => `/api/apps/${s}/restart`) }),
  );
  const reads = nameVariants('cigar')
    .filter((_, index) => index % 4 === 1)
    .map(([label, segment]): HostileCase => ({ name: `GET app ${label}`, method: 'GET', url: at(segment, (s) => `/api/apps/${s}`) }));
  const actions = [
    'kill',
    'mask',
    'enable',
    'isolate',
    'daemon-reload',
    '--force',
    'RESTART',
    'restart%3Bid',
    'restart%00',
    '__proto__',
    'constructor',
    'toString',
    '%2e%2e%2fstop',
    'restart%20--no-block',
  ].map((action): HostileCase => ({ name: `action "${decodeURIComponent(action)}"`, method: 'POST', url: `/api/apps/cigar/${action}` }));
  return [
    ...names,
    ...reads,
    ...actions,
    { name: 'the unit name instead of the app', method: 'POST', url: '/api/apps/cigar.service/restart' },
    { name: 'stopping the agent itself', method: 'POST', url: '/api/apps/agent/stop' },
  ];
}

export function allCases(): Array<[family: string, cases: HostileCase[]]> {
  return [
    ['logs', logCases()],
    ['configs', configCases()],
    ['scripts', scriptCases()],
    ['apps', appCases()],
  ];
}

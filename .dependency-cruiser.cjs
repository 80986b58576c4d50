/**
 * The layer rules of the code base (src/ bottom to top: api, core, platform, the laptop foundations, then client,
 * provision and local, then the views; server/ beside it). Each rule's `comment` is the message a developer sees, so
 * it says which layer may import which. The lower layers are written as allow-lists ("may import only"), so they
 * cannot start leaning on a new folder without a change here.
 *
 * Each wrong import is reported by one rule: the allow-lists look at src/ and tui/ only and leave server/ to
 * 'only-local-imports-server'; 'only-the-cli-imports-commands' leaves out the folders whose own rule already names
 * src/commands/, and the server/ allow-list leaves src/commands/ to 'views-do-not-import-commands'.
 */

/** Folders under src/ whose own rule already covers an import of src/commands/. */
const LAYERS_WITH_OWN_RULE = '^src/(api|core|platform|config|secrets|credentials|ssh|holder|client|provision|local)/';

/** Node modules that touch the machine: the pure core must not reach for them. */
const SIDE_EFFECT_MODULES = [
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'tls',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'dns/promises',
  'cluster',
  'worker_threads',
  'readline',
  'readline/promises',
  'os',
  'process',
  'vm',
  'inspector',
];
const SIDE_EFFECT_PACKAGES = ['undici', 'ssh2', 'keytar', '@hono/node-server', 'blessed', 'blessed-contrib', 'ink'];

module.exports = {
  forbidden: [
    {
      name: 'api-imports-nothing-of-ours',
      severity: 'error',
      comment: 'src/api/ is the contract (zod schemas, routes, SSE events): it imports nothing of ours but src/api/ itself.',
      from: { path: '^src/api/' },
      to: { path: '^(src|tui)/', pathNot: '^src/api/' },
    },
    {
      name: 'core-imports-only-api-and-core',
      severity: 'error',
      comment: 'src/core/ is the side-effect-free shared core: it may import only src/api/ and src/core/.',
      from: { path: '^src/core/' },
      to: { path: '^(src|tui)/', pathNot: '^src/(api|core)/' },
    },
    {
      name: 'core-has-no-side-effects',
      severity: 'error',
      comment:
        'src/core/ stays pure: no file system, processes, network, terminal or keychain. Put the side effect in src/platform/ (or the layer that needs it) and pass the result in.',
      from: { path: '^src/core/' },
      to: {
        path: [`^(node:)?(${SIDE_EFFECT_MODULES.join('|')})$`, `^(node_modules/)?(${SIDE_EFFECT_PACKAGES.join('|')})(/|$)`],
      },
    },
    {
      name: 'platform-imports-only-api-core',
      severity: 'error',
      comment:
        'src/platform/ (bounded child processes, the editor, file modes) is shared by the laptop and the agent: it may import only src/api/, src/core/ and src/platform/.',
      from: { path: '^src/platform/' },
      to: { path: '^(src|tui)/', pathNot: '^src/(api|core|platform)/' },
    },
    {
      name: 'foundations-import-only-below',
      severity: 'error',
      comment:
        'src/config/, src/secrets/, src/credentials/ and src/ssh/ are the laptop foundations: they may import src/api/, src/core/, src/platform/ and each other, never the client, provisioning, local mode, the CLI or the TUI.',
      from: { path: '^src/(config|secrets|credentials|ssh)/' },
      to: { path: '^(src|tui)/', pathNot: '^src/(api|core|platform|config|secrets|credentials|ssh)/' },
    },
    {
      name: 'holder-imports-only-below',
      severity: 'error',
      comment:
        'src/holder/ (the background process that keeps SSH connections, and its socket protocol) may import only src/api/, src/core/, src/platform/, src/config/, src/ssh/ and itself.',
      from: { path: '^src/holder/' },
      to: { path: '^(src|tui)/', pathNot: '^src/(api|core|platform|config|ssh|holder)/' },
    },
    {
      name: 'only-the-holder-runs-the-holder',
      severity: 'error',
      comment:
        "The holder's process and socket server (src/holder/main.ts, server.ts) load ssh2: hms reaches them through protocol.ts, paths.ts and spawn.ts only.",
      from: { path: '^(src|tui)/', pathNot: '^src/holder/' },
      to: { path: '^src/holder/(main|server)\\.ts$' },
    },
    {
      name: 'the-holder-path-stays-light',
      severity: 'error',
      comment:
        'A command served by a warm holder must not load ssh2 or node:crypto: src/client/holder-client.ts, holders.ts, transport.ts, ' +
        "tunnel-dispatcher.ts and src/holder/'s paths, protocol and spawn import them (or src/ssh/'s connection, pool, known_hosts) " +
        'only as types or with a dynamic import().',
      from: { path: '^src/(client/(holder-client|holders|transport|tunnel-dispatcher)|holder/(paths|protocol|spawn))\\.ts$' },
      to: {
        path: ['^(node:)?crypto$', '^(node_modules/)?ssh2(/|$)', '^src/ssh/(connection|pool|known-hosts|host-key-check)\\.ts$'],
        dependencyTypesNot: ['type-only', 'dynamic-import'],
      },
    },
    {
      name: 'client-provision-local-below-views',
      severity: 'error',
      comment:
        'src/client/, src/provision/ and src/local/ sit below the views: they may not import src/commands/, src/cli.ts or tui/; return data and let the view print it.',
      from: { path: '^src/(client|provision|local)/' },
      to: { path: '^(src/commands/|src/cli\\.ts$|tui/)' },
    },
    {
      name: 'only-local-imports-server',
      severity: 'error',
      comment:
        'Of src/, only src/local/ (the embedded agent) may import server/; everything else reaches the agent over HTTP through src/client/.',
      from: { path: '^src/', pathNot: '^src/local/' },
      to: { path: '^server/' },
    },
    {
      name: 'server-imports-only-api-core-platform',
      severity: 'error',
      comment:
        'server/ may import from src/ only src/api, src/core and src/platform (the contract, the pure core, the process runner), and never tui/.',
      from: { path: '^server/' },
      to: { path: '^(src|tui)/', pathNot: '^src/(api|core|platform|commands)/' },
    },
    {
      name: 'views-do-not-import-commands',
      severity: 'error',
      comment:
        'server/ and tui/ never import src/commands/ (a view importing another view): move what both need into src/core/ (pure) or the layer it belongs to, and import it from there.',
      from: { path: '^(server|tui)/' },
      to: { path: '^src/commands/' },
    },
    {
      name: 'only-the-cli-imports-commands',
      severity: 'error',
      comment: 'Only src/cli.ts and src/commands/ import src/commands/; what another layer needs from there belongs lower down.',
      from: { path: '^src/', pathNot: ['^src/cli\\.ts$', '^src/commands/', LAYERS_WITH_OWN_RULE] },
      to: { path: '^src/commands/' },
    },
    {
      name: 'tui-does-not-import-server',
      severity: 'error',
      comment:
        "tui/ never imports server/: the agent's pages (server/web/) are another view, and the TUI reaches the agent through src/client/ (local mode through src/local/).",
      from: { path: '^tui/' },
      to: { path: '^server/' },
    },
    {
      name: 'routes-and-pages-use-service-faces',
      severity: 'error',
      comment:
        'server/api/ and server/web/ import a service only through its face, server/services/<concern>/index.ts; export what you need from there.',
      from: { path: '^server/(api|web)/' },
      to: { path: '^server/services/[^/]+/', pathNot: '^server/services/[^/]+/index\\.ts$' },
    },
    {
      name: 'concerns-meet-through-faces',
      severity: 'error',
      comment:
        "A service concern imports another concern only through its face, server/services/<other>/index.ts, never the other concern's files.",
      from: { path: '^server/services/([^/]+)/' },
      to: { path: '^server/services/', pathNot: ['^server/services/$1/', '^server/services/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-cycle-between-folders',
      severity: 'error',
      comment:
        'Import cycle that crosses folders: two layers (or two concerns) depend on each other. Move the shared part down so imports point one way.',
      from: { path: '^(src/[^/]+|server/services/[^/]+|server/[^/]+|tui/[^/]+)/' },
      to: { circular: true, via: { pathNot: '^$1/' } },
    },
    {
      name: 'no-cycle-in-folder',
      severity: 'warn',
      comment: 'Import cycle inside one folder: it works, but the files are harder to read and test one at a time.',
      from: { path: '^(src/[^/]+|server/services/[^/]+|server/[^/]+|tui/[^/]+)/' },
      to: { circular: true, viaOnly: { path: '^$1/' } },
    },
    {
      name: 'no-unresolvable-import',
      severity: 'error',
      comment: 'This import does not resolve to a file or an installed package.',
      from: {},
      // keytar is an optional dependency, loaded lazily: a machine without it still works.
      to: { couldNotResolve: true, pathNot: '^keytar$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '\\.d\\.ts$'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};

/**
 * The module boundaries of docs/architecture.md, enforced (npm run check:deps).
 * Layers, low to high: lib < platform < store < core < protocols|jobs < app < cli.
 */
const layer = (name) => `^src/${name}/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lib-is-pure',
      comment: 'src/lib holds pure libraries: no app imports, no sockets, files or processes',
      severity: 'error',
      from: { path: layer('lib'), pathNot: '\\.test\\.ts$' },
      // node:buffer is pure data handling (isUtf8, Buffer), not I/O.
      to: { pathNot: ['^src/lib/', '^node_modules/', '^buffer$'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'lib-no-io',
      severity: 'error',
      from: { path: layer('lib'), pathNot: '\\.test\\.ts$' },
      to: { path: '^(node:)?(net|fs|tls|child_process|fs/promises|dgram|http|https)$' },
    },
    {
      name: 'platform-upward',
      severity: 'error',
      from: { path: layer('platform'), pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(store|core|protocols|jobs|app|cli)/' },
    },
    {
      name: 'store-upward',
      severity: 'error',
      from: { path: layer('store'), pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(core|protocols|jobs|app|cli)/' },
    },
    {
      name: 'core-upward',
      severity: 'error',
      from: { path: layer('core'), pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(protocols|jobs|app|cli)/' },
    },
    {
      name: 'core-via-interfaces',
      comment:
        'core reaches blob, search and change-feed stores through their index.ts interfaces only; app/ chooses',
      severity: 'error',
      from: { path: layer('core') },
      to: {
        path: '^src/store/(blob|search|changes)/',
        pathNot: '^src/store/(blob|search|changes)/index\\.ts$',
      },
    },
    {
      name: 'protocols-apart',
      severity: 'error',
      from: { path: '^src/protocols/([^/]+)/' },
      to: { path: '^src/protocols/', pathNot: '^src/protocols/$1/' },
    },
    {
      name: 'protocols-upward',
      severity: 'error',
      from: { path: '^src/(protocols|jobs)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(app|cli)/' },
    },
    {
      name: 'app-not-cli',
      severity: 'error',
      from: { path: layer('app') },
      to: { path: '^src/cli/' },
    },
    {
      name: 'public-surface',
      comment: 'core/X reaches core/Y only through core/Y/index.ts',
      severity: 'error',
      from: { path: '^src/core/([^/]+)/' },
      to: { path: '^src/core/([^/]+)/.+', pathNot: ['^src/core/$1/', '^src/core/[^/]+/index\\.ts$'] },
    },
    {
      name: 'web-isolation',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(src|test|bench)/' },
    },
    {
      name: 'src-not-web',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^web/' },
    },
    {
      name: 'common-isolated',
      severity: 'error',
      from: { path: '^common/' },
      to: { path: '^(src|web|test|bench)/' },
    },
    {
      name: 'tests-leaf',
      severity: 'error',
      from: { path: '^(src|web|common)/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.d.ts'],
    },
  },
};

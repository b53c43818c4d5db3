// Lint: the layering of ARCHITECTURE.md as rules (an import may only point down), plus a few
// correctness rules. Run by `npm test` (npm run lint).
//   contract → shared → db → modules (handlers → service → repository) → ipc → server/window/app → cli
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'

const msg = (what) => `${what} (layering: see ARCHITECTURE.md / src-main/README.md)`

/** Relative imports that reach a folder of src-main from a file one level below it. */
const up = (...folders) => folders.map((f) => ({ regex: `^(\\.\\./)+${f}(/|$)`, message: msg(`do not import ${f}/ from here`) }))

const electron = { name: 'electron', message: msg('Electron only in src-main/window, src-main/preload and src-main/index.ts') }

/** A service, repository or handler file may not call knex outside repositories. */
const knexInServices = [
  {
    selector: "CallExpression[callee.type='Identifier'][callee.name=/^(trx|k|knex|db|tx)$/][arguments.0.type='Literal']",
    message: 'knex queries live in repositories (<area>.repository.ts), not in services or handlers',
  },
  {
    selector: "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(where|orWhere|andWhere|whereNot|whereIn|whereNotIn|whereNull|whereNotNull|whereRaw|orWhereRaw|whereExists|orderBy|orderByRaw|groupBy|having|leftJoin|innerJoin|rightJoin|select|first|pluck|increment|decrement|onConflict)$/]",
    message: 'query building lives in repositories (<area>.repository.ts), not in services or handlers',
  },
  {
    selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='raw']",
    message: 'raw SQL lives in repositories or src-main/db',
  },
]

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', 'coverage/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-self-compare': 'error',
      'no-unsafe-finally': 'error',
      'no-fallthrough': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  ...vue.configs['flat/essential'].map((c) => ({ ...c, files: ['src-renderer/**/*.vue'] })),
  {
    files: ['src-renderer/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } },
    rules: { 'vue/multi-word-component-names': 'off', 'vue/no-mutating-props': 'error' },
  },

  // ---- src-main layers -------------------------------------------------------------------
  {
    files: ['src-main/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$|\\./)', message: msg('the contract imports only zod and its own files') }] }],
    },
  },
  {
    files: ['src-main/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron, { name: 'knex', message: msg('shared/ holds no database code') }],
        patterns: up('db', 'modules', 'ipc', 'server', 'window', 'app', 'cli', 'preload'),
      }],
    },
  },
  {
    files: ['src-main/db/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electron], patterns: up('modules', 'ipc', 'server', 'window', 'app', 'cli', 'preload') }] },
  },
  {
    files: ['src-main/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron],
        patterns: [
          ...up('ipc', 'server', 'window', 'app', 'cli', 'preload'),
          // another area only through its service: modules/<a>/x.ts → ../<b>/<b>.repository is refused
          { regex: '^\\.\\./[^/.]+/[^/]+\\.repository$', message: msg('call another module through its service, not its repository') },
        ],
      }],
    },
  },
  {
    files: ['src-main/modules/**/*.service.ts', 'src-main/modules/**/*.handlers.ts', 'src-main/modules/auth/permissions.ts'],
    rules: { 'no-restricted-syntax': ['error', ...knexInServices] },
  },
  {
    files: ['src-main/ipc/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electron], patterns: up('server', 'window', 'app', 'cli', 'preload') }] },
  },
  {
    files: ['src-main/server/**/*.ts', 'src-main/app/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electron], patterns: up('cli', 'window', 'preload') }] },
  },
  {
    files: ['src-main/window/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: up('cli') }] },
  },
  {
    files: ['db/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electron], patterns: [{ regex: 'src-main/(?!db/|contract/)', message: msg('migrations and seeds use only src-main/db and the contract') }] }] },
  },

  // ---- renderer ----------------------------------------------------------------------------
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron, { name: 'knex', message: 'the renderer has no database access' }],
        patterns: [
          { regex: 'src-main/', message: 'the renderer imports only the contract, through @contract/*' },
          { regex: '^node:', message: 'the renderer has no Node' },
        ],
      }],
    },
  },
  {
    files: ['src-renderer/components/**/*.ts', 'src-renderer/components/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron],
        patterns: [
          { regex: 'src-main/', message: 'the renderer imports only the contract, through @contract/*' },
          { regex: '^(\\.\\./)+views(/|$)', message: 'components/ is area-free: it never imports views/' },
          { regex: '^(\\.\\./)+router(/index)?$', message: 'components/ does not import the router' },
        ],
      }],
    },
  },
  {
    files: ['src-renderer/views/**/*.ts', 'src-renderer/views/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electron],
        patterns: [
          { regex: 'src-main/', message: 'the renderer imports only the contract, through @contract/*' },
          { regex: '^(\\.\\./)+router(/index)?$', message: 'views import router/menu, never router/index (it imports the views: a cycle)' },
        ],
      }],
    },
  },
)

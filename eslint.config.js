// Type-aware lint for the whole repository (STYLE.md habit 12).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'apps/web/dist/', '.calmdesk/', 'scripts/*.mjs', 'apps/cli/bin/*.js', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Module code reaches the database through ctx.tx / scoped(ctx), or through the named
    // bypasses systemDb(deps, { practiceId, reason }) and accountDb(deps) in platform/tenancy.ts.
    files: ['apps/server/src/modules/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.fixture.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          "MemberExpression[property.name='db'][object.name='deps']",
          "MemberExpression[property.name='db'][object.property.name='deps']",
          "VariableDeclarator[init.name='deps'] > ObjectPattern > Property[key.name='db']",
          "VariableDeclarator[init.property.name='deps'] > ObjectPattern > Property[key.name='db']",
          "ObjectPattern[parent.type!='VariableDeclarator'] > Property[key.name='deps'] > ObjectPattern > Property[key.name='db']",
        ].map((selector) => ({
          selector,
          message:
            'Module code does not take the global handle: use ctx.tx / scoped(ctx), or name the bypass with systemDb(deps, { practiceId, reason }) or accountDb(deps) (platform/tenancy.ts).',
        })),
      ],
    },
  },
  {
    // Tests read JSON answers loosely on purpose: the assertions are the type check.
    files: ['**/*.test.ts', '**/test/**/*.ts', 'tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);

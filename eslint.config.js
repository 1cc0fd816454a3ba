// Lint with typescript-eslint; module boundaries follow the Nx tags in each package.json:
// type:service may import type:lib; a lib never imports a service (nor reaches into one by path).
import tseslint from 'typescript-eslint';

const noServiceImports = {
  patterns: [
    { group: ['@conduit/service-*'], message: 'libs never import services (Nx boundary type:lib → type:lib only).' },
    { group: ['**/services/**'], message: 'libs never import services (Nx boundary type:lib → type:lib only).' },
  ],
};
const noDeepLibImports = {
  patterns: [{ group: ['@conduit/*/src/*', '**/libs/*/src/**'], message: 'import a lib through its public surface (@conduit/<lib>).' }],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.nx/**', '.local/**', '**/scratch/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', noDeepLibImports],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...noServiceImports.patterns, ...noDeepLibImports.patterns] }],
    },
  },
  // Each outside dependency is owned by one lib (style: "Each lib owns its outside dependency").
  ...ownedDependencyRules(),
);

function ownedDependencyRules() {
  const owners = {
    kafkajs: 'libs/bus',
    'node-hl7-client': 'libs/hl7v2',
    ioredis: 'libs/queue',
    bullmq: 'libs/queue',
    fastify: 'libs/http',
    'prom-client': 'libs/metrics',
  };
  const dirs = [...new Set(Object.values(owners))];
  const ban = (names) => ['error', { paths: names.map((name) => ({ name, message: `${name} is imported only in ${owners[name]}.` })) }];
  return [
    { files: ['**/*.ts'], ignores: dirs.map((d) => `${d}/**`), rules: { '@typescript-eslint/no-restricted-imports': ban(Object.keys(owners)) } },
    ...dirs.map((dir) => ({
      files: [`${dir}/**/*.ts`],
      rules: { '@typescript-eslint/no-restricted-imports': ban(Object.keys(owners).filter((n) => owners[n] !== dir)) },
    })),
  ];
}

// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';

/**
 * The import column of ../shared/design.md: which room may import which. Each room lists the project rooms
 * and the outside packages it must NOT reach; everything else is allowed.
 */
const ROOMS = ['shared', 'engine', 'main', 'preload', 'renderer', 'web', 'cli'];
const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'worker_threads',
  'url',
  'http',
  'net',
];
const ENGINE_PACKAGES = ['onnxruntime-node', 'onnxruntime-*', '@huggingface/transformers', 'onnx-proto', 'sharp'];
const boundaries = {
  shared: { rooms: ['shared'], forbid: [...NODE_BUILTINS, ...ENGINE_PACKAGES, 'electron', 'vue', 'echarts'] },
  engine: { rooms: ['engine', 'shared'], forbid: ['electron', 'vue'] },
  main: { rooms: ['main', 'engine', 'shared'], forbid: ['vue'] },
  preload: { rooms: ['preload', 'shared'], forbid: [...ENGINE_PACKAGES, 'vue'] },
  renderer: { rooms: ['renderer', 'shared'], forbid: [...NODE_BUILTINS, ...ENGINE_PACKAGES, 'electron'] },
  web: { rooms: ['web', 'engine', 'shared'], forbid: ['electron', 'vue'] },
  cli: { rooms: ['cli', 'engine', 'shared'], forbid: ['electron', 'vue'] },
};

const boundaryConfigs = Object.entries(boundaries).map(([room, { rooms, forbid }]) => ({
  files: [`src/${room}/**/*.{ts,vue}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...ROOMS.filter((other) => !rooms.includes(other)).map((other) => ({
            group: [`**/${other}/**`, `../${other}`, `../../${other}`],
            message: `src/${room} may not import src/${other} (see ../shared/design.md, "Rooms")`,
          })),
          ...forbid.map((name) => ({
            group: [name],
            message: `src/${room} may not import ${name} (see ../shared/design.md)`,
          })),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'fixtures/', 'resources/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  { files: ['src/renderer/**/*.{ts,vue}'], languageOptions: { globals: { ...globals.browser } } },
  ...boundaryConfigs,
);

'use strict';
// gts's shared rules, plus ignores for generated output.
const gts = require('gts');
const globals = require('globals');

module.exports = [
  {ignores: ['dist/', 'out/', 'coverage/', 'node_modules/', 'test-output/']},
  ...gts,
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {globals: {...globals.node}},
  },
  {
    rules: {
      // Apps Script globals and the DOM are declared by @types, not imported.
      'n/no-unpublished-import': 'off',
      'n/no-unpublished-require': 'off',
      'n/no-extraneous-import': 'off',
    },
  },
];

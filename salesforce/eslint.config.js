// Lint for the Lightning Web Components: Salesforce's recommended LWC rules, plus jest globals for their tests.
const lwcConfig = require('@salesforce/eslint-config-lwc');
const jestPlugin = require('eslint-plugin-jest');

module.exports = [
    { ignores: ['node_modules/**', '.sfdx/**', '.sf/**', 'scripts/**', 'jest.config.js', 'eslint.config.js'] },
    ...lwcConfig.configs.recommended,
    {
        files: ['**/__tests__/**/*.js', 'jest-mocks/**/*.js', 'test-helpers/**/*.js'],
        ...jestPlugin.configs['flat/recommended'],
        languageOptions: { globals: jestPlugin.environments.globals.globals },
        rules: {
            ...jestPlugin.configs['flat/recommended'].rules,
            // Tests drive wire adapters by hand and wait for the microtask queue with timers.
            '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off',
            '@lwc/lwc/no-async-operation': 'off'
        }
    }
];

// LWC unit tests (sfdx-lwc-jest brings its own jest, separate from the backend's).
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
    ...jestConfig,
    moduleNameMapper: {
        // sfdx-lwc-jest has no stub for lightning/actions, and its navigation stub forgets the page asked for.
        '^lightning/actions$': '<rootDir>/jest-mocks/lightning/actions',
        '^lightning/navigation$': '<rootDir>/jest-mocks/lightning/navigation',
        '^test-helpers/lwc$': '<rootDir>/test-helpers/lwc'
    },
    modulePathIgnorePatterns: ['<rootDir>/.localdevserver'],
    testPathIgnorePatterns: ['<rootDir>/node_modules/']
};

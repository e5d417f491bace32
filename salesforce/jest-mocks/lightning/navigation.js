// Test stand-in for lightning/navigation that remembers where a component asked to go (the stub forgets it).
import { createTestWireAdapter } from '@salesforce/wire-service-jest-util';

export const CurrentPageReference = createTestWireAdapter(jest.fn());

let lastPageReference;

/** The page reference of the last Navigate call since the last reset, or undefined. */
export const getNavigateCalledWith = () => lastPageReference;
export const resetNavigate = () => {
    lastPageReference = undefined;
};

const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');
export const NavigationMixin = (Base) =>
    class extends Base {
        [Navigate](pageReference) {
            lastPageReference = pageReference;
        }
        [GenerateUrl]() {
            return Promise.resolve('https://example.invalid/');
        }
    };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;

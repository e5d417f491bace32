import { errorMessage, parseEmailList } from 'c/zoomErrors';

describe('errorMessage', () => {
    it('shows the message of an AuraHandledException as the user should read it', () => {
        expect(errorMessage({ body: { message: 'Start a Zoom meeting from a Lead or a Contact.' } })).toBe(
            'Start a Zoom meeting from a Lead or a Contact.'
        );
    });

    it('joins the messages of a Lightning Data Service error list', () => {
        expect(errorMessage({ body: [{ message: 'Field missing' }, { message: 'No access' }] })).toBe(
            'Field missing, No access'
        );
    });

    it('falls back to a generic message rather than an empty box', () => {
        expect(errorMessage(undefined)).toBe('Something went wrong.');
        expect(errorMessage({ body: {} })).toBe('Something went wrong.');
        expect(errorMessage(new Error('Network down'))).toBe('Network down');
    });
});

describe('parseEmailList', () => {
    it('splits on commas, semicolons, spaces and new lines and drops repeats whatever their case', () => {
        expect(parseEmailList('ana@x.example, luis@y.example;\nANA@x.example  eva@z.example')).toEqual([
            'ana@x.example',
            'luis@y.example',
            'eva@z.example'
        ]);
    });

    it('gives an empty list for an empty box', () => {
        expect(parseEmailList('  \n ')).toEqual([]);
        expect(parseEmailList(undefined)).toEqual([]);
    });
});

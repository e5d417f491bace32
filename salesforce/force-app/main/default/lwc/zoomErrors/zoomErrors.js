/**
 * Helpers shared by the Zoom components: the plain message of any error a component can meet (an Apex
 * AuraHandledException, a Lightning Data Service error, a browser Error), the parsing of an e-mail list, and how
 * "Send Email"'s per-recipient outcomes read.
 */

/** The message to show for an error, never an empty string. */
export function errorMessage(error) {
    if (!error) {
        return 'Something went wrong.';
    }
    const errors = Array.isArray(error) ? error : [error];
    const messages = errors
        .map((e) => {
            if (typeof e === 'string') return e;
            if (e?.body) {
                if (Array.isArray(e.body)) return e.body.map((b) => b.message).join(', ');
                if (e.body.message) return e.body.message;
            }
            return e?.message;
        })
        .filter((message) => typeof message === 'string' && message.trim() !== '');
    return messages.length ? messages.join('; ') : 'Something went wrong.';
}

/** Addresses typed in one box, separated by commas, semicolons, spaces or new lines; duplicates dropped. */
export function parseEmailList(text) {
    const seen = new Set();
    const emails = [];
    for (const part of (text ?? '').split(/[\s,;]+/)) {
        const email = part.trim();
        if (email && !seen.has(email.toLowerCase())) {
            seen.add(email.toLowerCase());
            emails.push(email);
        }
    }
    return emails;
}

const OUTCOME_LABELS = { sent: 'Sent', invalid: 'Not an e-mail address', refused: 'Refused by the mail server' };

/** "Send Email"'s outcomes as the components list them: a label and a colour per recipient. */
export function describeRecipientOutcomes(outcomes) {
    return (outcomes ?? []).map((r) => ({
        ...r,
        label: OUTCOME_LABELS[r.outcome] ?? r.outcome,
        className: r.outcome === 'sent' ? 'slds-text-color_success' : 'slds-text-color_error'
    }));
}

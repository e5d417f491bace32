import { LightningElement } from 'lwc';
import getPageContext from '@salesforce/apex/ZoomExternalMeetingsController.getPageContext';
import listMeetings from '@salesforce/apex/ZoomExternalMeetingsController.listMeetings';
import getMeetingDetails from '@salesforce/apex/ZoomExternalMeetingsController.getMeetingDetails';
import searchPeople from '@salesforce/apex/ZoomExternalMeetingsController.searchPeople';
import createEvents from '@salesforce/apex/ZoomExternalMeetingsController.createEvents';
import { errorMessage } from 'c/zoomErrors';

const DAY_MS = 86400000;
/** The default range's length, today included. */
const DEFAULT_RANGE_DAYS = 30;
const PROPOSALS = {
    linked: 'Linked',
    ambiguous: 'Several records match',
    host: 'The host',
    phone: 'Phone dial-in',
    device: 'Room system or device',
    'no-match': 'No match'
};
const BY_TEXT = { email: 'by e-mail', name: 'by name' };

/** YYYY-MM-DD of a moment, in UTC as Zoom's report reads dates. */
function isoDay(ms) {
    return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The same day of the next month (the month's last day when it has none: Jan 31 → Feb 28), UTC. Zoom's report
 * reads at most a month: To must come before this day of From.
 */
function oneMonthAfter(dayMs) {
    const day = new Date(dayMs);
    const year = day.getUTCFullYear();
    const month = day.getUTCMonth() + 1;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    return Date.UTC(year, month, Math.min(day.getUTCDate(), lastDay));
}

/** The default From: the last 30 days with today, shortened to what Zoom reads at once (around February). */
function defaultFrom(nowMs) {
    const today = Date.parse(isoDay(nowMs));
    let from = today - (DEFAULT_RANGE_DAYS - 1) * DAY_MS;
    while (today >= oneMonthAfter(from)) from += DAY_MS;
    return isoDay(from);
}

/**
 * The External Zoom Meetings tab: a host's meetings held in Zoom outside Salesforce, for a date range (the last 30
 * days by default), paged by the server. "Get Details" shows a meeting's participants and the records the
 * integration proposes to link them to; the user can link anyone to one of the host's Contacts or Leads, or clear a
 * link. "Create Events" records the selected meetings as Events (again: updated in place), one result per row.
 * Nothing the user typed or chose is lost when a call fails: the page shows the message and keeps it all.
 */
export default class ExternalZoomMeetings extends LightningElement {
    fromDate = defaultFrom(Date.now());
    toDate = isoDay(Date.now());
    hostId;
    isAdmin = false;
    hostOptions = [];

    meetings = [];
    nextCursor;
    loading = false;
    error;

    /** The meeting whose participants are shown, and its details. */
    openUuid;
    details;
    detailsError;
    detailsLoading = false;

    /** Selected meetings' UUIDs. */
    selected = new Set();
    /** uuid → participant key → { recordId | null, name }: the user's link choices. */
    choices = {};
    /** uuid → { ok, text }: the last Create Events result of each row. */
    results = {};
    creating = false;

    /** The participant whose link is being searched for, the search text and what it found. */
    searchKey;
    searchTerm = '';
    searchResults = [];
    searchMessage;

    async connectedCallback() {
        try {
            const context = await getPageContext();
            this.hostId = context.userId;
            this.isAdmin = context.isAdmin === true;
            this.hostOptions = (context.hosts ?? []).map((h) => ({ label: h.name, value: h.id }));
        } catch (error) {
            this.error = errorMessage(error);
            return;
        }
        await this.loadMeetings();
    }

    handleFromChange(event) {
        this.fromDate = event.target.value;
    }

    handleToChange(event) {
        this.toDate = event.target.value;
    }

    handleHostChange(event) {
        this.hostId = event.detail.value;
    }

    /** "Show Meetings": the first page for the range. */
    handleShow() {
        this.loadMeetings();
    }

    handleLoadMore() {
        this.loadMeetings(this.nextCursor);
    }

    /** A plain message for a range the server would refuse, or undefined. */
    rangeProblem() {
        if (!this.fromDate || !this.toDate) return 'Enter both From and To.';
        const from = Date.parse(this.fromDate);
        const to = Date.parse(this.toDate);
        if (Number.isNaN(from) || Number.isNaN(to)) return 'From and To must be dates.';
        if (from > to) return 'From must be on or before To.';
        if (to >= oneMonthAfter(from)) {
            return 'Zoom reports at most one month at a time (To before the same day of the next month): choose a shorter range.';
        }
        return undefined;
    }

    async loadMeetings(cursor) {
        const problem = this.rangeProblem();
        if (problem) {
            this.error = problem;
            return;
        }
        this.loading = true;
        this.error = undefined;
        try {
            const page = await listMeetings({
                hostId: this.hostId,
                fromDate: this.fromDate,
                toDate: this.toDate,
                cursor: cursor ?? null
            });
            const rows = page.meetings ?? [];
            this.meetings = cursor ? [...this.meetings, ...rows] : rows;
            this.nextCursor = page.nextCursor;
            if (!cursor) {
                this.selected = new Set();
                this.results = {};
                this.closeDetails();
            }
        } catch (error) {
            this.error = errorMessage(error);
        } finally {
            this.loading = false;
        }
    }

    get hasMeetings() {
        return this.meetings.length > 0;
    }

    get showEmpty() {
        return !this.loading && !this.error && this.meetings.length === 0;
    }

    get hasMore() {
        return Boolean(this.nextCursor);
    }

    get createDisabled() {
        return this.creating || this.selected.size === 0;
    }

    get rows() {
        return this.meetings.map((m) => {
            const result = this.results[m.uuid];
            return {
                ...m,
                selectLabel: `Select ${m.topic || 'meeting'}`,
                detailsLabel: `Get Details of ${m.topic || 'meeting'}`,
                isSelected: this.selected.has(m.uuid),
                selectDisabled: m.managed,
                eventText: m.managed ? 'Scheduled from Salesforce' : m.eventId ? 'Yes' : 'No',
                resultText: result?.text ?? '',
                resultClass: result && !result.ok ? 'slds-text-color_error' : 'slds-text-color_success'
            };
        });
    }

    handleSelect(event) {
        const uuid = event.target.dataset.uuid;
        const selected = new Set(this.selected);
        if (event.target.checked) selected.add(uuid);
        else selected.delete(uuid);
        this.selected = selected;
    }

    /** "Get Details": the participants and the links proposed for them. */
    async handleDetails(event) {
        const uuid = event.target.dataset.uuid;
        this.openUuid = uuid;
        this.details = undefined;
        this.detailsError = undefined;
        this.detailsLoading = true;
        this.searchKey = undefined;
        try {
            this.details = await getMeetingDetails({ hostId: this.hostId, uuid });
        } catch (error) {
            this.detailsError = errorMessage(error);
        } finally {
            this.detailsLoading = false;
        }
    }

    closeDetails() {
        this.openUuid = undefined;
        this.details = undefined;
        this.detailsError = undefined;
        this.searchKey = undefined;
    }

    get detailsTitle() {
        return this.details ? `Participants of ${this.details.topic || 'the meeting'}` : 'Participants';
    }

    get participants() {
        const chosen = this.choices[this.openUuid] ?? {};
        return (this.details?.participants ?? []).map((p) => {
            const choice = chosen[p.key];
            const proposal = [PROPOSALS[p.proposal] ?? p.proposal, BY_TEXT[p.by]].filter(Boolean).join(' ');
            let link;
            if (choice) link = choice.recordId ? `${choice.name} (your choice)` : 'Not linked (your choice)';
            else if (p.linked) link = `${p.linked.type} ${p.linked.name}`;
            else if (p.candidates?.length) link = `One of: ${p.candidates.map((c) => c.name).join(', ')}`;
            else link = 'Not linked';
            return {
                ...p,
                proposalText: proposal,
                linkText: link,
                associateLabel: `Associate ${p.name}`,
                clearLabel: `Clear Link of ${p.name}`,
                searching: this.searchKey === p.key
            };
        });
    }

    handleAssociate(event) {
        this.searchKey = event.target.dataset.key;
        this.searchTerm = '';
        this.searchResults = [];
        this.searchMessage = undefined;
    }

    handleCancelSearch() {
        this.searchKey = undefined;
    }

    handleSearchChange(event) {
        this.searchTerm = event.target.value;
    }

    async handleSearch() {
        this.searchMessage = undefined;
        try {
            const found = await searchPeople({ hostId: this.hostId, term: this.searchTerm });
            this.searchResults = found.map((r) => ({ ...r, label: `Link ${r.type} ${r.name}` }));
            if (found.length === 0) this.searchMessage = 'No Contact or Lead of the host has that name.';
        } catch (error) {
            this.searchMessage = errorMessage(error);
        }
    }

    handlePick(event) {
        const { id, name } = event.target.dataset;
        this.choose(this.searchKey, { recordId: id, name });
        this.searchKey = undefined;
    }

    handleClear(event) {
        this.choose(event.target.dataset.key, { recordId: null, name: '' });
    }

    choose(key, choice) {
        const forMeeting = { ...(this.choices[this.openUuid] ?? {}), [key]: choice };
        this.choices = { ...this.choices, [this.openUuid]: forMeeting };
        // A meeting whose links the user set is one they mean to record.
        this.selected = new Set([...this.selected, this.openUuid]);
    }

    /** "Create Events": the selected meetings with their chosen links; each row shows its own result. */
    async handleCreate() {
        const uuids = this.meetings.filter((m) => this.selected.has(m.uuid)).map((m) => m.uuid);
        const request = uuids.map((uuid) => ({
            uuid,
            links: Object.entries(this.choices[uuid] ?? {}).map(([key, choice]) => ({
                key,
                recordId: choice.recordId
            }))
        }));
        this.creating = true;
        this.error = undefined;
        try {
            const answers = await createEvents({ hostId: this.hostId, meetingsJson: JSON.stringify(request) });
            const results = { ...this.results };
            const eventIds = {};
            for (const answer of answers) {
                results[answer.uuid] = answer.ok
                    ? { ok: true, text: answer.created ? 'Event created' : 'Event updated' }
                    : { ok: false, text: answer.error };
                if (answer.ok) eventIds[answer.uuid] = answer.eventId;
            }
            this.results = results;
            this.meetings = this.meetings.map((m) => (eventIds[m.uuid] ? { ...m, eventId: eventIds[m.uuid] } : m));
            // What failed stays selected, with its links, for another try.
            this.selected = new Set(uuids.filter((uuid) => !eventIds[uuid]));
        } catch (error) {
            this.error = errorMessage(error);
        } finally {
            this.creating = false;
        }
    }
}

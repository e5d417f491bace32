/**
 * A minimal, strict IMAP4rev1 server (RFC 3501) over the mail sink's mailboxes: enough for a client to log in,
 * open a sender's "Sent" folder and look a message up by a header, as the product does before it retries an e-mail
 * (Gmail and Microsoft 365 keep every message submitted over SMTP in the sender's Sent mailbox).
 *
 * Commands: CAPABILITY, NOOP, LOGOUT (any state); LOGIN, AUTHENTICATE PLAIN (not authenticated); SELECT, EXAMINE,
 * LIST, LSUB (authenticated); SEARCH, UID SEARCH (keys ALL, HEADER, UID, sequence sets, NOT, OR, parentheses),
 * CLOSE (selected). Anything else, a command in the wrong state or malformed arguments: a tagged BAD, as §6 and
 * §7.1.3 demand; wrong credentials or a missing mailbox: NO. Strings may be atoms, quoted strings or synchronizing
 * literals (§4.3, the server answers "+" before reading one); non-synchronizing literals (LITERAL+) are not
 * advertised and get BAD. Mailbox contents are read-only here: messages only arrive through SMTP.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface ImapMessage {
  uid: number;
  /** Unfolded header fields, names lower-cased, in message order. */
  headers: [name: string, value: string][];
}

export interface ImapMailbox {
  uidValidity: number;
  uidNext: number;
  messages: readonly ImapMessage[];
}

export interface ImapStore {
  /** Whether these credentials log in as `user`. */
  authenticate(user: string, password: string): boolean;
  /** `user`'s mailbox by name (INBOX matched case-insensitively, §5.1), or undefined when there is none. */
  mailbox(user: string, name: string): ImapMailbox | undefined;
  /** The names of `user`'s mailboxes. */
  mailboxNames(user: string): string[];
}

const CAPABILITIES = 'IMAP4rev1 AUTH=PLAIN';
const MAX_LINE_BYTES = 8 * 1024;
const MAX_LITERAL_BYTES = 64 * 1024;
const DELIMITER = '/';

type Token = { kind: 'atom'; value: string } | { kind: 'string'; value: string } | { kind: '(' } | { kind: ')' };
type Segment = string | { literal: string };

class Bad extends Error {}

/** tag = 1*<any ASTRING-CHAR except "+"> (§9): no controls, spaces, specials or "+". */
const TAG = /^[^\x00-\x20\x7f(){%*"\\+]+$/;
/** ASTRING-CHAR (§9): ATOM-CHAR or "]". */
const ASTRING_CHARS = /^[^\x00-\x20\x7f(){%*"\\]+$/;

/** Splits a command (its text and literal segments) into tokens separated by exactly one space. */
function tokenize(segments: Segment[]): Token[] {
  const tokens: Token[] = [];
  let expectSpace = false;
  for (const segment of segments) {
    if (typeof segment !== 'string') {
      if (expectSpace) throw new Bad('Missing space before a literal');
      tokens.push({ kind: 'string', value: segment.literal });
      expectSpace = true;
      continue;
    }
    let i = 0;
    while (i < segment.length) {
      const c = segment[i];
      if (c === ' ') {
        if (!expectSpace) throw new Bad('Unexpected space');
        expectSpace = false;
        i += 1;
      } else if (c === ')') {
        tokens.push({ kind: ')' });
        expectSpace = true;
        i += 1;
      } else {
        if (expectSpace) throw new Bad('Missing space between arguments');
        if (c === '(') {
          tokens.push({ kind: '(' });
          i += 1;
          continue; // no space after "("
        }
        if (c === '"') {
          let value = '';
          i += 1;
          for (;;) {
            if (i >= segment.length) throw new Bad('Unterminated quoted string');
            const q = segment[i];
            if (q === '"') break;
            if (q === '\\') {
              const next = segment[i + 1];
              if (next !== '"' && next !== '\\') throw new Bad('Invalid escape in quoted string');
              value += next;
              i += 2;
            } else {
              value += q;
              i += 1;
            }
          }
          tokens.push({ kind: 'string', value });
          i += 1;
        } else {
          let end = i;
          while (end < segment.length && !' ()"'.includes(segment[end])) end += 1;
          const value = segment.slice(i, end);
          // Atoms, plus the list wildcards and "*" of sequence sets; nothing else may stand unquoted.
          if (!/^[^\x00-\x1f\x7f{\\]+$/.test(value)) throw new Bad(`Invalid characters in ${JSON.stringify(value)}`);
          tokens.push({ kind: 'atom', value });
          i = end;
        }
        expectSpace = true;
      }
    }
  }
  if (!expectSpace && tokens.length > 0) throw new Bad('Trailing space');
  return tokens;
}

/** astring (§9): an atom or a string. */
function astring(token: Token | undefined, what: string): string {
  if (token?.kind === 'string') return token.value;
  if (token?.kind === 'atom' && ASTRING_CHARS.test(token.value)) return token.value;
  throw new Bad(`Expected ${what}`);
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** sequence-set (§9): numbers, ranges and "*" (the largest), comma-separated. */
function parseSet(text: string, largest: number): (n: number) => boolean {
  const ranges = text.split(',').map((part) => {
    const bounds = part.split(':');
    if (bounds.length > 2) throw new Bad(`Invalid sequence set ${text}`);
    const values = bounds.map((b) => {
      if (b === '*') return largest;
      if (!/^[1-9]\d*$/.test(b)) throw new Bad(`Invalid sequence set ${text}`);
      return Number(b);
    });
    const [a, b = a] = values;
    return [Math.min(a, b), Math.max(a, b)];
  });
  return (n) => ranges.some(([low, high]) => n >= low && n <= high);
}

const isSequenceSet = (value: string) => /^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/.test(value);

type Matcher = (message: ImapMessage, sequence: number) => boolean;

/** search-key (§6.4.4), the subset this server supports; any other key is BAD (never silently "no match"). */
function parseSearchKey(tokens: Token[], at: { i: number }, mailbox: ImapMailbox): Matcher {
  const token = tokens[at.i++];
  if (!token) throw new Bad('Missing search key');
  if (token.kind === '(') {
    const keys: Matcher[] = [];
    while (tokens[at.i]?.kind !== ')') {
      if (at.i >= tokens.length) throw new Bad('Unbalanced parenthesis');
      keys.push(parseSearchKey(tokens, at, mailbox));
    }
    at.i += 1;
    if (keys.length === 0) throw new Bad('Empty parenthesized search key');
    return (m, s) => keys.every((key) => key(m, s));
  }
  if (token.kind !== 'atom') throw new Bad('Expected a search key');
  const name = token.value.toUpperCase();
  const count = mailbox.messages.length;
  const largestUid = mailbox.messages.at(-1)?.uid ?? 0;
  switch (name) {
    case 'ALL':
      return () => true;
    case 'NOT': {
      const key = parseSearchKey(tokens, at, mailbox);
      return (m, s) => !key(m, s);
    }
    case 'OR': {
      const left = parseSearchKey(tokens, at, mailbox);
      const right = parseSearchKey(tokens, at, mailbox);
      return (m, s) => left(m, s) || right(m, s);
    }
    case 'UID': {
      const set = tokens[at.i++];
      if (set?.kind !== 'atom' || !isSequenceSet(set.value)) throw new Bad('UID needs a sequence set');
      const inSet = parseSet(set.value, largestUid);
      return (m) => inSet(m.uid);
    }
    case 'HEADER': {
      const field = astring(tokens[at.i++], 'a header field name').toLowerCase();
      const text = astring(tokens[at.i++], 'a string to search for').toLowerCase();
      // The field's value contains the string, case-insensitively; an empty string matches any such field.
      return (m) => m.headers.some(([n, v]) => n === field && v.toLowerCase().includes(text));
    }
    default:
      if (isSequenceSet(token.value)) {
        const inSet = parseSet(token.value, count);
        return (_m, s) => inSet(s);
      }
      throw new Bad(`Search key ${token.value} is not supported`);
  }
}

/** LIST's mailbox pattern (§6.3.8): "*" matches anything, "%" anything but the hierarchy delimiter. */
function listMatcher(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '%' ? `[^${DELIMITER}]*` : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, pattern.toUpperCase().startsWith('INBOX') ? 'i' : '');
}

class Session {
  private user: string | undefined;
  private selected: { name: string; readOnly: boolean } | undefined;
  private segments: Segment[] = [];
  private buffer = Buffer.alloc(0);
  private literalBytes = 0;
  /** Set while AUTHENTICATE waits for the client's response line. */
  private pendingAuth: string | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly store: ImapStore,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
    this.write(`* OK [CAPABILITY ${CAPABILITIES}] zoom-salesforce mail sink IMAP4rev1 ready`);
  }

  private write(line: string): void {
    if (!this.closed) this.socket.write(`${line}\r\n`);
  }

  private bye(reason: string): void {
    this.write(`* BYE ${reason}`);
    this.closed = true;
    this.socket.end();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (!this.closed) {
      if (this.literalBytes > 0) {
        if (this.buffer.length < this.literalBytes) return;
        this.segments.push({ literal: this.buffer.subarray(0, this.literalBytes).toString('utf8') });
        this.buffer = this.buffer.subarray(this.literalBytes);
        this.literalBytes = 0;
        continue;
      }
      const end = this.buffer.indexOf('\r\n');
      if (end < 0) {
        if (this.buffer.length > MAX_LINE_BYTES) this.bye('Line too long');
        return;
      }
      if (end > MAX_LINE_BYTES) return this.bye('Line too long');
      const line = this.buffer.subarray(0, end).toString('utf8');
      this.buffer = this.buffer.subarray(end + 2);
      if (this.pendingAuth !== undefined) {
        const tag = this.pendingAuth;
        this.pendingAuth = undefined;
        this.finishPlain(tag, line);
        continue;
      }
      const literal = /\{(\d+)(\+?)\}$/.exec(line);
      if (literal) {
        const size = Number(literal[1]);
        if (literal[2] === '+' || size > MAX_LITERAL_BYTES) {
          this.segments = [];
          const tag = line.split(' ')[0];
          // The client waits for no "+" here, so what follows would be read as commands: end the connection.
          if (literal[2] === '+') return this.bye('Non-synchronizing literals are not supported');
          this.write(`${TAG.test(tag) ? tag : '*'} BAD Literal too large`);
          continue;
        }
        this.segments.push(line.slice(0, literal.index));
        this.literalBytes = size;
        if (size === 0) this.segments.push({ literal: '' });
        this.write('+ Ready for literal data');
        continue;
      }
      this.segments.push(line);
      const segments = this.segments;
      this.segments = [];
      this.dispatch(segments);
    }
  }

  private dispatch(segments: Segment[]): void {
    const first = segments[0];
    const text = typeof first === 'string' ? first : '';
    const space = text.indexOf(' ');
    const tag = space > 0 ? text.slice(0, space) : text;
    if (!TAG.test(tag)) return this.write('* BAD Invalid tag');
    let tokens: Token[];
    try {
      tokens = tokenize([text.slice(space + 1), ...segments.slice(1)]);
      if (space < 0) throw new Bad('Missing command');
    } catch (error) {
      return this.write(`${tag} BAD ${(error as Error).message}`);
    }
    const command = tokens[0]?.kind === 'atom' ? tokens[0].value.toUpperCase() : '';
    try {
      this.run(tag, command, tokens.slice(1));
    } catch (error) {
      if (!(error instanceof Bad)) throw error;
      this.write(`${tag} BAD ${error.message}`);
    }
  }

  private run(tag: string, command: string, args: Token[]): void {
    const none = () => {
      if (args.length > 0) throw new Bad(`${command} takes no arguments`);
    };
    switch (command) {
      case 'CAPABILITY':
        none();
        this.write(`* CAPABILITY ${CAPABILITIES}`);
        return this.write(`${tag} OK CAPABILITY completed`);
      case 'NOOP':
        none();
        return this.write(`${tag} OK NOOP completed`);
      case 'LOGOUT':
        none();
        this.write('* BYE zoom-salesforce mail sink logging out');
        this.write(`${tag} OK LOGOUT completed`);
        this.closed = true;
        this.socket.end();
        return;
      case 'LOGIN': {
        this.requireState(command, 'not authenticated');
        if (args.length !== 2) throw new Bad('LOGIN takes a user name and a password');
        return this.login(tag, astring(args[0], 'a user name'), astring(args[1], 'a password'), command);
      }
      case 'AUTHENTICATE': {
        this.requireState(command, 'not authenticated');
        // Without SASL-IR (RFC 4959) the initial response is not part of the command.
        if (args.length !== 1 || args[0].kind !== 'atom') throw new Bad('AUTHENTICATE takes one mechanism name');
        if (args[0].value.toUpperCase() !== 'PLAIN')
          return this.write(`${tag} NO Unsupported authentication mechanism`);
        this.pendingAuth = tag;
        return this.write('+ ');
      }
      case 'SELECT':
      case 'EXAMINE': {
        this.requireState(command, 'authenticated');
        if (args.length !== 1) throw new Bad(`${command} takes one mailbox name`);
        return this.select(tag, command, astring(args[0], 'a mailbox name'));
      }
      case 'LIST':
      case 'LSUB': {
        this.requireState(command, 'authenticated');
        if (args.length !== 2) throw new Bad(`${command} takes a reference name and a mailbox pattern`);
        const [reference, pattern] = args.map((a) => (a.kind === 'atom' || a.kind === 'string' ? a.value : undefined));
        if (reference === undefined || pattern === undefined) throw new Bad(`${command} takes two strings`);
        return this.list(tag, command, reference, pattern);
      }
      case 'CLOSE':
        none();
        this.requireState(command, 'selected');
        this.selected = undefined;
        return this.write(`${tag} OK CLOSE completed`);
      case 'SEARCH':
        this.requireState(command, 'selected');
        return this.search(tag, 'SEARCH', args, false);
      case 'UID': {
        const sub = args[0]?.kind === 'atom' ? args[0].value.toUpperCase() : '';
        if (sub !== 'SEARCH') throw new Bad(sub ? `UID ${sub} is not supported` : 'UID needs a command');
        this.requireState(command, 'selected');
        return this.search(tag, 'UID SEARCH', args.slice(1), true);
      }
      default:
        throw new Bad(command ? `Command ${command} is not supported` : 'Missing command');
    }
  }

  /** Commands of the authenticated state are valid in the selected state too (§6.3). */
  private requireState(command: string, state: 'not authenticated' | 'authenticated' | 'selected'): void {
    const current = this.user === undefined ? 'not authenticated' : this.selected ? 'selected' : 'authenticated';
    const allowed = state === 'authenticated' ? current !== 'not authenticated' : current === state;
    if (!allowed) throw new Bad(`${command} is not valid in the ${current} state`);
  }

  private login(tag: string, user: string, password: string, command: string): void {
    if (!this.store.authenticate(user, password))
      return this.write(`${tag} NO [AUTHENTICATIONFAILED] Invalid credentials`);
    this.user = user;
    this.write(`${tag} OK [CAPABILITY ${CAPABILITIES}] ${command} completed`);
  }

  /** The client's response to AUTHENTICATE PLAIN (RFC 4616): base64 of authzid NUL authcid NUL passwd. */
  private finishPlain(tag: string, line: string): void {
    if (line === '*') return this.write(`${tag} BAD AUTHENTICATE cancelled`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(line) || line.length % 4 !== 0)
      return this.write(`${tag} BAD Invalid base64 in the AUTHENTICATE response`);
    const parts = Buffer.from(line, 'base64').toString('utf8').split('\0');
    if (parts.length !== 3) return this.write(`${tag} BAD Malformed PLAIN response`);
    const [authzid, user, password] = parts;
    if (authzid !== '' && authzid !== user)
      return this.write(`${tag} NO [AUTHORIZATIONFAILED] Cannot act as another user`);
    this.login(tag, user, password, 'AUTHENTICATE');
  }

  private select(tag: string, command: string, name: string): void {
    this.selected = undefined; // a failed SELECT leaves no mailbox selected (§6.3.1)
    const mailbox = this.store.mailbox(this.user!, name);
    if (!mailbox) return this.write(`${tag} NO [NONEXISTENT] No such mailbox`);
    const readOnly = command === 'EXAMINE';
    this.write('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)');
    this.write(`* ${mailbox.messages.length} EXISTS`);
    this.write('* 0 RECENT');
    this.write(`* OK [PERMANENTFLAGS ()] No permanent flags permitted`);
    this.write(`* OK [UIDVALIDITY ${mailbox.uidValidity}] UIDs valid`);
    this.write(`* OK [UIDNEXT ${mailbox.uidNext}] Predicted next UID`);
    this.selected = { name, readOnly };
    // The mailbox is read-only through IMAP either way: messages only arrive through SMTP.
    this.write(`${tag} OK [${readOnly ? 'READ-ONLY' : 'READ-WRITE'}] ${command} completed`);
  }

  private list(tag: string, command: string, reference: string, pattern: string): void {
    if (pattern === '') {
      // The hierarchy delimiter and the root name (§6.3.8).
      this.write(`* ${command} (\\Noselect) ${quote(DELIMITER)} ""`);
      return this.write(`${tag} OK ${command} completed`);
    }
    const matcher = listMatcher(reference + pattern);
    for (const name of this.store.mailboxNames(this.user!)) {
      if (matcher.test(name)) this.write(`* ${command} (\\HasNoChildren) ${quote(DELIMITER)} ${quote(name)}`);
    }
    this.write(`${tag} OK ${command} completed`);
  }

  private search(tag: string, command: string, args: Token[], byUid: boolean): void {
    const mailbox = this.store.mailbox(this.user!, this.selected!.name)!;
    const at = { i: 0 };
    if (args[0]?.kind === 'atom' && args[0].value.toUpperCase() === 'CHARSET') {
      const charset = astring(args[1], 'a charset').toUpperCase();
      if (charset !== 'US-ASCII' && charset !== 'UTF-8')
        return this.write(`${tag} NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset`);
      at.i = 2;
    }
    if (at.i >= args.length) throw new Bad('SEARCH needs a search key');
    const keys: Matcher[] = [];
    while (at.i < args.length) {
      if (args[at.i].kind === ')') throw new Bad('Unbalanced parenthesis');
      keys.push(parseSearchKey(args, at, mailbox));
    }
    const found = mailbox.messages
      .map((message, index) => ({ message, sequence: index + 1 }))
      .filter(({ message, sequence }) => keys.every((key) => key(message, sequence)))
      .map(({ message, sequence }) => (byUid ? message.uid : sequence));
    this.write(`* SEARCH${found.map((n) => ` ${n}`).join('')}`);
    this.write(`${tag} OK ${command} completed`);
  }
}

export interface ImapServer {
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export function createImapServer(store: ImapStore): ImapServer {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Session(socket, store);
  });
  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

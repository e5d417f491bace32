import { Writable } from 'node:stream';

/** Every log line the worker process and the API wrote during the run, by source, for the secrets-and-PII scan. */
export class LogCapture {
  readonly lines: { source: string; line: string }[] = [];

  /** A stream that records each complete line written to it under `source`. */
  stream(source: string): Writable {
    let partial = '';
    return new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        const text = partial + chunk.toString();
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) if (line.trim() !== '') this.lines.push({ source, line });
        done();
      },
      final: (done) => {
        if (partial.trim() !== '') this.lines.push({ source, line: partial });
        done();
      },
    });
  }

  count(source: string): number {
    return this.lines.filter((l) => l.source === source).length;
  }
}

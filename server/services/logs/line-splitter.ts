import { StringDecoder } from 'node:string_decoder';

/**
 * Turns a stream of chunks into lines: multi-byte characters split across chunks
 * stay whole, and a line longer than `maxLineChars` keeps its beginning (the rest
 * is skipped) so a runaway line cannot grow memory.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private skipping = false;

  constructor(private readonly maxLineChars: number) {}

  push(chunk: Buffer): string[] {
    return this.split(this.decoder.write(chunk));
  }

  /** The last line when the stream ended without a newline. */
  end(): string[] {
    const rest = this.split(this.decoder.end());
    const last = this.skipping || this.partial === '' ? [] : [this.partial];
    this.partial = '';
    this.skipping = false;
    return [...rest, ...last];
  }

  private split(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (!this.skipping) lines.push((this.partial + text.slice(start, nl)).slice(0, this.maxLineChars));
      this.partial = '';
      this.skipping = false;
      start = nl + 1;
    }
    if (!this.skipping) {
      this.partial += text.slice(start);
      if (this.partial.length > this.maxLineChars) {
        lines.push(this.partial.slice(0, this.maxLineChars));
        this.partial = '';
        this.skipping = true;
      }
    }
    return lines;
  }
}

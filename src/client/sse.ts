/**
 * Server-Sent Events from a byte stream: yields {event, data, id} as they arrive.
 * Linear in what arrives: each chunk is scanned once for line ends (a log follow's
 * event may be hundreds of kilobytes, spread over many chunks), and the unfinished
 * rest is kept, never scanned or copied again per line.
 */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

const CR = 13;
const SPACE = 32;
const COLON = 58;

export async function* readSse(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  /** The part after the last line end; `pieces` while a line spans chunks. */
  let rest = '';
  let pieces: string[] = [];
  let event = 'message';
  let data: string[] = [];
  let id: string | undefined;
  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = text.indexOf('\n');
    if (newline < 0) {
      pieces.push(text);
      continue;
    }
    const buffer = pieces.length > 0 ? rest + pieces.join('') + text : rest + text;
    newline += buffer.length - text.length;
    pieces = [];
    let start = 0;
    while (newline >= 0) {
      const end = newline > start && buffer.charCodeAt(newline - 1) === CR ? newline - 1 : newline;
      const line = buffer.slice(start, end);
      start = newline + 1;
      newline = buffer.indexOf('\n', start);
      if (line === '') {
        if (data.length > 0) yield { event, data: data.length === 1 ? data[0]! : data.join('\n'), ...(id === undefined ? {} : { id }) };
        event = 'message';
        data = [];
        continue;
      }
      if (line.charCodeAt(0) === COLON) continue; // a comment
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.charCodeAt(0) === SPACE) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    rest = buffer.slice(start);
  }
}

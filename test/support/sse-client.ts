/** One Server-Sent Event as received: its type (`message` when unnamed), id and data. */
export interface SseMessage {
  event: string;
  id: string | undefined;
  data: string;
}

/**
 * Reads a `text/event-stream` response message by message, as a browser's EventSource would (comment
 * lines are counted, not returned). `until` reads on until a message matches, keeping every one read.
 */
export class SseReader {
  readonly received: SseMessage[] = [];
  comments = 0;
  #buffer = '';
  readonly #pending: SseMessage[] = [];
  #done = false;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  readonly #controller: AbortController;

  private constructor(response: Response, controller: AbortController) {
    if (!response.body) throw new Error('the SSE response has no body');
    this.#reader = response.body.getReader();
    this.#controller = controller;
  }

  /** Opens `url` as an event stream; throws with the body when the answer is not 200 text/event-stream. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const controller = new AbortController();
    const response = await fetch(url, { headers, signal: controller.signal });
    if (response.status !== 200 || !response.headers.get('content-type')?.includes('text/event-stream')) {
      throw new Error(
        `expected an event stream from ${url}, got ${response.status}: ${await response.text()}`,
      );
    }
    return new SseReader(response, controller);
  }

  /** The next message, or null once the server closed the stream. */
  async next(): Promise<SseMessage | null> {
    while (this.#pending.length === 0) {
      if (!(await this.#readMore())) return null;
    }
    const message = this.#pending.shift()!;
    this.received.push(message);
    return message;
  }

  /** Reads until `count` comment lines (keep-alives) have come in all; false when the stream ended first. */
  async untilComments(count: number): Promise<boolean> {
    while (this.comments < count) {
      if (!(await this.#readMore())) return false;
    }
    return true;
  }

  /** Reads one chunk and parses the complete messages in it; false once the stream has ended. */
  async #readMore(): Promise<boolean> {
    if (this.#done) return false;
    const { done, value } = await this.#reader.read();
    if (done) this.#done = true;
    else this.#buffer += this.#decoder.decode(value, { stream: true });
    for (
      let boundary = this.#buffer.indexOf('\n\n');
      boundary >= 0;
      boundary = this.#buffer.indexOf('\n\n')
    ) {
      const message = this.#parse(this.#buffer.slice(0, boundary));
      this.#buffer = this.#buffer.slice(boundary + 2);
      if (message) this.#pending.push(message);
    }
    return !done || this.#pending.length > 0;
  }

  /** Reads until a message matches (returned) or the stream ends (null). */
  async until(match: (message: SseMessage) => boolean): Promise<SseMessage | null> {
    for (;;) {
      const message = await this.next();
      if (message === null || match(message)) return message;
    }
  }

  /** Reads to the end of the stream; true when the server closed it. */
  async toEnd(): Promise<boolean> {
    while ((await this.next()) !== null) {}
    return this.#done;
  }

  /** Drops the connection, as a closed browser tab does. */
  close(): void {
    this.#controller.abort();
  }

  #parse(block: string): SseMessage | null {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    let fields = 0;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments++;
        continue;
      }
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      fields++;
      if (name === 'event') event = value;
      else if (name === 'id') id = value;
      else if (name === 'data') data.push(value);
    }
    return fields === 0 ? null : { event, id, data: data.join('\n') };
  }
}

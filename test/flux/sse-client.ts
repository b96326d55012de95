import http from 'node:http';

/** One server-sent event as a client parses it. */
export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/**
 * A minimal SSE client over node:http for the tests and the benchmark: it keeps every event, knows
 * the last id seen (what a browser would send as Last-Event-ID) and can wait for a condition.
 * The web app uses the `eventsource` package; this one exposes the raw stream to assert on it.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  lastId: string | null = null;
  status = 0;
  contentType = '';
  /** Resolves when the server ends the stream (or the client closes it). */
  readonly ended: Promise<void>;
  private request: http.ClientRequest | null = null;
  private listeners: Array<() => void> = [];
  private resolveEnded!: () => void;
  private done = false;

  private constructor(readonly onEvent?: (event: SseEvent) => void) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  /**
   * Opens the stream; resolves once the answer's headers are in (check `status`). Over
   * node:http without an agent: closing destroys the one socket. (fetch's pool leaves a spare
   * connection open that holds the server's close until its headers timeout.)
   */
  static async open(url: string, token: string, options: { lastEventId?: string; onEvent?: (event: SseEvent) => void } = {}): Promise<SseClient> {
    const client = new SseClient(options.onEvent);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
    const request = http.get(url, { headers, agent: false });
    client.request = request;
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => request.once('response', resolve).once('error', reject));
    client.status = response.statusCode ?? 0;
    client.contentType = String(response.headers['content-type'] ?? '');
    response.setEncoding('utf8');
    if (client.status !== 200) {
      for await (const chunk of response) client.body += chunk;
      client.finish();
      return client;
    }
    void client.pump(response);
    return client;
  }

  /** The answer's body when it was not a stream (a problem+json). */
  body = '';

  /** Events of one kind, data parsed. */
  of<T = any>(event: string): Array<T & { _id: string | null }> {
    return this.events.filter((e) => e.event === event).map((e) => ({ ...JSON.parse(e.data), _id: e.id }));
  }

  /** Waits until `check()` is true (checked after each event), or throws after timeoutMs. */
  async waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events.slice(-5))}`));
      }, timeoutMs);
      const listener = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve();
      };
      this.listeners.push(listener);
    });
  }

  close(): void {
    this.request?.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.resolveEnded();
    for (const listener of [...this.listeners]) listener();
  }

  private async pump(response: http.IncomingMessage): Promise<void> {
    let buffer = '';
    try {
      for await (const chunk of response) {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          this.parse(block);
        }
      }
    } catch {
      /* closed by close() */
    }
    this.finish();
  }

  private parse(block: string): void {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (id !== null) this.lastId = id;
    if (data.length === 0) return;
    const parsed = { id, event, data: data.join('\n') };
    this.events.push(parsed);
    this.onEvent?.(parsed);
    for (const listener of [...this.listeners]) listener();
  }
}

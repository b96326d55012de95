import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  path: string;
  id: string;
  body: string;
  verified: boolean;
  status: number | null;
  /** Date.now() when the request's body was read. */
  receivedAt: number;
}

type Behaviour = 'ok' | 'down' | 'hang' | 'redirect' | { failFirst: number };

/**
 * A webhook receiver on loopback (port 0): each path behaves as told (accept, fail with 500,
 * never answer, redirect elsewhere, or fail the first n attempts of each webhook-id), and every request is checked
 * with the Standard Webhooks library against the path's secret.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly secrets = new Map<string, string>();
  private readonly hanging = new Set<ServerResponse>();
  private server!: Server;
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string, behaviour: Behaviour, secret?: string): void {
    this.behaviours.set(path, behaviour);
    if (secret) this.secrets.set(path, secret);
  }

  /** The requests a path received (all attempts). */
  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  get openRequests(): number {
    return this.hanging.size;
  }

  /** The most requests left hanging at once (a request leaves when its client gives up). */
  maxOpen = 0;

  /** Cuts the connections of the requests left hanging. */
  releaseHanging(): void {
    for (const res of this.hanging) res.socket?.destroy();
    this.hanging.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    const id = String(req.headers['webhook-id'] ?? '');
    let verified = false;
    try {
      new Webhook(this.secrets.get(path) ?? 'whsec_AAAA').verify(body, req.headers as Record<string, string>);
      verified = true;
    } catch {
      verified = false;
    }
    const behaviour = this.behaviours.get(path) ?? 'down';
    const entry: Received = { path, id, body, verified, status: null, receivedAt: Date.now() };
    this.received.push(entry);
    if (behaviour === 'hang') {
      this.hanging.add(res);
      this.maxOpen = Math.max(this.maxOpen, this.hanging.size);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (behaviour === 'redirect') {
      entry.status = 302;
      res.writeHead(302, { location: `${this.baseUrl}/cible-de-redirection` }).end();
      return;
    }
    const seen = this.received.filter((r) => r.path === path && r.id === id).length;
    const status = behaviour === 'ok' || (typeof behaviour === 'object' && seen > behaviour.failFirst) ? 204 : 500;
    entry.status = status;
    res.statusCode = status;
    res.end(status === 500 ? 'Erreur interne du récepteur : base indisponible' : undefined);
  }

  async close(): Promise<void> {
    this.releaseHanging();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail the sink accepted, with its headers and its decoded text and HTML parts. */
export interface MailRecu {
  to: string[];
  raw: string;
  headers: Record<string, string>;
  subject: string;
  messageId: string;
  text: string;
  html: string;
}

/**
 * A real SMTP server on loopback (port 0), collecting what it accepts. `refuser` names mails to
 * refuse once with a 451 (a temporary failure), as a relay under load does.
 */
export class SmtpSink {
  readonly received: MailRecu[] = [];
  readonly refused: string[] = [];
  private readonly refuseOnce = new Set<string>();

  private constructor(private readonly server: SMTPServer, readonly port: number) {}

  static async start(): Promise<SmtpSink> {
    let sink: SmtpSink | null = null;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const mail = parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address));
          if (sink!.refuseOnce.delete(mail.messageId)) {
            sink!.refused.push(mail.messageId);
            callback(Object.assign(new Error('Service momentanément indisponible'), { responseCode: 451 }));
            return;
          }
          sink!.received.push(mail);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sink = new SmtpSink(server, ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port);
    return sink;
  }

  /** The next mail with this Message-ID is refused with a 451; the following ones are accepted. */
  refuserUneFois(messageId: string): void {
    this.refuseOnce.add(messageId);
  }

  byMessageId(messageId: string): MailRecu[] {
    return this.received.filter((m) => m.messageId === messageId);
  }

  to(address: string): MailRecu[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=), as nodemailer writes non-ASCII headers. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQp(text.replace(/_/g, ' ')),
    );
}

function decodeQp(text: string): string {
  const bytes: number[] = [];
  const body = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '=' && /^[0-9A-F]{2}$/i.test(body.slice(i + 1, i + 3))) {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(body[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function splitHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return headers;
}

function decodePart(headers: Record<string, string>, body: string): string {
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQp(body);
  return body;
}

/** Enough MIME for what nodemailer sends: headers, and a multipart/alternative of text and HTML. */
export function parseMail(raw: string, to: string[]): MailRecu {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\r\n\r\n');
  const headers = splitHeaders(head);
  let text = '';
  let html = '';
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [`${head}\r\n\r\n${body}`];
  for (const part of parts) {
    const [partHead, ...partRest] = part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    const partHeaders = splitHeaders(partHead);
    const content = decodePart(partHeaders, partRest.join('\r\n\r\n'));
    if ((partHeaders['content-type'] ?? '').startsWith('text/html')) html = content;
    else if ((partHeaders['content-type'] ?? '').startsWith('text/plain')) text = content;
  }
  return { to, raw, headers, subject: decodeWords(headers.subject ?? ''), messageId: headers['message-id'] ?? '', text, html };
}

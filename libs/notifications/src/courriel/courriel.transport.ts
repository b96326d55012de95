import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { AppConfig, smtpFromAddress } from '@app/core';
import type { Courriel } from './courriel.templates';

/** Bounded waits: a relay that hangs fails the job (which is retried) instead of holding it, and its row lock, for minutes. */
const SMTP_TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 };

/**
 * A refused or failed send, told without what nodemailer's message may quote (the recipient's
 * address, the server's reply text): only the SMTP code, the command and the error kind. This is
 * what reaches the logs and the queue board.
 */
export class EnvoiCourrielError extends Error {
  readonly code?: string;
  readonly responseCode?: number;
  readonly command?: string;

  constructor(cause: unknown) {
    const err = (cause ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown };
    const code = typeof err.code === 'string' ? err.code : undefined;
    const responseCode = typeof err.responseCode === 'number' ? err.responseCode : undefined;
    const command = typeof err.command === 'string' ? err.command.split(' ')[0] : undefined;
    super(`envoi SMTP échoué${responseCode ? ` (${responseCode})` : ''}${command ? ` à ${command}` : ''}${code ? ` [${code}]` : ''}`);
    this.name = 'EnvoiCourrielError';
    Object.assign(this, { code, responseCode, command });
  }
}

/** The SMTP relay of AppConfig, through one pooled nodemailer transport per process. */
@Injectable()
export class CourrielTransport implements OnApplicationShutdown {
  private transporter: ReturnType<typeof createTransport> | null = null;
  /** The domain of SMTP_FROM: the right-hand side of every Message-ID. */
  readonly domaine: string;

  constructor(private readonly config: AppConfig) {
    this.domaine = config.SMTP_FROM ? (smtpFromAddress(config.SMTP_FROM)?.split('@')[1] ?? 'relais.invalid') : 'relais.invalid';
  }

  get actif(): boolean {
    return this.config.courrielActif;
  }

  /** The public address of the web app, for links (required with SMTP_HOST). */
  get base(): string {
    return (this.config.PUBLIC_URL ?? '').replace(/\/+$/, '');
  }

  /** `<local@domain>`: deterministic Message-IDs are what makes a mail sent twice harmless (ADR 0009). */
  messageId(local: string): string {
    return `<${local}@${this.domaine}>`;
  }

  async envoyer(message: { a: string; messageId: string; courriel: Courriel }): Promise<void> {
    const c = this.config;
    this.transporter ??= createTransport({
      pool: true,
      maxConnections: 3,
      host: c.SMTP_HOST,
      port: c.smtpPort,
      secure: c.SMTP_SECURE,
      requireTLS: !c.SMTP_SECURE && c.SMTP_STARTTLS === 'required',
      ignoreTLS: !c.SMTP_SECURE && c.SMTP_STARTTLS === 'off',
      auth: c.SMTP_USER ? { user: c.SMTP_USER, pass: c.SMTP_PASSWORD } : undefined,
      ...SMTP_TIMEOUTS,
    });
    try {
      await this.transporter.sendMail({
        from: c.SMTP_FROM,
        to: message.a,
        subject: message.courriel.sujet,
        text: message.courriel.texte,
        html: message.courriel.html,
        messageId: message.messageId,
        // RFC 3834: out-of-office robots must not answer a notification.
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      });
    } catch (err) {
      throw new EnvoiCourrielError(err);
    }
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }
}

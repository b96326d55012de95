import { execFile } from 'node:child_process';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboxConsumer, OutboxEvent, safeError } from '@app/core';
import { DocumentStorage } from '../storage/document-storage';

export const DOCUMENT_DEPOSE = 'document.depose';

/** The text kept per document for the search: enough for any real brochure or règlement. */
const TEXTE_MAX = 1_000_000;

/**
 * Extracts the text of a deposited PDF into `document.texte`, for the future search (issue 14).
 * In the worker, never in the request: parsing takes time and memory the upload must not wait
 * for. A PDF that cannot be read (scanned, damaged, encrypted) gets an empty text, so the event
 * is not retried forever; the failure is logged without the document's content.
 */
@Injectable()
export class DocumentTexteConsumer implements OutboxConsumer {
  readonly name = 'document-texte';
  private readonly logger = new Logger(DocumentTexteConsumer.name);

  constructor(private readonly storage: DocumentStorage) {}

  handles(type: string): boolean {
    return type === DOCUMENT_DEPOSE;
  }

  async handle(event: OutboxEvent, manager: EntityManager): Promise<void> {
    const [doc] = await manager.query(`SELECT cle, type_mime FROM document WHERE id = $1 AND texte IS NULL`, [event.aggregateId]);
    if (!doc || doc.type_mime !== 'application/pdf') return;
    const stream = await this.storage.get(doc.cle);
    if (!stream) return;
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    let texte = '';
    try {
      texte = await extrairePdf(Buffer.concat(chunks));
    } catch (error) {
      this.logger.warn({ document: event.aggregateId, err: safeError(error) }, 'Texte du PDF illisible : document gardé sans texte');
    }
    await manager.query(`UPDATE document SET texte = $2 WHERE id = $1 AND texte IS NULL`, [event.aggregateId, cleanTexte(texte)]);
  }
}

/** What the child process runs: pdf-parse on the bytes read from stdin, the text to stdout. */
const EXTRACTEUR = `
const { PDFParse } = require(process.argv[1]);
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c)).on('end', async () => {
  try {
    const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
    const result = await parser.getText({ pageJoiner: '' });
    await parser.destroy();
    process.stdout.write(result.text);
  } catch (error) {
    process.stderr.write(String(error && error.name));
    process.exit(2);
  }
});`;

/** How long one PDF may take before its parse is abandoned. */
const EXTRACTION_TIMEOUT_MS = 60_000;

/**
 * The text of a PDF, with pdf-parse (pdf.js) in a child process: a hostile or huge PDF costs
 * that process's memory and time, not the worker's, and is killed past the timeout; pdf.js's
 * own "fake worker" also needs a real Node module loader, which a child process always has.
 */
export function extrairePdf(data: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', EXTRACTEUR, require.resolve('pdf-parse')],
      { timeout: EXTRACTION_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => (error ? reject(new Error(`Extraction du texte impossible (${stderr.slice(0, 100) || error.message})`)) : resolve(stdout)),
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(data);
  });
}

/** NUL bytes cannot go into a PostgreSQL text; runs of blanks say nothing to a search. */
export function cleanTexte(texte: string): string {
  return texte.replace(/\u0000/g, '').replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim().slice(0, TEXTE_MAX);
}
